//! The HTTP side of Bedriftsbillett: the axum router (health checks for now; GraphQL, reports
//! and the rest join it here) and the server loop with graceful shutdown.

pub mod auth;
mod health;
mod state;

use std::future::Future;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

pub use state::AppState;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
