//! The correlation id of a request: taken from its `X-Correlation-Id` header when that is a
//! UUID, else a new one; returned in the response's header, recorded in the request's tracing
//! span (so every log line of the request carries it) and stored in the metadata of the
//! events the request causes.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;
use uuid::Uuid;

/// The header that carries the id both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-correlation-id");

/// The correlation id of the request, in its extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorrelationId(pub Uuid);

impl CorrelationId {
    /// The id a request sent in `header`, when it is a UUID other than the nil one; else a
    /// new one.
    pub fn from_header(header: Option<&HeaderValue>) -> Self {
        let sent = header
            .and_then(|value| value.to_str().ok())
            .and_then(|text| Uuid::parse_str(text.trim()).ok())
            .filter(|id| !id.is_nil());
        Self(sent.unwrap_or_else(Uuid::new_v4))
    }
}

/// Middleware giving each request its [`CorrelationId`] and answering with it.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = CorrelationId::from_header(request.headers().get(&HEADER));
    request.extensions_mut().insert(id);
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id.0.to_string()) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// The span of one HTTP request: method, URI and correlation id.
pub fn request_span<B>(request: &axum::http::Request<B>) -> Span {
    let correlation_id = request
        .extensions()
        .get::<CorrelationId>()
        .map(|id| id.0.to_string())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        correlation_id = %correlation_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_uuid_is_kept() {
        let id = Uuid::new_v4();
        let header = HeaderValue::from_str(&format!(" {id} ")).unwrap();
        assert_eq!(CorrelationId::from_header(Some(&header)).0, id);
    }

    #[test]
    fn anything_else_gets_a_new_id() {
        let junk = HeaderValue::from_static("not-a-uuid");
        let nil = HeaderValue::from_static("00000000-0000-0000-0000-000000000000");
        for header in [Some(&junk), Some(&nil), None] {
            let id = CorrelationId::from_header(header).0;
            assert!(!id.is_nil());
            assert_eq!(id.get_version_num(), 4);
        }
    }
}
