//! A small aggregate for the store's tests, with hooks (through its services) that make races
//! deterministic: a barrier that holds the first deciders until all have loaded the same
//! version, and a rival writer that appends to the stream while a command is being decided.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bedrift_store::claims::{Claim, ClaimRefusal};
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::sync::Barrier;

/// Counts increments.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counter {
    pub count: u64,
}

/// The counter takes no claims: no set-based rule spans counters.
impl ClaimRefusal for Counter {
    fn refusal(_: Claim) -> Option<CounterError> {
        None
    }
}

#[derive(Debug, Clone)]
pub enum CounterCommand {
    Increment,
    IncrementTwice,
    Refuse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CounterEvent {
    Incremented { count: u64, by: u64 },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> String {
        "Incremented".to_owned()
    }

    fn event_version(&self) -> String {
        "2".to_owned()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the counter refuses")]
pub struct CounterError;

/// Test hooks handed to the aggregate.
#[derive(Debug, Default)]
pub struct Hooks {
    /// The first `barrier_uses` decisions wait here.
    pub barrier: Option<Arc<Barrier>>,
    pub barrier_uses: AtomicUsize,
    /// When set, every decision first appends a rival event through this pool.
    pub rival: Option<(PgPool, String)>,
    /// How many times `handle` ran (shared, so the test can read it).
    pub decisions: Arc<AtomicUsize>,
}

impl Hooks {
    pub fn barrier(parties: usize, uses: usize) -> Self {
        Self {
            barrier: Some(Arc::new(Barrier::new(parties))),
            barrier_uses: AtomicUsize::new(uses),
            ..Self::default()
        }
    }
}

impl Aggregate for Counter {
    const TYPE: &'static str = "TestCounter";
    type Command = CounterCommand;
    type Event = CounterEvent;
    type Error = CounterError;
    type Services = Hooks;

    async fn handle(
        &mut self,
        command: Self::Command,
        hooks: &Self::Services,
        sink: &cqrs_es::event_sink::EventSink<Self>,
    ) -> Result<(), Self::Error> {
        hooks.decisions.fetch_add(1, Ordering::SeqCst);
        if let Some(barrier) = &hooks.barrier {
            let take = hooks
                .barrier_uses
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            if take.is_ok() {
                barrier.wait().await;
            }
        }
        if let Some((pool, id)) = &hooks.rival {
            append_rival_event(pool, id, self.count + 1).await;
        }
        let times = match command {
            CounterCommand::Refuse => return Err(CounterError),
            CounterCommand::Increment => 1,
            CounterCommand::IncrementTwice => 2,
        };
        for _ in 0..times {
            let event = CounterEvent::Incremented {
                count: self.count + 1,
                by: 1,
            };
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CounterEvent::Incremented { count, .. } => self.count = count,
        }
    }
}

/// Appends an event as another writer would, at `sequence`.
pub async fn append_rival_event(pool: &PgPool, id: &str, sequence: u64) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ($1, $2, $3, 'Incremented', '2', $4, '{}')",
    )
    .bind(Counter::TYPE)
    .bind(id)
    .bind(sequence as i64)
    .bind(serde_json::json!({ "Incremented": { "count": sequence, "by": 1 } }))
    .execute(pool)
    .await
    .expect("the rival writes");
}

/// The sequences stored for one counter, in order.
pub async fn sequences(pool: &PgPool, id: &str) -> Vec<i64> {
    sequences_of::<Counter>(pool, id).await
}

/// The sequences stored for one aggregate of type `A`, in order.
pub async fn sequences_of<A: Aggregate>(pool: &PgPool, id: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT sequence FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
         ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(id)
    .fetch_all(pool)
    .await
    .expect("sequences")
}
