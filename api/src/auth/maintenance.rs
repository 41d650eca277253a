//! Clean-up of what can no longer be used: expired or ended sessions, used or expired
//! one-time tokens and SMS codes, and rate-limit rows with no hit left in any window. Run it
//! now and then (for example hourly); nothing depends on it for correctness.

use bedrift_domain::clock::Clock;
use chrono::Duration;
use sqlx::PgPool;

use super::AuthError;

/// Rows kept after they stopped working, for investigating incidents.
pub const KEEP_ENDED_FOR: Duration = Duration::days(7);

/// Rate-limit rows whose newest hit is older than this are dropped; longer than every window.
const RATE_LIMIT_ROWS_IDLE_FOR: Duration = Duration::days(1);

/// How many rows [`purge_expired`] deleted, per table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    /// Sessions that expired or were ended more than [`KEEP_ENDED_FOR`] ago.
    pub sessions: u64,
    /// One-time tokens that expired or were used more than [`KEEP_ENDED_FOR`] ago.
    pub tokens: u64,
    /// SMS codes that expired.
    pub codes: u64,
    /// Idle rate-limit rows.
    pub rate_limits: u64,
}

/// Deletes what can no longer be used.
#[tracing::instrument(skip_all)]
pub async fn purge_expired(pool: &PgPool, clock: &dyn Clock) -> Result<Purged, AuthError> {
    let now = clock.now();
    let cutoff = now - KEEP_ENDED_FOR;
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
        .bind(cutoff)
        .execute(pool)
        .await?
        .rows_affected();
    let tokens = sqlx::query("DELETE FROM one_time_tokens WHERE expires_at < $1 OR used_at < $1")
        .bind(cutoff)
        .execute(pool)
        .await?
        .rows_affected();
    let codes = sqlx::query("DELETE FROM verification_codes WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    let rate_limits = sqlx::query(
        "DELETE FROM rate_limits \
         WHERE coalesce((SELECT max(h) FROM unnest(hits) h) < $1, true)",
    )
    .bind(now - RATE_LIMIT_ROWS_IDLE_FOR)
    .execute(pool)
    .await?
    .rows_affected();
    let purged = Purged {
        sessions,
        tokens,
        codes,
        rate_limits,
    };
    tracing::info!(?purged, "purged expired authentication rows");
    Ok(purged)
}
