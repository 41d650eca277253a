//! The load generator of Bedriftsbillett, shared by `bedrift bench load` and the crash test:
//! GraphQL clients over HTTP ([`client`]), the companies, administrators and employees they act
//! for ([`world`]), the mix of operations they drive ([`mix`]) with its figures ([`stats`]),
//! the projection lag seen from outside the projector ([`lag`]), PostgreSQL's own insert rate
//! to compare with ([`baseline`]) and the messages the service wrote ([`messages`]).

pub mod baseline;
pub mod client;
pub mod lag;
pub mod messages;
pub mod mix;
pub mod stats;
pub mod world;

/// What can go wrong while setting up or measuring.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The server could not be reached or answered with something that is not GraphQL.
    #[error("HTTP: {0}")]
    Http(String),
    /// A step of the set-up was refused.
    #[error("{operation} was refused with {code}")]
    Refused {
        /// The GraphQL field.
        operation: String,
        /// Its `extensions.code`.
        code: String,
    },
    /// An answer lacked what the step needs.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
    /// The database (messages, positions, the insert baseline).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Reading positions from the store.
    #[error("store: {0}")]
    Store(String),
    /// Socket errors.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}
