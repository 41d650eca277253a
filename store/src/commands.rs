//! Runs commands against aggregates stored in the event log: cqrs-es loads the aggregate from
//! its events (upcast where old), the aggregate decides, postgres-es appends the new events in
//! one transaction, in which the `events_claim` trigger also keeps the set-based rules (R5,
//! R17; see `crate::claims`). A command that loses a race on its aggregate is tried again, a
//! bounded number of times, on the fresh state. The caller gets the aggregate as the command
//! left it, so a response can show the change without waiting for any read model.
//!
//! cqrs-es's `EventStore` is used directly rather than through `CqrsFramework`, whose
//! `execute` returns nothing and would dispatch to queries this service does not use.

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{EventStoreAggregateContext, EventUpcaster, PersistedEventStore};
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventStore as _};
use sqlx::PgPool;

use bedrift_domain::metadata::Metadata;

use crate::claims::{Claim, ClaimRefusal};
use crate::repository::SealedEventRepository;
use crate::{RetryPolicy, StoreError};

/// What a command is decided on at first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The aggregate's stored events, folded.
    Stored,
    /// The default state, without reading: the id was just made (a random UUID), so it has
    /// no events. Should it have some after all, the append conflicts on the first event's
    /// primary key and the command is decided again on the stored state, as after any
    /// conflict. Saves a round trip on every order and registration.
    New,
}

/// The event store of aggregate `A`: events only, no snapshots, personal data sealed (see
/// `crate::repository`).
pub type EventStore<A> = PersistedEventStore<SealedEventRepository, A>;

/// Executes the commands of one aggregate type. Share it (in an `Arc`) across requests.
pub struct CommandExecutor<A>
where
    A: Aggregate,
{
    store: EventStore<A>,
    services: A::Services,
    pool: PgPool,
    retry: RetryPolicy,
}

impl<A> std::fmt::Debug for CommandExecutor<A>
where
    A: Aggregate,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandExecutor")
            .field("aggregate_type", &A::TYPE)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<A> CommandExecutor<A>
where
    A: Aggregate + ClaimRefusal + Clone,
    A::Command: Clone,
{
    /// An executor over the `events` table of `pool`, handing `services` to the aggregate and
    /// loading old events through `upcasters` (in the order given), with the default retry.
    /// Domain aggregates pass `bedrift_domain::upcasting::upcasters()`.
    pub fn new(
        pool: PgPool,
        services: A::Services,
        upcasters: Vec<Box<dyn EventUpcaster>>,
    ) -> Self {
        let store = PersistedEventStore::new_event_store(SealedEventRepository::new(pool.clone()))
            .with_upcasters(upcasters);
        Self {
            store,
            services,
            pool,
            retry: RetryPolicy::default(),
        }
    }

    /// The same executor with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Runs `command` on aggregate `aggregate_id`, storing `metadata` with each new event, and
    /// returns the aggregate as the command left it (unchanged when it decided nothing).
    ///
    /// On a conflict (another command appended to the aggregate since it was loaded) the
    /// command is decided again on the new state, up to the retry policy's limit; then
    /// [`StoreError::Conflict`]. A refusal by the aggregate, or by a claim the events would
    /// break (R5, R17), is [`StoreError::Domain`].
    pub async fn execute(
        &self,
        aggregate_id: &str,
        command: A::Command,
        metadata: &Metadata,
    ) -> Result<A, StoreError<A::Error>> {
        self.execute_from(Start::Stored, aggregate_id, command, metadata)
            .await
    }

    /// Like [`CommandExecutor::execute`], deciding the first attempt on `start` (retries
    /// after a conflict always read the stored events).
    #[tracing::instrument(
        name = "command",
        skip_all,
        fields(aggregate = A::TYPE, id = aggregate_id, correlation_id = %metadata.correlation_id)
    )]
    pub async fn execute_from(
        &self,
        start: Start,
        aggregate_id: &str,
        command: A::Command,
        metadata: &Metadata,
    ) -> Result<A, StoreError<A::Error>> {
        let map = metadata.to_map();
        let mut attempt = 1;
        let mut start = start;
        loop {
            let outcome = self
                .try_once(aggregate_id, command.clone(), &map, start)
                .await;
            start = Start::Stored;
            match outcome {
                Ok(aggregate) => return Ok(aggregate),
                Err(AggregateError::AggregateConflict) => match self.retry.delay_after(attempt) {
                    Some(delay) => {
                        tracing::debug!(attempt, ?delay, "conflict on the aggregate, retrying");
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                    None => {
                        tracing::info!(attempts = attempt, "conflict on the aggregate, giving up");
                        return Err(StoreError::Conflict {
                            aggregate_type: A::TYPE,
                            attempts: attempt,
                        });
                    }
                },
                Err(AggregateError::UserError(e)) => return Err(StoreError::Domain(e)),
                Err(AggregateError::UnexpectedError(e))
                    if Claim::refused_by(e.as_ref()).and_then(A::refusal).is_some() =>
                {
                    let claim = Claim::refused_by(e.as_ref()).and_then(A::refusal);
                    return Err(StoreError::Domain(claim.expect("checked above")));
                }
                Err(
                    AggregateError::DatabaseConnectionError(e)
                    | AggregateError::DeserializationError(e)
                    | AggregateError::UnexpectedError(e),
                ) => {
                    tracing::error!(error = %e, source = ?e, "the event store failed");
                    return Err(StoreError::EventStore(e));
                }
            }
        }
    }

    /// One attempt: load, decide, append. What cqrs-es's `CqrsFramework::execute_with_metadata`
    /// does, keeping the aggregate after the command.
    async fn try_once(
        &self,
        aggregate_id: &str,
        command: A::Command,
        metadata: &std::collections::HashMap<String, String>,
        start: Start,
    ) -> Result<A, AggregateError<A::Error>> {
        let mut context = match start {
            Start::Stored => self.store.load_aggregate(aggregate_id).await?,
            Start::New => EventStoreAggregateContext {
                aggregate_id: aggregate_id.to_owned(),
                aggregate: A::default(),
                current_sequence: 0,
                current_snapshot: None,
            },
        };
        let aggregate = context.aggregate();
        let sink: EventSink<A> = EventSink::default();
        aggregate
            .handle(command, &self.services, &sink)
            .await
            .map_err(AggregateError::UserError)?;
        let after = aggregate.clone();
        let events = sink.collect().await;
        self.store.commit(events, context, metadata.clone()).await?;
        Ok(after)
    }

    /// Aggregate `aggregate_id` as its stored events fold it (the default state when it has
    /// none).
    pub async fn load(&self, aggregate_id: &str) -> Result<A, StoreError<A::Error>> {
        let mut context = self
            .store
            .load_aggregate(aggregate_id)
            .await
            .map_err(loading_failed::<A>)?;
        Ok(context.aggregate().clone())
    }

    /// The stored events of `aggregate_id`, in order, opened (personal values as they were
    /// entered while the key exists) and upcast.
    pub async fn events(&self, aggregate_id: &str) -> Result<Vec<A::Event>, StoreError<A::Error>> {
        let envelopes = self
            .store
            .load_events(aggregate_id)
            .await
            .map_err(loading_failed::<A>)?;
        Ok(envelopes.into_iter().map(|e| e.payload).collect())
    }

    /// The highest log position of the aggregate's events (for read-your-writes).
    pub async fn last_position(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<crate::LogPosition>, StoreError> {
        crate::positions::last_position(&self.pool, A::TYPE, aggregate_id).await
    }

    /// The pool the executor writes to.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A failure to read aggregate `A`'s events, as the store reports it.
fn loading_failed<A: Aggregate>(error: AggregateError<A::Error>) -> StoreError<A::Error> {
    match error {
        AggregateError::UserError(e) => StoreError::Domain(e),
        AggregateError::AggregateConflict => StoreError::Conflict {
            aggregate_type: A::TYPE,
            attempts: 1,
        },
        AggregateError::DatabaseConnectionError(e)
        | AggregateError::DeserializationError(e)
        | AggregateError::UnexpectedError(e) => StoreError::EventStore(e),
    }
}
