//! Sealing the events that were stored in clear before the log sealed personal data (the
//! migration `20261201000400`): run by [`crate::migrate`] until it has succeeded once (a row
//! in `log_sealed`); concurrent runs take turns on an advisory lock.
//!
//! Each subscription with personal values in clear gets its data key (under the same subject
//! as its R5 claim), each invited administrator theirs at the company, the events are sealed
//! in place, and its hash chain is computed again over
//! the sealed form. Updating events is otherwise recorded in `event_changes` with the old row,
//! which would keep the clear values; here that trigger is off for the transaction and each
//! re-based chain is recorded in `event_reseals` instead (its last hash before and after).

use cqrs_es::persist::SerializedEvent;
use serde_json::Value;
use sqlx::PgPool;

use crate::repository::seal_events;
use crate::sealing::{has_personal_data, EventRef};
use crate::StoreError;

/// The advisory lock that makes one sealing run at a time.
const RESEAL_LOCK_KEY: i64 = 0x6265_6472_6966_7453;

/// Seals every subscription and company event stored with personal values in clear; returns how many
/// events it sealed. One transaction: all or nothing.
pub async fn seal_stored_events(pool: &PgPool) -> Result<u64, StoreError> {
    let mut tx = crate::begin(pool).await?;
    // Replicas migrating at once take turns; each reads what is still in clear after its
    // turn comes (a statement's snapshot is taken when it starts).
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(RESEAL_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    let rows: Vec<(String, String, i64, String, String, Value, Value)> = sqlx::query_as(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
         FROM events
         WHERE aggregate_type IN ('Subscription', 'Company')
           AND NOT (payload -> event_type ? 'sealed')
         ORDER BY aggregate_type, aggregate_id, sequence",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut by_aggregate: Vec<((String, String), Vec<SerializedEvent>)> = Vec::new();
    for (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) in
        rows
    {
        let reference = EventRef {
            aggregate_type: &aggregate_type,
            aggregate_id: &aggregate_id,
            sequence,
            event_type: &event_type,
        };
        if !has_personal_data(reference, &payload, Some(&metadata)) {
            continue;
        }
        let event = SerializedEvent {
            aggregate_id: aggregate_id.clone(),
            sequence: usize::try_from(sequence).unwrap_or_default(),
            aggregate_type: aggregate_type.clone(),
            event_type,
            event_version,
            payload,
            metadata,
        };
        let aggregate = (aggregate_type, aggregate_id);
        match by_aggregate.last_mut() {
            Some((last, events)) if *last == aggregate => events.push(event),
            _ => by_aggregate.push((aggregate, vec![event])),
        }
    }
    if by_aggregate.is_empty() {
        sqlx::query("INSERT INTO log_sealed DEFAULT VALUES")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(0);
    }
    sqlx::query("ALTER TABLE events DISABLE TRIGGER events_record_change")
        .execute(&mut *tx)
        .await?;
    let mut sealed = 0;
    for ((aggregate_type, aggregate_id), mut events) in by_aggregate {
        let before = last_hash(&mut tx, &aggregate_type, &aggregate_id).await?;
        // An order sealed already has its key; a later event in clear is sealed under it.
        seal_events(&mut tx, &mut events)
            .await
            .map_err(seal_failed)?;
        for event in &events {
            sqlx::query(
                "UPDATE events SET payload = $3, metadata = $4
                 WHERE aggregate_type = $5 AND aggregate_id = $1 AND sequence = $2",
            )
            .bind(&aggregate_id)
            .bind(i64::try_from(event.sequence).unwrap_or(i64::MAX))
            .bind(&event.payload)
            .bind(&event.metadata)
            .bind(&aggregate_type)
            .execute(&mut *tx)
            .await?;
            sealed += 1;
        }
        sqlx::query(
            "UPDATE events SET hash = chained.hash
             FROM (SELECT sequence,
                          event_chain(aggregate_type, aggregate_id, sequence, event_type,
                                      event_version, payload, metadata)
                          OVER (ORDER BY sequence ROWS UNBOUNDED PRECEDING) AS hash
                   FROM events
                   WHERE aggregate_type = $2 AND aggregate_id = $1) AS chained
             WHERE events.aggregate_type = $2 AND events.aggregate_id = $1
               AND events.sequence = chained.sequence",
        )
        .bind(&aggregate_id)
        .bind(&aggregate_type)
        .execute(&mut *tx)
        .await?;
        let after = last_hash(&mut tx, &aggregate_type, &aggregate_id).await?;
        sqlx::query(
            "INSERT INTO event_reseals (aggregate_type, aggregate_id, events, hash_before, hash_after)
             VALUES ($5, $1, $2, $3, $4)",
        )
        .bind(&aggregate_id)
        .bind(i32::try_from(events.len()).unwrap_or(i32::MAX))
        .bind(before)
        .bind(after)
        .bind(&aggregate_type)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("ALTER TABLE events ENABLE TRIGGER events_record_change")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO log_sealed DEFAULT VALUES")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(
        events = sealed,
        "sealed the personal data of events stored in clear"
    );
    Ok(sealed)
}

async fn last_hash(
    conn: &mut sqlx::PgConnection,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<u8>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT hash FROM events WHERE aggregate_type = $2 AND aggregate_id = $1
         ORDER BY sequence DESC LIMIT 1",
    )
    .bind(aggregate_id)
    .bind(aggregate_type)
    .fetch_one(conn)
    .await?)
}

fn seal_failed(error: crate::sealing::SealError) -> StoreError {
    StoreError::EventStore(Box::new(error))
}
