//! Tickets outside the service (SPEC.md flow step 7): the ticket page at `/billett/{token}`
//! that the approval SMS links to (with the signed ticket as a QR code), sending that link
//! again, and the ticket signing keys with their JWKS at `/.well-known/jwks.json`.

mod card;
pub mod keys;
mod page;
mod qr;
pub mod resend;
pub mod signed;
mod texts;

use axum::routing::get;
use axum::Router;
use bedrift_projections::ProjectionError;
use thiserror::Error;

pub use card::{CardStatus, TicketCard, ZonesShown};
pub use texts::Language;

use crate::AppState;

/// What can fail while showing or sending a ticket (all of it internal: logged, not shown).
#[derive(Debug, Error)]
pub enum TicketError {
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A read model could not be read.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// No signing key could be made or stored.
    #[error("no ticket signing key")]
    NoSigningKey,
    /// A stored signing key does not load, or the random source failed.
    #[error("ticket signing key: {0}")]
    BadKey(String),
    /// The signed ticket does not fit a QR code.
    #[error("QR code: {0}")]
    Qr(String),
}

impl From<TicketError> for crate::graphql::ApiError {
    fn from(error: TicketError) -> Self {
        Self::internal(&error)
    }
}

/// The routes of the ticket page.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/billett/{token}", get(page::ticket_page))
        .route("/.well-known/jwks.json", get(page::jwks))
        .with_state(state)
}
