//! Headers every answer carries, whatever route made it: `X-Content-Type-Options: nosniff`
//! everywhere, and on HTML a Content Security Policy (the pages' own, from [`crate::web`],
//! unless the route set a stricter one) so that no page of this origin, where the portal keeps
//! its session token, runs script from anywhere else. Also the guard of `/metrics`.

use axum::extract::{Request, State};
use axum::http::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::auth::bearer_token;
use crate::AppState;

/// Adds the headers to every response.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"));
    if html && !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::web::CSP),
        );
    }
    response
}

/// Lets a request through to `/metrics` only with `Authorization: Bearer <METRICS_TOKEN>`
/// when that setting is set (compared as SHA-256 digests, so the comparison's time says
/// nothing about the token); without it, as before, anyone who reaches the port may scrape.
pub async fn guard_metrics(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = &state.settings.metrics_token else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .unwrap_or_default();
    if Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes()) {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, "metrics need the metrics token\n").into_response()
    }
}
