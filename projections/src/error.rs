//! The one error type of the read side.

use thiserror::Error;

/// What can go wrong while projecting or querying read models.
#[derive(Debug, Error)]
pub enum ProjectionError {
    /// The database failed or the connection broke.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] bedrift_store::StoreError),
    /// A stored event could not be decoded; the projector stops rather than skip it.
    #[error("event at position {position} cannot be decoded: {reason}")]
    Undecodable {
        /// Where in the log.
        position: i64,
        /// Why.
        reason: String,
    },
    /// A stored read-model row could not be decoded.
    #[error("read model row cannot be decoded: {0}")]
    Corrupt(String),
    /// The billing function could not price a month.
    #[error(transparent)]
    Billing(#[from] bedrift_domain::billing::BillingError),
    /// No read model has this name.
    #[error("no read model is called `{0}`; known: {1}")]
    UnknownReadModel(String, String),
    /// Waiting for the read models to reach a position took too long.
    #[error("the read models did not reach position {0} in time")]
    Timeout(bedrift_store::LogPosition),
}
