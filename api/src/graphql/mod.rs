//! The GraphQL API at `/graphql`: schema, request handling and the one error mapping.
//! `POST` runs a request as the caller of its bearer token; `GET` serves GraphiQL; the
//! subscriptions run over the websocket at `/graphql/ws`.

pub mod consistency;
mod context;
mod error;
mod mutation;
mod pagination;
mod query;
pub mod scalars;
mod subscription;
pub mod types;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use async_graphql::http::GraphiQLSource;
use async_graphql::{SDLExportOptions, Schema, ServerError, ID};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse};

pub use context::Caller;
pub use error::ApiError;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::{graphql_ws, ApprovalQueueChange, SubscriptionRoot, POLL_INTERVAL};

use crate::auth::{authenticate_session, bearer_token};
use crate::client_address::client_address;
use crate::correlation::CorrelationId;
use crate::observability::{record_graphql, OperationLabels, OperationSlot};
use crate::AppState;

/// The schema type of the API.
pub type ApiSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema over `state`, with the depth and complexity limits of its settings.
pub fn schema(state: AppState) -> ApiSchema {
    Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .limit_depth(state.settings.max_depth)
        .limit_complexity(state.settings.max_complexity)
        .extension(OperationLabels)
        .extension(consistency::SessionConsistency)
        .data(state)
        .finish()
}

/// The SDL of the schema with sorted fields, arguments and enum items, as `schema.graphql`
/// holds it.
pub fn sdl() -> String {
    bare_schema().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// The schema without state: for the SDL and introspection, not for serving.
pub fn bare_schema() -> ApiSchema {
    Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot).finish()
}

/// Parses an id argument, refusing it on `field`.
pub fn parse_id(id: &ID, field: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id.trim()).map_err(|_| ApiError::bad_input(field, "not a valid id"))
}

/// `POST /graphql`: runs the request as the caller of its `Authorization: Bearer` token, with
/// the request's correlation id, and counts it under its operation.
pub async fn graphql(
    State((state, schema)): State<(AppState, ApiSchema)>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let started = Instant::now();
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .map(str::to_owned);
    let session = match &token {
        Some(token) => authenticate_session(&state.pool, &*state.clock, token)
            .await
            .ok(),
        None => None,
    };
    let (principal, last_written) = match session {
        Some(session) => (Some(session.principal), session.last_written),
        None => (None, None),
    };
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let caller = Caller {
        principal,
        token,
        address: client_address(peer, &headers, &state.settings.trusted_proxies),
        correlation_id: extensions
            .get::<CorrelationId>()
            .map_or_else(uuid::Uuid::new_v4, |id| id.0),
        last_written,
    };
    let slot = Arc::new(OperationSlot::default());
    let request = request.into_inner().data(caller).data(slot.clone());
    let mut response = schema.execute(request).await;
    for error in &mut response.errors {
        classify(error);
    }
    record_graphql(slot.label(), &response, started.elapsed());
    response.into()
}

/// Errors without a code come from the GraphQL engine itself (syntax, validation, variables,
/// limits): they are the client's, so `BAD_USER_INPUT`, with the argument named when the
/// message names one.
fn classify(error: &mut ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", "BAD_USER_INPUT");
    }
    let is_input = matches!(extensions.get("code"), Some(async_graphql::Value::String(c)) if c == "BAD_USER_INPUT");
    if is_input && extensions.get("field").is_none() {
        let field = quoted_after(&error.message, "argument \"")
            .or_else(|| quoted_after(&error.message, "variable \"$"))
            .unwrap_or_else(|| "query".to_owned());
        extensions.set("field", field);
    }
}

fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let start = message.find(marker)? + marker.len();
    let end = message[start..].find('"')?;
    Some(message[start..start + end].to_owned())
}

/// `GET /graphql`: GraphiQL, to explore the API in a browser.
pub async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}
