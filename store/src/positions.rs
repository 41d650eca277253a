//! Positions in the event log, for read-your-writes: after a command, the caller waits until
//! the read models have passed the position of the aggregate's last event.

use sqlx::PgPool;

use crate::StoreError;

/// The highest `position` of the events of one aggregate, `None` when it has none.
pub async fn last_position(
    pool: &PgPool,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Option<i64>, StoreError> {
    // The primary key (aggregate_type, aggregate_id, sequence) finds the aggregate's rows.
    Ok(sqlx::query_scalar(
        "SELECT max(position) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .fetch_one(pool)
    .await?)
}

/// The highest `position` in the whole log, `None` when it is empty.
pub async fn head_position(pool: &PgPool) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT max(position) FROM events")
        .fetch_one(pool)
        .await?)
}
