//! PostgreSQL's own rate for the smallest write the order path could ever be: one event-shaped
//! row inserted per transaction, by as many connections as there are clients, into a scratch
//! table with the columns, defaults and indexes of `events` (created `LIKE events INCLUDING
//! ALL`, without the audit chain's trigger, and dropped afterwards). Each connection is held for the whole measurement, so no pool
//! round trip is counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::PgPool;

use crate::LoadError;

/// What the baseline measured.
#[derive(Debug, Clone, Copy)]
pub struct InsertRate {
    /// Concurrent connections.
    pub connections: usize,
    /// Transactions committed.
    pub transactions: u64,
    /// Over this long.
    pub elapsed: Duration,
}

impl InsertRate {
    /// Transactions per second.
    pub fn per_second(&self) -> f64 {
        self.transactions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Inserts one row per transaction from `connections` connections of `pool` (which must hold
/// that many) for `duration`.
pub async fn insert_rate(
    pool: &PgPool,
    connections: usize,
    duration: Duration,
) -> Result<InsertRate, LoadError> {
    let table = format!(
        "events_insert_baseline_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    // `LIKE` copies no triggers, so the audit chain's `hash` stays empty here: the baseline is
    // the bare insert.
    let create = format!(
        "CREATE TABLE {table} (LIKE events INCLUDING ALL);
         ALTER TABLE {table} ALTER COLUMN hash DROP NOT NULL"
    );
    sqlx::raw_sql(&create).execute(pool).await?;
    let measured = measure(pool, &table, connections, duration).await;
    sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
        .execute(pool)
        .await?;
    measured
}

async fn measure(
    pool: &PgPool,
    table: &str,
    connections: usize,
    duration: Duration,
) -> Result<InsertRate, LoadError> {
    let insert = format!(
        "INSERT INTO {table} (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    );
    // About the size of a SubscriptionOrdered event and its metadata.
    let payload = json!({ "SubscriptionOrdered": {
        "company_id": uuid::Uuid::new_v4(), "phone": "+4791234567",
        "first_name": "Last", "last_name": "Hansen", "employee_number": null,
        "zones": { "Zones": ["kristiansand"] }, "category": "Adult",
        "start_date": "2026-12-01", "extra_fields": [], "by": "Employee", "approved": false } });
    let metadata = json!({ "actor": { "Employee": { "phone": "+4791234567" } },
        "occurred_at": "2026-11-27T17:00:00Z", "correlation_id": uuid::Uuid::new_v4() });
    let mut held = Vec::with_capacity(connections);
    for _ in 0..connections {
        held.push(pool.acquire().await?);
    }
    let transactions = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let tasks: Vec<_> = held
        .into_iter()
        .map(|mut connection| {
            let insert = insert.clone();
            let (payload, metadata) = (payload.clone(), metadata.clone());
            let transactions = transactions.clone();
            tokio::spawn(async move {
                while tokio::time::Instant::now() < deadline {
                    sqlx::query(&insert)
                        .bind("Subscription")
                        .bind(uuid::Uuid::new_v4().to_string())
                        .bind(1_i64)
                        .bind("SubscriptionOrdered")
                        .bind("2")
                        .bind(&payload)
                        .bind(&metadata)
                        .execute(&mut *connection)
                        .await?;
                    transactions.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<(), sqlx::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await
            .map_err(|e| LoadError::Unexpected(e.to_string()))??;
    }
    Ok(InsertRate {
        connections,
        transactions: transactions.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    })
}
