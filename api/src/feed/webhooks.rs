//! Webhook endpoints (migration `20261201000100_webhooks.sql`), configured by operators: a URL,
//! a `whsec_` signing secret (made here or given, shown only when the endpoint is made) and the
//! event types it wants. Disabling one stops its deliveries, also those still queued.

use bedrift_domain::clock::Clock;
use bedrift_projections::webhooks::WebhookEvent;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::notifications::webhook::{new_secret, secret_key};

/// An endpoint as operators see it (never with its secret).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Its id.
    pub id: Uuid,
    /// Where deliveries are posted.
    pub url: String,
    /// What it is sent.
    pub event_types: Vec<WebhookEvent>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was disabled; none while it gets deliveries.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// Why an endpoint cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The URL is not an `http://` or `https://` URL with a host.
    #[error("expected an http:// or https:// URL of at most 2000 characters")]
    Url,
    /// A given secret is not `whsec_` and the base64 of 24-64 bytes.
    #[error("expected whsec_ followed by the base64 of 24 to 64 random bytes")]
    Secret,
    /// No event types.
    #[error("at least one event type")]
    NoEvents,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Makes an endpoint for operator `by`; returns it and its secret, the only time the secret is
/// shown (`secret` when given, else a new random one).
pub async fn create(
    pool: &PgPool,
    clock: &dyn Clock,
    by: Uuid,
    url: &str,
    secret: Option<&str>,
    event_types: &[WebhookEvent],
) -> Result<(Endpoint, String), EndpointError> {
    let url = url.trim();
    let parsed: Option<hyper::Uri> = url.parse().ok();
    let usable = parsed.is_some_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
    });
    if !usable || url.chars().count() > 2000 || url.chars().any(char::is_whitespace) {
        return Err(EndpointError::Url);
    }
    let secret = match secret.map(str::trim) {
        Some(given) if secret_key(given).is_some() => given.to_owned(),
        Some(_) => return Err(EndpointError::Secret),
        None => new_secret(),
    };
    let mut kinds = event_types.to_vec();
    kinds.sort_unstable_by_key(|kind| kind.code());
    kinds.dedup();
    let codes: Vec<&str> = kinds.iter().map(|kind| kind.code()).collect();
    if codes.is_empty() {
        return Err(EndpointError::NoEvents);
    }
    let endpoint = Endpoint {
        id: Uuid::new_v4(),
        url: url.to_owned(),
        event_types: kinds,
        created_at: clock.now(),
        disabled_at: None,
    };
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, url, secret, event_types, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(endpoint.id)
    .bind(url)
    .bind(&secret)
    .bind(&codes)
    .bind(by)
    .bind(endpoint.created_at)
    .execute(pool)
    .await?;
    Ok((endpoint, secret))
}

/// Every endpoint, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<Endpoint>, sqlx::Error> {
    let rows: Vec<EndpointRow> = sqlx::query_as(
        "SELECT id, url, event_types, created_at, disabled_at FROM webhook_endpoints
         ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let event_types = row
                .event_types
                .iter()
                .map(|code| {
                    WebhookEvent::from_code(code).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown webhook event type {code}").into())
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok(Endpoint {
                id: row.id,
                url: row.url,
                event_types,
                created_at: row.created_at,
                disabled_at: row.disabled_at,
            })
        })
        .collect()
}

#[allow(missing_docs)]
#[derive(Debug, sqlx::FromRow)]
struct EndpointRow {
    id: Uuid,
    url: String,
    event_types: Vec<String>,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
}

/// Disables endpoint `id`; returns whether an enabled endpoint was disabled.
pub async fn disable(pool: &PgPool, clock: &dyn Clock, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL",
    )
    .bind(id)
    .bind(clock.now())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
