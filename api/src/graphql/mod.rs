//! The GraphQL API at `/graphql`: schema, request handling and the one error mapping.
//! `POST` runs a request as the caller of its bearer token; `GET` serves GraphiQL; the
//! subscriptions run over the websocket at `/graphql/ws`.

pub mod consistency;
mod context;
mod error;
mod limits;
pub(crate) mod mutation;
mod pagination;
mod query;
pub mod queue_watch;
mod reason;
pub mod scalars;
mod socket;
mod subscription;
mod text_input;
pub mod types;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use async_graphql::{SDLExportOptions, Schema, ServerError, ID};
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};

pub use context::Caller;
pub use error::ApiError;
pub use limits::DocumentLimits;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use queue_watch::POLL_INTERVAL;
pub use reason::Reason;
pub use socket::{
    graphql_ws, CLOSE_SESSION_ENDED, MAX_OPERATIONS_PER_SOCKET, SESSION_CHECK_INTERVAL,
};
pub use subscription::{ApprovalQueueChange, SubscriptionRoot};

use crate::correlation::CorrelationId;
use crate::observability::{record_graphql, OperationLabels, OperationSlot};
use crate::AppState;

/// The schema type of the API.
pub type ApiSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema over `state`, with the document limits and the complexity limit of its settings.
pub fn schema(state: AppState) -> ApiSchema {
    let settings = &state.settings;
    let limits = DocumentLimits {
        max_depth: settings.max_depth,
        max_fields: settings.max_fields,
        max_aliases: settings.max_aliases,
        max_spreads: settings.max_spreads,
        anonymous_introspection: settings.anonymous_introspection,
    };
    // The depth is limited by `DocumentLimits`, which leaves introspection out of it.
    Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .limit_complexity(settings.max_complexity)
        .extension(limits)
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
/// the request's correlation id, and counts it under its operation. Only `application/json`
/// bodies are read (anything else: `415`); a body that is not a GraphQL request is `400` with a
/// plain message, never the parser's internals.
pub async fn graphql(
    State((state, schema)): State<(AppState, ApiSchema)>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return request_refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as application/json",
        );
    }
    let Ok(request) = request else {
        return request_refusal(
            StatusCode::BAD_REQUEST,
            "the body is not a GraphQL request: expected JSON with a \"query\" string",
        );
    };
    execute(state, schema, extensions, headers, request)
        .await
        .into_response()
}

/// A request refused before GraphQL saw it: `status`, and a GraphQL error body saying why
/// (`BAD_USER_INPUT` on `body`).
fn request_refusal(status: StatusCode, message: &str) -> Response {
    let error = async_graphql::Error::from(ApiError::bad_input("body", message))
        .into_server_error(Default::default());
    let mut response =
        GraphQLResponse::from(async_graphql::Response::from_errors(vec![error])).into_response();
    *response.status_mut() = status;
    response
}

async fn execute(
    state: AppState,
    schema: ApiSchema,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let started = Instant::now();
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let correlation_id = extensions
        .get::<CorrelationId>()
        .map_or_else(uuid::Uuid::new_v4, |id| id.0);
    let caller = match Caller::from_request(&state, &headers, peer, correlation_id).await {
        Ok(caller) => caller,
        Err(error) => {
            let error = async_graphql::Error::from(error).into_server_error(Default::default());
            return async_graphql::Response::from_errors(vec![error]).into();
        }
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

/// The GraphiQL page: exact versions of React, ReactDOM and GraphiQL from unpkg.com, each with
/// its Subresource Integrity hash (SHA-384 of the file as npm publishes it), so the browser
/// runs nothing but those files.
const GRAPHIQL_PAGE: &str = include_str!("graphiql.html");

/// `GET /graphql`: GraphiQL, to explore the API in a browser, when `GRAPHIQL=on` (off by
/// default: it loads its scripts from a CDN, and this origin holds the portal's sessions).
/// Served under a policy that allows scripts only from that CDN (each pinned by its integrity
/// hash in the page) and the page's own inline script (by its SHA-256), and connections only
/// to this origin.
pub async fn graphiql(State((state, _)): State<(AppState, ApiSchema)>) -> Response {
    if !state.settings.graphiql {
        return (
            StatusCode::NOT_FOUND,
            "GraphiQL is off (GRAPHIQL=on turns it on)\n",
        )
            .into_response();
    }
    let mut response = Html(GRAPHIQL_PAGE).into_response();
    if let Ok(policy) = HeaderValue::from_str(&graphiql_policy(GRAPHIQL_PAGE)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The CSP of the GraphiQL page: its CDN, and each inline `<script>` by hash.
fn graphiql_policy(page: &str) -> String {
    let mut hashes = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script>") {
        let body = &rest[start + "<script>".len()..];
        let Some(end) = body.find("</script>") else {
            break;
        };
        let digest = Sha256::digest(&body.as_bytes()[..end]);
        hashes.push_str(&format!(" 'sha256-{}'", base64(&digest)));
        rest = &body[end..];
    }
    format!(
        "default-src 'none'; script-src https://unpkg.com{hashes}; style-src https://unpkg.com 'unsafe-inline'; \
         img-src 'self' data:; font-src https://unpkg.com data:; connect-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

/// Standard base64 with padding (for CSP hashes).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod graphiql_tests {
    #[test]
    fn every_script_and_style_of_the_graphiql_page_is_pinned_by_its_integrity_hash() {
        let page = super::GRAPHIQL_PAGE;
        let external =
            page.matches("src=\"https://").count() + page.matches("href=\"https://").count();
        assert_eq!(external, 4, "three scripts and a style sheet");
        assert_eq!(page.matches("integrity=\"sha384-").count(), external);
        for versioned in ["react@18.3.1/", "react-dom@18.3.1/", "graphiql@4.1.2/"] {
            assert!(page.contains(versioned), "{versioned}");
        }
        let policy = super::graphiql_policy(page);
        assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
    }

    #[test]
    fn base64_is_the_standard_alphabet_with_padding() {
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }
}
