//! API keys (migration `20261130100300_api_keys.sql`): random `bbk_` + 64 hex characters (244
//! random bits), stored as their SHA-256 hash, each with scopes; shown once when made, refused
//! once revoked.

use bedrift_domain::clock::Clock;
use bedrift_projections::ticket_links::{new_token, token_hash};
use sqlx::PgPool;
use uuid::Uuid;

/// What an API key may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `feed:read`: `GET /feed/tickets`.
    FeedRead,
    /// `reports:read`: the finance reports under `/reports`.
    ReportsRead,
}

impl Scope {
    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            Self::FeedRead => "feed:read",
            Self::ReportsRead => "reports:read",
        }
    }
}

/// The prefix that tells an API key from a session token.
pub const PREFIX: &str = "bbk_";

/// Makes a key named `name` with `scopes` for operator `by`; returns its id and the key, the
/// only time the key exists in plain text.
pub async fn create(
    pool: &PgPool,
    clock: &dyn Clock,
    by: Uuid,
    name: &str,
    scopes: &[Scope],
) -> Result<(Uuid, String), sqlx::Error> {
    let id = Uuid::new_v4();
    let key = format!("{PREFIX}{}", new_token());
    let codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
    sqlx::query(
        "INSERT INTO api_keys (id, name, key_hash, scopes, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(name)
    .bind(token_hash(&key))
    .bind(&codes)
    .bind(by)
    .bind(clock.now())
    .execute(pool)
    .await?;
    Ok((id, key))
}

/// Revokes key `id`; returns whether a live key was revoked.
pub async fn revoke(pool: &PgPool, clock: &dyn Clock, id: Uuid) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(clock.now())
            .execute(pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `key` is a live API key with `scope`.
pub async fn allows(pool: &PgPool, key: &str, scope: Scope) -> Result<bool, sqlx::Error> {
    if !key.starts_with(PREFIX) || key.len() > 100 {
        return Ok(false);
    }
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM api_keys
         WHERE key_hash = $1 AND revoked_at IS NULL AND $2 = ANY(scopes))",
    )
    .bind(token_hash(key))
    .bind(scope.code())
    .fetch_one(pool)
    .await
}
