//! The errors of message delivery.

/// What went wrong while delivering messages. A failed send is `Transient` (tried again after a
/// back-off) or `Permanent` (the provider refused the message; marked failed at once).
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// The outbox could not be read or updated.
    #[error("outbox database error")]
    Database(#[from] sqlx::Error),
    /// A delivery setting is missing or invalid.
    #[error("{name}: {reason}")]
    Setting {
        /// The environment variable.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The provider could not be reached or asked to try again later.
    #[error("delivery failed: {0}")]
    Transient(String),
    /// The provider refused the message; sending it again would not help.
    #[error("delivery refused: {0}")]
    Permanent(String),
}

impl NotificationError {
    /// A setting error.
    pub(crate) fn setting(name: &'static str, reason: impl Into<String>) -> Self {
        Self::Setting {
            name,
            reason: reason.into(),
        }
    }

    /// Whether sending again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }
}
