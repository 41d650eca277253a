//! The pull feed `GET /feed/tickets?after=<cursor>&limit=<n>`: every subscription event in the
//! projector's read order, complete and gap-free. It reads only below the safe horizon (events
//! of transactions older than every running one, see `bedrift_projections::read_safe`), so a
//! page never skips an event that commits later with a lower position. The cursor is the last
//! event read (`<tx_id>.<position>`, opaque to clients); a page may hold fewer events than
//! `limit` (other aggregates' events are read past too), and an empty page with the same
//! cursor means "nothing new yet". Needs an API key with `feed:read`.

use axum::extract::{Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bedrift_projections::event::AnyEvent;
use bedrift_projections::{read_safe, LogPosition};
use cqrs_es::DomainEvent as _;
use serde::Deserialize;
use serde_json::{json, Value};

use super::keys::{self, Scope};
use crate::auth::bearer_token;
use crate::AppState;

/// The largest page.
pub const MAX_LIMIT: i64 = 1_000;

/// The query string.
#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    after: Option<String>,
    limit: Option<i64>,
}

/// `GET /feed/tickets`.
pub async fn tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<FeedQuery>,
) -> Response {
    let key = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    let allowed = match key {
        Some(key) => keys::allows(&state.pool, key, Scope::FeedRead).await,
        None => Ok(false),
    };
    match allowed {
        Ok(true) => {}
        Ok(false) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "an API key with feed:read is needed",
            )
        }
        Err(error) => return failed(&error),
    }
    let after = match query.after.as_deref().map(parse_cursor) {
        None => LogPosition::START,
        Some(Some(at)) => at,
        Some(None) => return refuse(StatusCode::BAD_REQUEST, "after: not a feed cursor"),
    };
    let limit = query.limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    let events = async {
        let mut connection = state.pool.acquire().await?;
        read_safe(&mut connection, after, limit).await
    };
    let events = match events.await {
        Ok(events) => events,
        Err(error) => return failed(&error),
    };
    let next = events.last().map_or(after, |e| e.at);
    let items: Vec<Value> = events
        .iter()
        .filter_map(|envelope| match &envelope.event {
            AnyEvent::Subscription(event) => Some(json!({
                "cursor": cursor(envelope.at),
                "subscription_id": envelope.aggregate_id,
                "sequence": envelope.sequence,
                "type": event.event_type(),
                "recorded_at": envelope.recorded_at,
                "data": event,
            })),
            _ => None,
        })
        .collect();
    Json(json!({ "events": items, "next": cursor(next) })).into_response()
}

fn cursor(at: LogPosition) -> String {
    format!("{}.{}", at.tx_id, at.position)
}

fn parse_cursor(text: &str) -> Option<LogPosition> {
    let (tx_id, position) = text.split_once('.')?;
    Some(LogPosition {
        tx_id: tx_id.parse().ok().filter(|n: &i64| *n >= 0)?,
        position: position.parse().ok().filter(|n: &i64| *n >= 0)?,
    })
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn failed(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %error, "the feed failed");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_junk_is_refused() {
        let at = LogPosition {
            tx_id: 812,
            position: 40,
        };
        assert_eq!(parse_cursor(&cursor(at)), Some(at));
        for junk in ["", "1", "a.b", "1.-2", "æ.1", "1.2.3"] {
            assert_eq!(parse_cursor(junk), None, "{junk}");
        }
    }
}
