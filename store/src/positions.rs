//! Positions in the event log: the order in which the projector applies events, and what
//! read-your-writes waits for.
//!
//! The order is (writing transaction, position), not position alone. Identity values are
//! drawn before a transaction commits, and not in the order transactions get their ids or
//! commit: a transaction can draw position 10, another draw 11 and commit, while the first is
//! still running. Reading by position up to "every transaction older than the oldest running
//! one" would then pass 11 and skip 10 for ever, because 10's writer may have the younger
//! transaction id. Ordered by transaction id first, everything below the oldest running
//! transaction is final: no running or future transaction can add an event there.

use sqlx::PgPool;

use crate::StoreError;

/// Where an event stands in the projector's order: its transaction id (`xid8` as a number),
/// then its position. Ordered by `tx_id` first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::FromRow)]
pub struct LogPosition {
    /// The writing transaction (`events.tx_id`).
    pub tx_id: i64,
    /// The event's `position` within the log.
    pub position: i64,
}

impl LogPosition {
    /// Before every event.
    pub const START: Self = Self {
        tx_id: 0,
        position: 0,
    };
}

impl std::fmt::Display for LogPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.position, self.tx_id)
    }
}

/// The log position of one aggregate's newest event, `None` when it has none.
pub async fn last_position(
    pool: &PgPool,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Option<LogPosition>, StoreError> {
    // The primary key (aggregate_type, aggregate_id, sequence) finds the aggregate's rows.
    Ok(sqlx::query_as(
        "SELECT tx_id::text::bigint AS tx_id, position FROM events
         WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .fetch_optional(pool)
    .await?)
}

/// The log position of the last event in the projector's order, `None` when the log is empty.
pub async fn head_position(pool: &PgPool) -> Result<Option<LogPosition>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT events.tx_id::text::bigint AS tx_id, events.position FROM events
         ORDER BY events.tx_id DESC, events.position DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?)
}
