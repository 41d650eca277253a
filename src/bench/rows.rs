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
/// `tx_id` and `recorded_at` take their defaults.
pub const INSERT_CHUNK: &str = "INSERT INTO events
         (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
     SELECT t, i, s, e, v, p::jsonb, m::jsonb
     FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
          AS u(t, i, s, e, v, p, m)";

/// A deterministic pseudo-random sequence (xorshift64*), so runs are comparable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with the given chance in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}
