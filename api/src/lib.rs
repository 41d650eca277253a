//! The HTTP side of Bedriftsbillett: the axum router (health checks, the web pages, GraphQL at
//! `/graphql` and its subscriptions over the websocket at `/graphql/ws`, the finance reports,
//! metrics at `/metrics`), authentication, the commands behind the mutations, the outbox
//! dispatcher, and the server loop with graceful shutdown.

pub mod auth;
pub mod client_address;
pub mod commands;
pub mod correlation;
pub mod erasure;
pub mod feed;
pub mod graphql;
mod health;
pub mod imports;
pub mod notifications;
pub mod observability;
pub mod personal_data;
pub mod reports;
pub mod retention;
mod security_headers;
mod server;
pub mod settings;
mod setup;
mod state;
pub mod tickets;
pub mod web;

use std::future::Future;

use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::from_fn;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use settings::ApiSettings;
pub use setup::{install_example_tariff, print_first_operator_link};
pub use state::AppState;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let schema = graphql::schema(state.clone());
    let origins: Vec<HeaderValue> = state
        .settings
        .cors_allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
            correlation::HEADER,
        ])
        .expose_headers([correlation::HEADER]);
    let body_limit = state.settings.body_limit;
    let request_timeout = state.settings.request_timeout;
    let health_routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/metrics",
            get(observability::metrics).route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                security_headers::guard_metrics,
            )),
        )
        .with_state(state.clone());
    let report_routes = reports::http::routes(state.clone());
    let ticket_routes = tickets::routes(state.clone());
    let feed_routes = feed::routes(state.clone());
    let personal_routes = personal_data::routes(state.clone());
    // The bulk-add routes take files larger than any other request: their own limit.
    let import_routes = imports::http::routes(state.clone());
    let graphql_routes = Router::new()
        .route("/graphql", get(graphql::graphiql).post(graphql::graphql))
        .route("/graphql/ws", get(graphql::graphql_ws))
        .with_state((state, schema));
    let limited = Router::new()
        .merge(health_routes)
        .merge(graphql_routes)
        .merge(report_routes)
        .merge(ticket_routes)
        .merge(feed_routes)
        .merge(personal_routes)
        .merge(web::routes())
        .layer(RequestBodyLimitLayer::new(body_limit));
    Router::new()
        .merge(limited)
        .merge(import_routes)
        .layer(from_fn(security_headers::add))
        // A client trickling its body is answered 408 when the time is up, and hyper closes
        // the connection, whose body was not read to its end.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(cors)
        .layer(
            // One span per request (method, path, correlation id), and its status and latency
            // when answered.
            TraceLayer::new_for_http()
                .make_span_with(correlation::request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        // Outside the trace layer, so that its span has the id.
        .layer(from_fn(correlation::assign))
        .layer(from_fn(observability::track_http))
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns. Clients slower than `HEADER_READ_TIMEOUT_MS` with their headers are
/// disconnected; requests slower than `REQUEST_TIMEOUT_MS` (body included) get `408`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_read_timeout = state.settings.header_read_timeout;
    server::run(listener, router(state), header_read_timeout, shutdown).await
}
