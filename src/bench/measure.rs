//! The three measurements over the same log: PostgreSQL's raw read rate (`COPY ... TO
//! STDOUT`), a full rebuild of every read model, and the live projector catching up from
//! scratch in its normal batches.

use std::time::{Duration, Instant};

use bedrift_projections::rebuild::rebuild;
use bedrift_projections::{apply_next_batch, ReadModel};
use bedrift_store::PgPool;
use futures::TryStreamExt;

use crate::cli::progress::ProgressLine;

/// The live projector's batch size, as in `ProjectorSettings::default()`.
pub const CATCH_UP_BATCH: i64 = 2_000;

/// A measured pass: how much, how long.
#[derive(Debug, Clone, Copy)]
pub struct Pass {
    /// Rows or events processed.
    pub count: u64,
    /// Bytes read, where known.
    pub bytes: u64,
    /// Time taken.
    pub elapsed: Duration,
}

impl Pass {
    /// Rows or events per second.
    pub fn rate(&self) -> f64 {
        crate::cli::progress::rate(self.count, self.elapsed)
    }
}

/// (a) Every event row in the projector's order, as PostgreSQL sends it with `COPY`, consumed
/// and counted but not parsed.
pub async fn raw_read(pool: &PgPool) -> anyhow::Result<Pass> {
    let mut connection = pool.acquire().await?;
    let started = Instant::now();
    let mut stream = connection
        .copy_out_raw(
            "COPY (SELECT tx_id, position, aggregate_type, aggregate_id, sequence, event_type,
                          event_version, payload, metadata, recorded_at
                   FROM events ORDER BY tx_id, position) TO STDOUT",
        )
        .await?;
    let (mut count, mut bytes) = (0u64, 0u64);
    while let Some(data) = stream.try_next().await? {
        // Text format escapes newlines inside values, so each one ends a row.
        count += data.iter().filter(|b| **b == b'\n').count() as u64;
        bytes += data.len() as u64;
    }
    Ok(Pass {
        count,
        bytes,
        elapsed: started.elapsed(),
    })
}

/// (b) A rebuild of every read model in one pass, as `bedrift projections rebuild` does it.
pub async fn full_rebuild(pool: &PgPool) -> anyhow::Result<Pass> {
    let mut line = ProgressLine::new("rebuilding all read models", "events");
    let report = rebuild(pool, &ReadModel::ALL, &mut |progress| {
        line.update(progress.events, progress.total);
    })
    .await;
    line.finish();
    let report = report?;
    Ok(Pass {
        count: report.events,
        bytes: 0,
        elapsed: report.elapsed,
    })
}

/// Empties every read model and sets its checkpoint back to the start of the log.
pub async fn reset_read_models(pool: &PgPool) -> anyhow::Result<()> {
    let tables: Vec<&str> = ReadModel::ALL
        .iter()
        .flat_map(|m| m.tables().iter().map(|(table, _)| *table))
        .collect();
    let mut tx = bedrift_store::begin(pool).await?;
    sqlx::query(&format!("TRUNCATE {}", tables.join(", ")))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE projection_checkpoints SET tx_id = 0, position = 0, updated_at = now()")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// (c) The live projector's loop from an empty start: batches of [`CATCH_UP_BATCH`] until
/// nothing is left.
pub async fn catch_up(pool: &PgPool, total: u64) -> anyhow::Result<Pass> {
    reset_read_models(pool).await?;
    let mut line = ProgressLine::new("projector catching up", "events");
    let started = Instant::now();
    let mut count = 0u64;
    loop {
        let (applied, _) = apply_next_batch(pool, &ReadModel::ALL, CATCH_UP_BATCH).await?;
        if applied == 0 {
            break;
        }
        count += applied as u64;
        line.update(count, total);
    }
    let elapsed = started.elapsed();
    line.finish();
    Ok(Pass {
        count,
        bytes: 0,
        elapsed,
    })
}
