//! Feeds for ticketing and back-office systems: the pull feed of ticket events at
//! `/feed/tickets`, the API keys (with scopes) that such systems authenticate with, and the
//! webhook endpoints that are sent ticket events as they happen.

pub mod keys;
pub mod tickets;
pub mod webhooks;

use axum::routing::get;
use axum::Router;

use crate::AppState;

/// The routes of the feed.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/feed/tickets", get(tickets::tickets))
        .with_state(state)
}
