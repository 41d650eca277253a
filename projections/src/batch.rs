//! Reading the log safely, and applying one batch to read models with their checkpoints.
//!
//! Each committed batch is measured per read model it moved:
//! `bedrift_projector_position{read_model}` (the checkpoint's log position),
//! `bedrift_projector_lag_seconds{read_model}` (for each event, from its `recorded_at` to the
//! commit that makes it visible), `bedrift_projector_batch_duration_seconds{read_model}` (the
//! time spent applying the batch to the model) and `bedrift_projector_events_total{read_model}`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bedrift_store::LogPosition;
use sqlx::{PgConnection, PgPool};

use crate::event::{Envelope, StoredEvent, EVENT_COLUMNS};
use crate::notifications::{self, NotificationSettings};
use crate::read_models::ReadModel;
use crate::webhooks;
use crate::ProjectionError;

/// Reads up to `limit` events after `after` in (transaction id, position) order, but only
/// those written by transactions older than every transaction still running that may write to
/// this database (`event_log_horizon()`, migration `20261201000300`): below that no running or
/// future transaction can add an event, so nothing is ever skipped (see
/// `bedrift_store::LogPosition` for why position alone is not a safe order).
pub async fn read_safe(
    conn: &mut PgConnection,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<Envelope>, ProjectionError> {
    // Qualified column names: the select list's `tx_id` is a cast alias, and an alias in ORDER
    // BY would sort the whole rest of the log instead of walking the (tx_id, position) index.
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE (events.tx_id, events.position) > ($1::bigint::text::xid8, $2)
           AND events.tx_id < event_log_horizon()
         ORDER BY events.tx_id, events.position LIMIT $3"
    ))
    .bind(after.tx_id)
    .bind(after.position)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    crate::event::decode_all(conn, rows).await
}

/// Locks the checkpoints of `models` (in name order, the one lock order every writer of
/// checkpoints uses) and returns them.
pub async fn lock_checkpoints(
    conn: &mut PgConnection,
    models: &[ReadModel],
) -> Result<HashMap<ReadModel, LogPosition>, ProjectionError> {
    let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
    let found = lock_named_checkpoints(conn, &names).await?;
    Ok(models
        .iter()
        .map(|m| (*m, found.get(m.name()).copied().unwrap_or_default()))
        .collect())
}

/// Locks the checkpoints named `names` in name order (one statement, so one lock order for
/// every writer) and returns those that exist.
async fn lock_named_checkpoints(
    conn: &mut PgConnection,
    names: &[&str],
) -> Result<HashMap<String, LogPosition>, ProjectionError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT name, tx_id, position FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name FOR UPDATE",
    )
    .bind(names)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, tx_id, position)| (name, LogPosition { tx_id, position }))
        .collect())
}

/// Waits, inside the caller's transaction, for the batch under way (if any) to commit, and
/// keeps the next one from starting until the caller's transaction ends: a batch locks its
/// checkpoints from its start to its commit, and this locks every checkpoint in the same name
/// order. For erasure: a batch that opened a subscription's events with its key before the key
/// was deleted queues what it made of them before the caller scrubs the messages, and a batch
/// after it finds the key gone.
pub async fn hold_back_batches(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT name FROM projection_checkpoints ORDER BY name FOR UPDATE")
        .fetch_all(conn)
        .await?;
    Ok(())
}

/// Sets a model's checkpoint (inside the caller's transaction).
pub async fn set_checkpoint(
    conn: &mut PgConnection,
    model: ReadModel,
    at: LogPosition,
) -> Result<(), ProjectionError> {
    set_named_checkpoint(conn, model.name(), at).await
}

async fn set_named_checkpoint(
    conn: &mut PgConnection,
    name: &str,
    at: LogPosition,
) -> Result<(), ProjectionError> {
    set_named_checkpoints(conn, &[name], at).await
}

/// Moves every checkpoint in `names` to `at` in one statement (a batch moves up to six; one
/// round trip instead of one each keeps the projection lag down).
async fn set_named_checkpoints(
    conn: &mut PgConnection,
    names: &[&str],
    at: LogPosition,
) -> Result<(), ProjectionError> {
    // An upsert, so a read model added without a migration row still keeps its place.
    sqlx::query(
        "INSERT INTO projection_checkpoints (name, tx_id, position)
         SELECT name, $2, $3 FROM UNNEST($1::text[]) AS name
         ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position,
             updated_at = now()",
    )
    .bind(names)
    .bind(at.tx_id)
    .bind(at.position)
    .execute(conn)
    .await?;
    Ok(())
}

/// Applies one batch to every model whose checkpoint is behind it, and moves those
/// checkpoints, all in one transaction. Returns the number of events read (0: nothing to do)
/// and the log position every model has reached. Queues no messages (see
/// [`apply_next_batch_notifying`]).
pub async fn apply_next_batch(
    pool: &PgPool,
    models: &[ReadModel],
    limit: i64,
) -> Result<(usize, LogPosition), ProjectionError> {
    apply_next_batch_notifying(pool, models, None, limit).await
}

/// Like [`apply_next_batch`], and with `notifications` also queues the messages and webhooks
/// the batch's events cause (see [`crate::notifications`] and [`crate::webhooks`]) in the same
/// transaction, under their own checkpoint: what the live projector does, and only it.
pub async fn apply_next_batch_notifying(
    pool: &PgPool,
    models: &[ReadModel],
    notifications: Option<&NotificationSettings>,
    limit: i64,
) -> Result<(usize, LogPosition), ProjectionError> {
    let started = Instant::now();
    let mut tx = bedrift_store::begin(pool).await?;
    let mut names: Vec<&str> = models.iter().map(|m| m.name()).collect();
    if notifications.is_some() {
        names.push(notifications::CHECKPOINT);
    }
    let checkpoints = lock_named_checkpoints(&mut tx, &names).await?;
    let checkpoint = |name: &str| checkpoints.get(name).copied().unwrap_or_default();
    let from = names
        .iter()
        .map(|n| checkpoint(n))
        .min()
        .unwrap_or_default();
    let events = read_safe(&mut tx, from, limit).await?;
    let read = Instant::now();
    let Some(last) = events.last().map(|e| e.at) else {
        tx.rollback().await?;
        return Ok((0, from));
    };
    let unseen = |name: &str| {
        let checkpoint = checkpoint(name);
        &events[events.partition_point(|e| e.at <= checkpoint)..]
    };
    let mut applied = Vec::with_capacity(models.len());
    let mut moved = Vec::with_capacity(names.len());
    for model in models {
        let unseen = unseen(model.name());
        if !unseen.is_empty() {
            let started = Instant::now();
            model.apply(&mut tx, "", unseen).await?;
            moved.push(model.name());
            applied.push((*model, unseen, started.elapsed()));
        }
    }
    let models_done = Instant::now();
    if let Some(settings) = notifications {
        let unseen = unseen(notifications::CHECKPOINT);
        if !unseen.is_empty() {
            notifications::apply(&mut tx, settings, unseen).await?;
            webhooks::apply(&mut tx, unseen).await?;
            moved.push(notifications::CHECKPOINT);
        }
    }
    let notified = Instant::now();
    set_named_checkpoints(&mut tx, &moved, last).await?;
    tx.commit().await?;
    tracing::debug!(
        events = events.len(),
        read_ms = millis(read - started),
        models_ms = millis(models_done - read),
        notifications_ms = millis(notified - models_done),
        commit_ms = millis(notified.elapsed()),
        "batch phases"
    );
    record_batch(&applied, last);
    Ok((events.len(), last))
}

/// Whole milliseconds of `elapsed`, for the debug log.
fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

/// Measures a committed batch: per model, its events, their lag and the time applying them.
fn record_batch(applied: &[(ReadModel, &[Envelope], Duration)], last: LogPosition) {
    let now = chrono::Utc::now();
    for (model, events, elapsed) in applied {
        let name = model.name();
        metrics::gauge!("bedrift_projector_position", "read_model" => name)
            .set(last.position as f64);
        metrics::counter!("bedrift_projector_events_total", "read_model" => name)
            .increment(events.len() as u64);
        metrics::histogram!("bedrift_projector_batch_duration_seconds", "read_model" => name)
            .record(*elapsed);
        let lag = metrics::histogram!("bedrift_projector_lag_seconds", "read_model" => name);
        for event in *events {
            let seconds = (now - event.recorded_at)
                .num_microseconds()
                .unwrap_or(i64::MAX);
            lag.record(seconds.max(0) as f64 / 1e6);
        }
    }
}

/// The log position every read model has passed: the lowest checkpoint.
pub async fn projected_position(pool: &PgPool) -> Result<LogPosition, ProjectionError> {
    let names: Vec<&str> = ReadModel::ALL.iter().map(|m| m.name()).collect();
    let lowest: Option<LogPosition> = sqlx::query_as(
        "SELECT tx_id, position FROM projection_checkpoints WHERE name = ANY($1)
         ORDER BY tx_id, position LIMIT 1",
    )
    .bind(&names)
    .fetch_optional(pool)
    .await?;
    Ok(lowest.unwrap_or_default())
}
