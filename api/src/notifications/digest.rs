//! The daily digest's clock: inside `serve`, a task that queues the day's digests
//! ([`bedrift_projections::digest`]) once, at `DIGEST_HOUR` Oslo time (or when the service
//! starts later that day). A failed attempt is tried again every [`CHECK_EVERY`]; queuing is
//! idempotent per day, so replicas never send one twice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bedrift_domain::clock::{oslo_date, oslo_hour, Clock};
use bedrift_projections::digest::queue_digests;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

/// How long the task waits at most before it looks again: a failed attempt is tried again
/// this much later.
pub const CHECK_EVERY: Duration = Duration::from_secs(5 * 60);

/// Queues each day's digests from an hour of the Oslo day on.
#[derive(Debug, Clone)]
pub struct DigestJob {
    pool: PgPool,
    clock: Arc<dyn Clock>,
    /// The hour (0-23, Oslo time) from which a day's digests go out.
    hour: u32,
    /// Where the digest's link to the portal starts.
    public_url: String,
    /// The last Oslo day whose digests this task queued.
    done: Option<NaiveDate>,
}

impl DigestJob {
    /// The job for `hour` (0-23, Oslo time).
    pub fn new(pool: PgPool, clock: Arc<dyn Clock>, hour: u32, public_url: &str) -> Self {
        Self {
            pool,
            clock,
            hour,
            public_url: public_url.to_owned(),
            done: None,
        }
    }

    /// When the digests of `now`'s Oslo day are due.
    fn due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        oslo_hour(oslo_date(now), self.hour)
    }

    /// Queues today's digests if they are due and this task has not queued them yet. Returns
    /// how many were queued now.
    pub async fn run_once(&mut self) -> Result<u64, bedrift_projections::ProjectionError> {
        let now = self.clock.now();
        let today = oslo_date(now);
        if now < self.due(now) || self.done == Some(today) {
            return Ok(0);
        }
        let queued = queue_digests(&self.pool, today, &self.public_url).await?;
        self.done = Some(today);
        if queued > 0 {
            tracing::info!(queued, "queued the daily digests");
        }
        Ok(queued)
    }

    /// Runs until `shutdown` completes. Errors are logged and tried again later: a missed
    /// digest must not stop the service.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.run_once().await {
                tracing::warn!(%error, "cannot queue the daily digests; trying again later");
            }
            let now = self.clock.now();
            let until_due = (self.due(now) - now).to_std().unwrap_or(Duration::ZERO);
            let wait = if until_due.is_zero() {
                CHECK_EVERY
            } else {
                until_due.min(CHECK_EVERY)
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
