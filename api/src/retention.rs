//! What the service stops keeping once it has served its purpose: the rows below, and the
//! employees' personal data in the log once no rule keeps it ([`expire_personal_data`], see
//! `crate::erasure`). Run once a day inside `serve` and by
//! `bedrift privacy retention`; every step is one idempotent statement (or batches of them), so
//! any number of replicas may run it at once.
//!
//! - Sessions, one-time tokens and SMS codes a week after they stopped working, and idle
//!   rate-limit rows ([`crate::auth::purge_expired`]).
//! - The outbox: `OUTBOX_RETENTION_DAYS` (default 30) after a message was sent, given up on or
//!   withdrawn, its text is replaced by [`ERASED`], an e-mail loses its subject and the
//!   recipient is kept masked (`***67`, `k***@firma.no`). The row still says that a message of
//!   its kind went out, when and roughly to whom; a message still waiting is never touched.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bedrift_domain::clock::Clock;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use thiserror::Error;

use crate::auth::{self, AuthError, Purged};
use crate::commands::Commands;
use crate::erasure::{self, ErasureError, Expired};
use bedrift_domain::subscription::RetentionRules;

/// What an erased text reads as.
pub const ERASED: &str = "[slettet]";

/// How many outbox rows one statement erases.
const BATCH: i64 = 500;

/// How often `serve` applies the rules.
pub const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Why applying the rules failed.
#[derive(Debug, Error)]
pub enum RetentionError {
    /// Purging the authentication rows.
    #[error("purging expired sessions, tokens and codes")]
    Auth(#[from] AuthError),
    /// Erasing outbox texts.
    #[error("erasing old outbox texts")]
    Database(#[from] sqlx::Error),
}

/// What one application of the rules removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retained {
    /// Authentication rows deleted.
    pub auth: Purged,
    /// Outbox messages whose text was erased.
    pub outbox_texts: u64,
    /// Messages finished before this instant had their text erased.
    pub outbox_before: DateTime<Utc>,
}

/// Applies the rules now (by `clock`), keeping outbox texts for `outbox_for`.
pub async fn apply(
    pool: &PgPool,
    clock: &dyn Clock,
    outbox_for: chrono::Duration,
) -> Result<Retained, RetentionError> {
    let auth = auth::purge_expired(pool, clock).await?;
    let before = clock.now() - outbox_for;
    let mut outbox_texts = 0;
    loop {
        let due: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, recipient FROM outbox
             WHERE status <> 'PENDING' AND coalesce(sent_at, created_at) < $1 AND body <> $2
             ORDER BY id LIMIT $3",
        )
        .bind(before)
        .bind(ERASED)
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        let ids: Vec<i64> = due.iter().map(|(id, _)| *id).collect();
        let masked: Vec<String> = due.iter().map(|(_, r)| auth::mask(r)).collect();
        let erased = sqlx::query(
            "UPDATE outbox o SET body = $3, subject = NULL, last_error = NULL, recipient = m.recipient
             FROM unnest($1::bigint[], $2::text[]) AS m(id, recipient)
             WHERE o.id = m.id AND o.body <> $3",
        )
        .bind(&ids)
        .bind(&masked)
        .bind(ERASED)
        .execute(pool)
        .await?
        .rows_affected();
        outbox_texts += erased;
        if (due.len() as i64) < BATCH {
            break;
        }
    }
    let retained = Retained {
        auth,
        outbox_texts,
        outbox_before: before,
    };
    tracing::info!(?retained, "retention applied");
    Ok(retained)
}

/// Erases the employees' personal data whose retention has run out (see
/// [`crate::erasure::expire`]), by `clock`'s day.
pub async fn expire_personal_data(
    pool: &PgPool,
    clock: Arc<dyn Clock>,
    rules: RetentionRules,
) -> Result<Expired, ErasureError> {
    let commands = Commands::new(pool.clone(), clock.clone());
    let mut expired = erasure::expire(pool, &commands.subscriptions, &*clock, rules).await?;
    expired.administrators = erasure::expire_accounts(
        pool,
        &commands.companies,
        &*clock,
        rules.removed_administrator_days,
    )
    .await?;
    tracing::info!(?expired, "personal data past its retention erased");
    Ok(expired)
}

/// Applies the rules at start and then every [`EVERY`] until `shutdown`. A failed round is
/// logged and tried again at the next: it must not stop the service.
pub async fn run(
    pool: PgPool,
    clock: Arc<dyn Clock>,
    outbox_for: chrono::Duration,
    rules: RetentionRules,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        if let Err(error) = apply(&pool, &*clock, outbox_for).await {
            tracing::warn!(%error, cause = ?std::error::Error::source(&error), "retention failed; trying again later");
        }
        if let Err(error) = expire_personal_data(&pool, clock.clone(), rules).await {
            tracing::warn!(%error, cause = ?std::error::Error::source(&error), "erasing expired personal data failed; trying again later");
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}
