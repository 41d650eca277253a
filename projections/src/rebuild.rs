//! Rebuilding read models from the event log while the service keeps serving: the models are
//! folded into scratch tables in one pass over the log, in short transactions (so the live
//! projector is never held back), then swapped in with their checkpoints in one short
//! transaction. Readers see the old models or the new ones, never half-built ones.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bedrift_store::LogPosition;
use sqlx::{Acquire, PgConnection, PgPool};

use crate::batch::{lock_checkpoints, read_safe, set_checkpoint};
use crate::event::Envelope;
use crate::read_models::{ModelRows, ReadModel};
use crate::ProjectionError;

/// Events per rebuild read.
pub const REBUILD_BATCH: i64 = 10_000;

/// Rows a model may hold in memory during a rebuild before they are written out: about half a
/// gigabyte for the billing model, the largest row. A log with more subscriptions than this is
/// still rebuilt, with rows written out and read back as needed, only slower.
pub const FLUSH_AT: usize = 500_000;

/// How far a rebuild has come.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Events folded so far.
    pub events: u64,
    /// Events in the log when the rebuild started.
    pub total: u64,
}

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// The models rebuilt.
    pub models: Vec<ReadModel>,
    /// Events folded.
    pub events: u64,
    /// The position their checkpoints were set to.
    pub position: LogPosition,
    /// Time taken.
    pub elapsed: Duration,
}

/// Scratch tables of some models: `<table><suffix>`, created empty with the live tables'
/// columns, constraints and indexes.
#[derive(Debug)]
pub struct Scratch {
    models: Vec<ReadModel>,
    suffix: String,
}

impl Scratch {
    /// Creates empty scratch tables for `models`.
    pub async fn create(pool: &PgPool, models: &[ReadModel]) -> Result<Self, ProjectionError> {
        let scratch = Self {
            models: models.to_vec(),
            suffix: format!("__scratch_{}", chrono::Utc::now().timestamp_micros()),
        };
        for table in scratch.tables() {
            let created = sqlx::query(&format!(
                "CREATE TABLE {table}{} (LIKE {table} INCLUDING ALL)",
                scratch.suffix
            ))
            .execute(pool)
            .await;
            if let Err(error) = created {
                scratch.drop(pool).await?;
                return Err(error.into());
            }
        }
        Ok(scratch)
    }

    fn tables(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.models
            .iter()
            .flat_map(|m| m.tables().iter().map(|(table, _)| *table))
    }

    /// Folds the log after `from` into the scratch tables, batch by batch, up to the safe
    /// horizon. Returns the events folded and the position reached.
    pub async fn fold(
        &self,
        conn: &mut PgConnection,
        mut position: LogPosition,
        total: u64,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(u64, LogPosition), ProjectionError> {
        let mut events = 0;
        loop {
            let batch = read_safe(&mut *conn, position, REBUILD_BATCH).await?;
            let Some(last) = batch.last().map(|e| e.at) else {
                return Ok((events, position));
            };
            // A savepoint: both callers pass a transaction of theirs (which, dropped,
            // rolls everything back), so this `begin()` is safe to cancel.
            #[allow(clippy::disallowed_methods)]
            let mut tx = conn.begin().await?;
            for model in &self.models {
                model.apply(&mut tx, &self.suffix, &batch).await?;
            }
            tx.commit().await?;
            events += batch.len() as u64;
            position = last;
            progress(Progress { events, total });
        }
    }

    /// Folds the whole log into the empty scratch tables: one task reads and decodes batches
    /// while this one folds them into rows kept in memory, written out when a model holds
    /// [`FLUSH_AT`] rows and at the end. Most rows are thus written once, instead of once per
    /// batch that touches them. Progress counts against the log's size when folding starts.
    /// Returns the events folded and the position reached.
    pub async fn fold_all(
        &self,
        pool: &PgPool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(u64, LogPosition), ProjectionError> {
        let (total,): (i64,) = sqlx::query_as("SELECT count(*) FROM events")
            .fetch_one(pool)
            .await?;
        let total = u64::try_from(total).unwrap_or_default();
        let (batches, mut incoming) =
            tokio::sync::mpsc::channel::<Result<Vec<Envelope>, ProjectionError>>(2);
        let reader_pool = pool.clone();
        let reader = tokio::spawn(async move {
            let mut conn = match reader_pool.acquire().await {
                Ok(conn) => conn,
                Err(error) => return batches.send(Err(error.into())).await.ok(),
            };
            let mut position = LogPosition::START;
            loop {
                let batch = read_safe(&mut conn, position, REBUILD_BATCH).await;
                let done = match &batch {
                    Ok(events) => match events.last() {
                        Some(last) => {
                            position = last.at;
                            false
                        }
                        None => true,
                    },
                    Err(_) => true,
                };
                if batches.send(batch).await.is_err() || done {
                    return Some(());
                }
            }
        });
        let mut rows: Vec<ModelRows> = self.models.iter().map(|m| m.rows()).collect();
        let mut flushed = vec![false; rows.len()];
        let mut conn = pool.acquire().await?;
        let mut events = 0;
        let mut position = LogPosition::START;
        let (mut waiting, mut folding) = (Duration::ZERO, Duration::ZERO);
        loop {
            let started = Instant::now();
            let Some(batch) = incoming.recv().await else {
                break;
            };
            waiting += started.elapsed();
            let started = Instant::now();
            let batch = batch?;
            let Some(last) = batch.last().map(|e| e.at) else {
                break;
            };
            for (model_rows, flushed) in rows.iter_mut().zip(&mut flushed) {
                // Rows are in memory unless flushed; scratch tables start empty.
                if *flushed {
                    model_rows.load(&mut conn, &self.suffix, &batch).await?;
                }
                model_rows.fold(&batch)?;
                if model_rows.len() >= FLUSH_AT {
                    let mut tx = bedrift_store::begin(pool).await?;
                    model_rows.flush(&mut tx, &self.suffix).await?;
                    tx.commit().await?;
                    *flushed = true;
                }
            }
            events += batch.len() as u64;
            position = last;
            folding += started.elapsed();
            progress(Progress { events, total });
        }
        reader
            .await
            .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        drop(conn);
        // The models' last rows are written side by side, each on its own connection.
        let suffix = self.suffix.as_str();
        let flushes = self
            .models
            .iter()
            .zip(rows)
            .map(|(model, mut model_rows)| async move {
                let started = Instant::now();
                let mut tx = bedrift_store::begin(pool).await?;
                model_rows.flush(&mut tx, suffix).await?;
                tx.commit().await?;
                let elapsed_ms = started.elapsed().as_millis() as u64;
                tracing::debug!(%model, elapsed_ms, "rebuild flushed");
                Ok::<_, ProjectionError>(())
            });
        futures::future::try_join_all(flushes).await?;
        tracing::debug!(
            events,
            waiting_for_reads_ms = waiting.as_millis() as u64,
            folding_ms = folding.as_millis() as u64,
            "rebuild folded"
        );
        Ok((events, position))
    }

    /// The name of `table`'s scratch copy.
    pub fn table(&self, table: &str) -> String {
        format!("{table}{}", self.suffix)
    }

    /// Drops the scratch tables.
    pub async fn drop(&self, pool: &PgPool) -> Result<(), ProjectionError> {
        for table in self.tables() {
            sqlx::query(&format!("DROP TABLE IF EXISTS {table}{}", self.suffix))
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Replaces the live tables with the scratch tables and sets the checkpoints to where the
    /// scratch tables are, after folding what arrived meanwhile. Locks the checkpoints first,
    /// in the projector's lock order, so the live projector waits for the swap instead of
    /// deadlocking with it; then the live tables, which waits out their readers.
    async fn swap_in(
        &self,
        pool: &PgPool,
        position: LogPosition,
    ) -> Result<(u64, LogPosition), ProjectionError> {
        let mut tx = bedrift_store::begin(pool).await?;
        lock_checkpoints(&mut tx, &ReadModel::ALL).await?;
        for table in self.tables() {
            sqlx::query(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
                .execute(&mut *tx)
                .await?;
        }
        let (events, position) = self.fold(&mut tx, position, 0, &mut |_| {}).await?;
        for table in self.tables() {
            sqlx::query(&format!("DROP TABLE {table}"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!(
                "ALTER TABLE {table}{} RENAME TO {table}",
                self.suffix
            ))
            .execute(&mut *tx)
            .await?;
        }
        for model in &self.models {
            set_checkpoint(&mut tx, *model, position).await?;
        }
        tx.commit().await?;
        Ok((events, position))
    }
}

/// Rebuilds `models` from the whole log in one pass and swaps them in, reporting progress
/// after each batch.
pub async fn rebuild(
    pool: &PgPool,
    models: &[ReadModel],
    progress: &mut dyn FnMut(Progress),
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let scratch = Scratch::create(pool, models).await?;
    let result = async {
        let (folded, position) = scratch.fold_all(pool, progress).await?;
        let (caught_up, position) = scratch.swap_in(pool, position).await?;
        Ok::<_, ProjectionError>((folded + caught_up, position))
    }
    .await;
    match result {
        Ok((events, position)) => Ok(RebuildReport {
            models: models.to_vec(),
            events,
            position,
            elapsed: started.elapsed(),
        }),
        Err(error) => {
            if let Err(cleanup) = scratch.drop(pool).await {
                tracing::warn!(%cleanup, "could not drop the scratch tables of a failed rebuild");
            }
            Err(error)
        }
    }
}

/// Folds the whole log into scratch tables of `models` and counts, per model, the rows that
/// differ from the live tables at the same log position (see [`crate::compare`]).
pub async fn compare_with_rebuild(
    pool: &PgPool,
    models: &[ReadModel],
) -> Result<BTreeMap<&'static str, i64>, ProjectionError> {
    let comparison = crate::compare::compare(pool, models, &mut |_| {}).await?;
    Ok(comparison
        .models
        .iter()
        .map(|m| (m.model.name(), m.differing_rows()))
        .collect())
}
