//! Where a rebuild's time goes: one more pass over the log in the rebuild's batches, into
//! scratch tables of its own, timing separately the query (rows fetched as `StoredEvent`s), the
//! decoding of payloads into domain events, each read model's `apply`, and the commits.
//!
//! The fetch orders by the table's columns (`events.tx_id`), which the index
//! `events_projector_order` serves. A bare `ORDER BY tx_id` after `EVENT_COLUMNS` would name
//! the output column `tx_id::text::bigint`, which no index has: PostgreSQL then scans and
//! sorts the whole rest of the log for every batch. The report also times the first batch both
//! ways, for comparison.

use std::time::{Duration, Instant};

use bedrift_projections::event::{StoredEvent, EVENT_COLUMNS};
use bedrift_projections::rebuild::REBUILD_BATCH;
use bedrift_projections::ReadModel;
use bedrift_store::{LogPosition, PgPool};

/// Suffix of the breakdown's scratch tables.
const SUFFIX: &str = "__bench_breakdown";

/// Time spent in each part of a rebuild-like pass.
#[derive(Debug, Default, Clone)]
pub struct Breakdown {
    /// Events folded.
    pub events: u64,
    /// Fetching rows (SQL and sqlx's row decoding, including the JSON columns).
    pub fetch: Duration,
    /// Upcasting and decoding payloads into domain events.
    pub decode: Duration,
    /// Each model's `apply`, in `ReadModel::ALL` order.
    pub apply: Vec<(ReadModel, Duration)>,
    /// `BEGIN` and `COMMIT` of the batches.
    pub commit: Duration,
    /// The whole pass.
    pub total: Duration,
    /// One batch from the start of the log ordered by index columns, and by the output alias.
    pub first_batch: (Duration, Duration),
}

/// Runs the timed pass and drops its scratch tables afterwards.
pub async fn measure(pool: &PgPool) -> anyhow::Result<Breakdown> {
    let tables: Vec<&str> = ReadModel::ALL
        .iter()
        .flat_map(|m| m.tables().iter().map(|(table, _)| *table))
        .collect();
    for table in &tables {
        sqlx::query(&format!(
            "CREATE TABLE {table}{SUFFIX} (LIKE {table} INCLUDING ALL)"
        ))
        .execute(pool)
        .await?;
    }
    let measured = async {
        let mut breakdown = pass(pool).await?;
        breakdown.first_batch = (
            first_batch(pool, "events.tx_id, events.position").await?,
            first_batch(pool, "tx_id, position").await?,
        );
        Ok(breakdown)
    }
    .await;
    for table in &tables {
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}{SUFFIX}"))
            .execute(pool)
            .await?;
    }
    measured
}

async fn pass(pool: &PgPool) -> anyhow::Result<Breakdown> {
    let query = format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE (tx_id, position) > ($1::bigint::text::xid8, $2)
           AND tx_id < event_log_horizon()
         ORDER BY events.tx_id, events.position LIMIT $3"
    );
    let mut breakdown = Breakdown {
        apply: ReadModel::ALL
            .iter()
            .map(|m| (*m, Duration::ZERO))
            .collect(),
        ..Breakdown::default()
    };
    let mut connection = pool.acquire().await?;
    let started = Instant::now();
    let mut position = LogPosition::START;
    loop {
        let clock = Instant::now();
        let rows: Vec<StoredEvent> = sqlx::query_as(&query)
            .bind(position.tx_id)
            .bind(position.position)
            .bind(REBUILD_BATCH)
            .fetch_all(&mut *connection)
            .await?;
        breakdown.fetch += clock.elapsed();
        let clock = Instant::now();
        let batch = bedrift_projections::event::decode_all(&mut connection, rows).await?;
        breakdown.decode += clock.elapsed();
        let Some(last) = batch.last().map(|e| e.at) else {
            break;
        };
        let clock = Instant::now();
        let mut tx = sqlx::Connection::begin(&mut *connection).await?;
        breakdown.commit += clock.elapsed();
        for (model, spent) in &mut breakdown.apply {
            let clock = Instant::now();
            model.apply(&mut tx, SUFFIX, &batch).await?;
            *spent += clock.elapsed();
        }
        let clock = Instant::now();
        tx.commit().await?;
        breakdown.commit += clock.elapsed();
        breakdown.events += batch.len() as u64;
        position = last;
    }
    breakdown.total = started.elapsed();
    Ok(breakdown)
}

/// The time to fetch the first rebuild batch, ordered by `order`.
async fn first_batch(pool: &PgPool, order: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE (tx_id, position) > ($1::bigint::text::xid8, $2)
           AND tx_id < event_log_horizon()
         ORDER BY {order} LIMIT $3"
    ))
    .bind(0_i64)
    .bind(0_i64)
    .bind(REBUILD_BATCH)
    .fetch_all(pool)
    .await?;
    drop(rows);
    Ok(started.elapsed())
}
