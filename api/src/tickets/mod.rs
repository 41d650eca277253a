//! Tickets outside the service (SPEC.md flow step 7): the ticket page at `/billett/{token}`
//! that the approval SMS links to, and sending that link again.

mod card;
mod page;
pub mod resend;
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
        .with_state(state)
}
