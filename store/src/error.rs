//! The one error type of the store layer.

use std::convert::Infallible;

/// Everything that can go wrong in the store layer.
///
/// `E` is the domain error of the aggregate a command was sent to; functions that run no command
/// use the default, [`Infallible`], and [`StoreError::widen`] turns their errors into any
/// `StoreError<E>`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError<E: std::error::Error = Infallible> {
    /// The aggregate refused the command: a business rule, for the caller to report.
    #[error(transparent)]
    Domain(E),
    /// Another command changed the aggregate at the same time, every attempt.
    #[error("the {aggregate_type} was changed at the same time by another request ({attempts} attempts)")]
    Conflict {
        /// The aggregate's type.
        aggregate_type: &'static str,
        /// How many times the command was tried.
        attempts: u32,
    },
    /// The event store failed (connection, query or an event that does not deserialise).
    #[error("event store: {0}")]
    EventStore(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A query failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migrating the database: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The private PostgreSQL server could not be found, prepared or started.
    #[error("{0}")]
    EmbeddedServer(String),
    /// A setting has a value that cannot be used.
    #[error("setting {name}: {message}")]
    Settings {
        /// The environment variable.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl StoreError<Infallible> {
    /// The same error as a `StoreError` of any domain error type.
    pub fn widen<E: std::error::Error>(self) -> StoreError<E> {
        match self {
            Self::Domain(never) => match never {},
            Self::Conflict {
                aggregate_type,
                attempts,
            } => StoreError::Conflict {
                aggregate_type,
                attempts,
            },
            Self::EventStore(e) => StoreError::EventStore(e),
            Self::Database(e) => StoreError::Database(e),
            Self::Migration(e) => StoreError::Migration(e),
            Self::EmbeddedServer(message) => StoreError::EmbeddedServer(message),
            Self::Settings { name, message } => StoreError::Settings { name, message },
        }
    }
}

impl<E: std::error::Error> StoreError<E> {
    /// True for [`StoreError::Conflict`].
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }

    /// The domain error, when the aggregate refused the command.
    pub fn domain(&self) -> Option<&E> {
        match self {
            Self::Domain(e) => Some(e),
            _ => None,
        }
    }
}
