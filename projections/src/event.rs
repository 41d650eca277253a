//! Events as the projector reads them from the log: the stored row, and its payload decoded
//! (after upcasting) into the domain's event types.

use std::collections::HashMap;

use bedrift_domain::company::{Company, CompanyEvent};
use bedrift_domain::subscription::{Subscription, SubscriptionEvent};
use bedrift_domain::tariff::{Tariff, TariffEvent};
use bedrift_domain::upcasting::upcast;
use bedrift_store::LogPosition;
use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use serde_json::Value;
use sqlx::FromRow;
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
    /// The event.
    pub payload: Value,
    /// Actor, occurred-at, correlation id.
    pub metadata: Value,
    /// When the database stored it.
    pub recorded_at: DateTime<Utc>,
}

/// The columns of `events` in `StoredEvent`'s order, for `SELECT`s.
pub const EVENT_COLUMNS: &str =
    "tx_id::text::bigint AS tx_id, position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at";

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

impl StoredEvent {
    /// Upcasts and decodes the payload.
    pub fn decode(self) -> Result<Envelope, ProjectionError> {
        let undecodable = |reason: String| ProjectionError::Undecodable {
            position: self.position,
            reason,
        };
        let serialized = upcast(SerializedEvent {
            aggregate_id: self.aggregate_id.clone(),
            sequence: usize::try_from(self.sequence).unwrap_or_default(),
            aggregate_type: self.aggregate_type.clone(),
            event_type: self.event_type.clone(),
            event_version: self.event_version.clone(),
            payload: self.payload.clone(),
            metadata: Value::Object(Default::default()),
        });
        let event = match self.aggregate_type.as_str() {
            Subscription::TYPE => AnyEvent::Subscription(
                serde_json::from_value(serialized.payload)
                    .map_err(|e| undecodable(e.to_string()))?,
            ),
            Company::TYPE => AnyEvent::Company(
                serde_json::from_value(serialized.payload)
                    .map_err(|e| undecodable(e.to_string()))?,
            ),
            Tariff::TYPE => AnyEvent::Tariff(
                serde_json::from_value(serialized.payload)
                    .map_err(|e| undecodable(e.to_string()))?,
            ),
            other => return Err(undecodable(format!("unknown aggregate type {other}"))),
        };
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

    /// The metadata as the string map cqrs-es stored.
    pub fn metadata_map(&self) -> HashMap<String, String> {
        serde_json::from_value(self.metadata.clone()).unwrap_or_default()
    }
}
