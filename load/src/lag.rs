//! Projection lag seen from outside the projector: a probe notes the newest committed event
//! (the head of the log) and polls the read models' checkpoints every few milliseconds until
//! they have all passed it. A sample starts when the probe first sees the commit, so it
//! understates the true commit-to-visible time by at most one poll of the head (about
//! [`POLL`] plus a query).

use std::future::Future;
use std::time::{Duration, Instant};

use bedrift_projections::projected_position;
use bedrift_store::{head_position, LogPosition};
use sqlx::PgPool;

use crate::stats::{millis, percentile};
use crate::LoadError;

/// How often the probe looks at the head and at the checkpoints.
pub const POLL: Duration = Duration::from_millis(2);

/// Lag samples.
#[derive(Debug, Clone, Default)]
pub struct Lag {
    /// One per head the probe saw, in microseconds, ascending.
    pub samples_us: Vec<u64>,
}

impl Lag {
    /// The `p` quantile in milliseconds.
    pub fn millis(&self, p: f64) -> f64 {
        millis(percentile(&self.samples_us, p))
    }

    /// One line: samples, p50, p95, p99, max.
    pub fn summary(&self) -> String {
        format!(
            "{} samples, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.samples_us.len(),
            self.millis(0.50),
            self.millis(0.95),
            self.millis(0.99),
            self.millis(1.0)
        )
    }
}

/// Samples the lag on `pool` until `stop` completes.
pub async fn probe(pool: &PgPool, stop: impl Future<Output = ()>) -> Result<Lag, LoadError> {
    let mut samples_us = Vec::new();
    let sampling = sample(pool, &mut samples_us);
    tokio::select! {
        failed = sampling => failed?,
        () = stop => {}
    }
    samples_us.sort_unstable();
    Ok(Lag { samples_us })
}

/// Adds a sample to `samples_us` for every new head, until an error.
async fn sample(pool: &PgPool, samples_us: &mut Vec<u64>) -> Result<(), LoadError> {
    let mut seen = head(pool).await?;
    loop {
        let newest = head(pool).await?;
        if newest <= seen {
            tokio::time::sleep(POLL).await;
            continue;
        }
        let started = Instant::now();
        while projected_position(pool)
            .await
            .map_err(|e| LoadError::Store(e.to_string()))?
            < newest
        {
            tokio::time::sleep(POLL).await;
        }
        samples_us.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        seen = newest;
    }
}

async fn head(pool: &PgPool) -> Result<LogPosition, LoadError> {
    Ok(head_position(pool)
        .await
        .map_err(|e| LoadError::Store(e.to_string()))?
        .unwrap_or_default())
}
