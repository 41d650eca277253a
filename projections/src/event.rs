//! Events as the projector reads them from the log: the stored row, and its payload decoded
//! (after upcasting) into the domain's event types.

use bedrift_domain::company::{Company, CompanyEvent};
use bedrift_domain::subscription::{Subscription, SubscriptionEvent};
use bedrift_domain::tariff::{Tariff, TariffEvent};
use bedrift_domain::upcasting::{needs_upcast, upcast};
use bedrift_store::sealing::{self, EventRef, Keys, SealError};
use bedrift_store::LogPosition;
use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::ProjectionError;

/// One row of the `events` table.
#[derive(Debug, Clone, FromRow)]
pub struct StoredEvent {
    /// The writing transaction's id.
    pub tx_id: i64,
    /// Global number, increasing within a transaction.
    pub position: i64,
    /// The aggregate's `TYPE`.
    pub aggregate_type: String,
    /// The aggregate's id.
    pub aggregate_id: String,
    /// 1, 2, 3, ... per aggregate.
    pub sequence: i64,
    /// Event name.
    pub event_type: String,
    /// Event schema version.
    pub event_version: String,
    /// The event, as JSON text.
    pub payload: String,
    /// When the database stored it.
    pub recorded_at: DateTime<Utc>,
}

/// The columns of `events` in `StoredEvent`'s order, for `SELECT`s.
pub const EVENT_COLUMNS: &str =
    "tx_id::text::bigint AS tx_id, position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload::text AS payload, recorded_at";

/// A decoded domain event.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyEvent {
    /// Of a `Subscription`.
    Subscription(SubscriptionEvent),
    /// Of a `Company`.
    Company(CompanyEvent),
    /// Of the `Tariff`.
    Tariff(TariffEvent),
}

/// A stored event with its payload decoded.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Where it stands in the projector's order.
    pub at: LogPosition,
    /// Global number (also `at.position`), the read models' stable sort key.
    pub position: i64,
    /// The aggregate's id as a UUID (the tariff's fixed id maps to the nil UUID).
    pub aggregate_id: Uuid,
    /// The event's sequence in its aggregate.
    pub sequence: i64,
    /// When the database stored it.
    pub recorded_at: DateTime<Utc>,
    /// The event.
    pub event: AnyEvent,
}

/// Decodes a payload in the current shape straight from its text.
fn decode_payload(aggregate_type: &str, payload: &str) -> Result<AnyEvent, String> {
    let decoded = match aggregate_type {
        Subscription::TYPE => serde_json::from_str(payload).map(AnyEvent::Subscription),
        Company::TYPE => serde_json::from_str(payload).map(AnyEvent::Company),
        Tariff::TYPE => serde_json::from_str(payload).map(AnyEvent::Tariff),
        other => return Err(format!("unknown aggregate type {other}")),
    };
    decoded.map_err(|e| e.to_string())
}

/// Decodes a payload in the current shape that was parsed already (opened or upcast).
fn decode_value(aggregate_type: &str, payload: Value) -> Result<AnyEvent, String> {
    let decoded = match aggregate_type {
        Subscription::TYPE => serde_json::from_value(payload).map(AnyEvent::Subscription),
        Company::TYPE => serde_json::from_value(payload).map(AnyEvent::Company),
        Tariff::TYPE => serde_json::from_value(payload).map(AnyEvent::Tariff),
        other => return Err(format!("unknown aggregate type {other}")),
    };
    decoded.map_err(|e| e.to_string())
}

/// Decodes `rows`, opening sealed personal data with the keys that still exist (one query
/// for the rows that need any; an erased subscription's values read `[slettet]`).
pub async fn decode_all(
    conn: &mut PgConnection,
    rows: Vec<StoredEvent>,
) -> Result<Vec<Envelope>, ProjectionError> {
    let keys = keys_for(conn, &rows).await?;
    rows.into_iter().map(|row| row.decode(&keys)).collect()
}

/// The data keys that `rows` need to be opened.
pub async fn keys_for(
    conn: &mut PgConnection,
    rows: &[StoredEvent],
) -> Result<Keys, ProjectionError> {
    let mut sealed: Vec<&str> = rows
        .iter()
        .filter(|row| row.is_sealed())
        .map(|row| row.aggregate_id.as_str())
        .collect();
    sealed.sort_unstable();
    sealed.dedup();
    Keys::fetch(conn, &sealed).await.map_err(|e| match e {
        SealError::Database(e) => ProjectionError::Database(e),
        other => ProjectionError::Corrupt(other.to_string()),
    })
}

impl StoredEvent {
    /// Whether the payload holds a sealed box (a cheap test on the text: a body field named
    /// `sealed` is written only by sealing).
    pub fn is_sealed(&self) -> bool {
        self.payload.contains("\"sealed\"")
    }

    /// Opens (with `keys`), upcasts (when stored in an older shape) and decodes the payload.
    pub fn decode(self, keys: &Keys) -> Result<Envelope, ProjectionError> {
        let undecodable = |reason: String| ProjectionError::Undecodable {
            position: self.position,
            reason,
        };
        let sealed = self.is_sealed();
        let event = if sealed || needs_upcast(&self.event_type, &self.event_version) {
            let mut payload: Value =
                serde_json::from_str(&self.payload).map_err(|e| undecodable(e.to_string()))?;
            if sealed {
                let reference = EventRef {
                    aggregate_type: &self.aggregate_type,
                    aggregate_id: &self.aggregate_id,
                    sequence: self.sequence,
                    event_type: &self.event_type,
                };
                sealing::open(reference, &mut payload, None, keys)
                    .map_err(|e| undecodable(e.to_string()))?;
            }
            let upcast = upcast(SerializedEvent {
                aggregate_id: self.aggregate_id.clone(),
                sequence: usize::try_from(self.sequence).unwrap_or_default(),
                aggregate_type: self.aggregate_type.clone(),
                event_type: self.event_type.clone(),
                event_version: self.event_version.clone(),
                payload,
                metadata: Value::Object(Default::default()),
            });
            decode_value(&self.aggregate_type, upcast.payload)
        } else {
            decode_payload(&self.aggregate_type, &self.payload)
        }
        .map_err(undecodable)?;
        let aggregate_id = match event {
            AnyEvent::Tariff(_) => Uuid::nil(),
            _ => Uuid::parse_str(&self.aggregate_id).map_err(|e| undecodable(e.to_string()))?,
        };
        Ok(Envelope {
            at: LogPosition {
                tx_id: self.tx_id,
                position: self.position,
            },
            position: self.position,
            aggregate_id,
            sequence: self.sequence,
            recorded_at: self.recorded_at,
            event,
        })
    }
}
