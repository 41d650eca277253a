//! Generated events as columns of the `events` table, ready for one `INSERT ... UNNEST`, and
//! the small deterministic random source the generator draws from.

use cqrs_es::DomainEvent;
use serde::Serialize;

/// Rows of `events`, column by column (payload and metadata as JSON text).
#[derive(Debug, Default)]
pub struct Chunk {
    /// `aggregate_type`.
    pub aggregate_type: Vec<&'static str>,
    /// `aggregate_id`.
    pub aggregate_id: Vec<String>,
    /// `sequence`.
    pub sequence: Vec<i64>,
    /// `event_type`.
    pub event_type: Vec<String>,
    /// `event_version`.
    pub event_version: Vec<String>,
    /// `payload`, serialised as postgres-es does.
    pub payload: Vec<String>,
    /// `metadata`, the string map of `bedrift_domain::metadata::Metadata`.
    pub metadata: Vec<String>,
}

impl Chunk {
    /// Appends one event.
    pub fn push<E: DomainEvent + Serialize>(
        &mut self,
        aggregate_type: &'static str,
        aggregate_id: &str,
        sequence: i64,
        event: &E,
        metadata: &str,
    ) {
        self.aggregate_type.push(aggregate_type);
        self.aggregate_id.push(aggregate_id.to_owned());
        self.sequence.push(sequence);
        self.event_type.push(event.event_type());
        self.event_version.push(event.event_version());
        self.payload
            .push(serde_json::to_string(event).expect("events always serialise"));
        self.metadata.push(metadata.to_owned());
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.sequence.len()
    }

    /// Payload and metadata bytes held (a rough size of the chunk).
    pub fn json_bytes(&self) -> usize {
        self.payload
            .iter()
            .chain(&self.metadata)
            .map(String::len)
            .sum()
    }
}

/// The insert that writes one chunk in one statement (and so one transaction); `position`,
/// `tx_id`, `recorded_at` take their defaults and the database's trigger chains `hash`. Rows
/// go in in the chunk's order, each aggregate's in sequence order, as the chain needs (it
/// looks up the previous event of the aggregate).
pub const INSERT_CHUNK: &str = "INSERT INTO events
         (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
     SELECT t, i, s, e, v, p::jsonb, m::jsonb
     FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
          WITH ORDINALITY AS u(t, i, s, e, v, p, m, n)
     ORDER BY n";
