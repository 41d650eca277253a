//! The tamper-evident hash chain over each aggregate's events (SPEC.md "Audit"), checked from
//! outside the database.
//!
//! The database sets `events.hash` on insert (migration `20261127000400_audit_chain.sql`):
//! `hash(n) = sha256(hash(n - 1) || encoding(event n))` with `hash(0)` empty. [`verify`] reads
//! every event once, in one snapshot, recomputes each link here with its own SHA-256 over the
//! same encoding, and names each broken chain's first broken link. It also reports the changes
//! that the log's triggers recorded (`event_changes`): the log is append-only, so any update,
//! delete or truncate is a finding even where the chain still holds.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::StoreError;

/// One stored event as the chain covers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChainedEvent {
    /// `aggregate_type`.
    pub aggregate_type: String,
    /// `aggregate_id`.
    pub aggregate_id: String,
    /// `sequence` within the aggregate, from 1.
    pub sequence: i64,
    /// The global `position` in the log.
    pub position: i64,
    /// `event_type`.
    pub event_type: String,
    /// `event_version`.
    pub event_version: String,
    /// The payload in PostgreSQL's canonical text form of jsonb.
    pub payload: String,
    /// The metadata in the same form.
    pub metadata: String,
    /// The hash the database stored.
    pub hash: Vec<u8>,
}

impl ChainedEvent {
    /// The hash this event must have after an event whose hash is `previous` (empty for the
    /// first event): the migration's `event_chain_hash`, computed independently.
    pub fn expected_hash(&self, previous: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(previous);
        field(&mut hasher, &self.aggregate_type);
        field(&mut hasher, &self.aggregate_id);
        hasher.update(self.sequence.to_be_bytes());
        field(&mut hasher, &self.event_type);
        field(&mut hasher, &self.event_version);
        field(&mut hasher, &self.payload);
        field(&mut hasher, &self.metadata);
        hasher.finalize().into()
    }
}

/// Events checked between two progress reports.
const PROGRESS_EVERY: u64 = 10_000;

/// Feeds one text field: its UTF-8 length as 4 bytes big-endian, then its bytes. (A field
/// cannot reach 4 GiB: PostgreSQL stores at most 1 GiB in a value.)
fn field(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u32).to_be_bytes());
    hasher.update(text.as_bytes());
}

/// How a link of a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The stored hash is not the hash of this event after the previous one: the event (or
    /// one before it, or its hash) was changed after it was written.
    HashMismatch,
    /// The chain skips from the previous event to this one: events `expected..sequence` are
    /// missing (deleted, or renumbered).
    Gap {
        /// The sequence that should have come next.
        expected: i64,
    },
}

/// The first broken link of one aggregate's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The aggregate's type.
    pub aggregate_type: String,
    /// The aggregate's id.
    pub aggregate_id: String,
    /// The sequence of the first event whose link does not hold.
    pub sequence: i64,
    /// That event's global position in the log.
    pub position: i64,
    /// What is wrong with it.
    pub kind: Break,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} at sequence {} (position {}): ",
            self.aggregate_type, self.aggregate_id, self.sequence, self.position
        )?;
        match self.kind {
            Break::HashMismatch => f.write_str(
                "the stored hash does not match the event and its predecessor (changed after it was written)",
            ),
            Break::Gap { expected } if expected + 1 == self.sequence => {
                write!(f, "event {expected} is missing")
            }
            Break::Gap { expected } => write!(
                f,
                "events {expected} to {} are missing",
                self.sequence - 1
            ),
        }
    }
}

/// A change to stored events that the log's triggers recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordedChange {
    /// When it was made.
    pub changed_at: DateTime<Utc>,
    /// The database user who made it.
    pub changed_by: String,
    /// `UPDATE`, `DELETE` or `TRUNCATE`.
    pub operation: String,
    /// The changed event's aggregate type (none for `TRUNCATE`).
    pub aggregate_type: Option<String>,
    /// Its aggregate id.
    pub aggregate_id: Option<String>,
    /// Its sequence before the change.
    pub sequence: Option<i64>,
    /// Its position.
    pub position: Option<i64>,
}

impl std::fmt::Display for RecordedChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} by {} at {}",
            self.operation,
            self.changed_by,
            self.changed_at.to_rfc3339()
        )?;
        if let (Some(kind), Some(id), Some(sequence), Some(position)) = (
            &self.aggregate_type,
            &self.aggregate_id,
            self.sequence,
            self.position,
        ) {
            write!(
                f,
                " of {kind} {id} sequence {sequence} (position {position})"
            )?;
        }
        Ok(())
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone)]
pub struct ChainReport {
    /// Events checked.
    pub events: u64,
    /// Chains (aggregates) checked.
    pub chains: u64,
    /// The first broken link of each broken chain, in the order of aggregate type and id.
    pub broken: Vec<BrokenLink>,
    /// Every recorded change to stored events, oldest first.
    pub changes: Vec<RecordedChange>,
    /// Time taken.
    pub elapsed: Duration,
}

impl ChainReport {
    /// Whether every chain holds and no stored event was ever changed.
    pub fn is_intact(&self) -> bool {
        self.broken.is_empty() && self.changes.is_empty()
    }
}

/// Checks every aggregate's chain, reporting `progress(events checked, events in the log)`
/// every few thousand events. Reads the whole log in one statement, so one consistent
/// snapshot, ordered by the primary key.
pub async fn verify(
    pool: &PgPool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ChainReport, StoreError> {
    let started = Instant::now();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    let mut rows = sqlx::query_as::<_, ChainedEvent>(
        "SELECT aggregate_type, aggregate_id, sequence, position, event_type, event_version,
                payload::text AS payload, metadata::text AS metadata, hash
         FROM events ORDER BY aggregate_type, aggregate_id, sequence",
    )
    .fetch(pool);
    let mut report = ChainReport {
        events: 0,
        chains: 0,
        broken: Vec::new(),
        changes: Vec::new(),
        elapsed: Duration::ZERO,
    };
    // The previous event of the current chain: its key, sequence and stored hash; and
    // whether the chain is already known broken (only its first broken link is named).
    let mut previous: Option<(String, String, i64, Vec<u8>)> = None;
    let mut chain_broken = false;
    let mut next_progress = PROGRESS_EVERY;
    while let Some(event) = rows.try_next().await? {
        let same_chain = previous.as_ref().is_some_and(|(kind, id, _, _)| {
            *kind == event.aggregate_type && *id == event.aggregate_id
        });
        if !same_chain {
            report.chains += 1;
            chain_broken = false;
        }
        let (expected, previous_hash) = match &previous {
            Some((_, _, sequence, hash)) if same_chain => (sequence + 1, hash.as_slice()),
            _ => (1, &[][..]),
        };
        if !chain_broken {
            let kind = if event.sequence != expected {
                Some(Break::Gap { expected })
            } else if event.expected_hash(previous_hash)[..] != event.hash[..] {
                Some(Break::HashMismatch)
            } else {
                None
            };
            if let Some(kind) = kind {
                chain_broken = true;
                report.broken.push(BrokenLink {
                    aggregate_type: event.aggregate_type.clone(),
                    aggregate_id: event.aggregate_id.clone(),
                    sequence: event.sequence,
                    position: event.position,
                    kind,
                });
            }
        }
        report.events += 1;
        if report.events >= next_progress {
            progress(report.events, total.max(report.events));
            next_progress += PROGRESS_EVERY;
        }
        previous = Some((
            event.aggregate_type,
            event.aggregate_id,
            event.sequence,
            event.hash,
        ));
    }
    progress(report.events, total.max(report.events));
    drop(rows);
    report.changes = sqlx::query_as(
        "SELECT changed_at, changed_by, operation, aggregate_type, aggregate_id, sequence, position
         FROM event_changes ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    report.elapsed = started.elapsed();
    Ok(report)
}
