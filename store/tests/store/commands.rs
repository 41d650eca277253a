//! The command executor: metadata, domain errors, upcasting, and races on one aggregate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_store::testing::TestDatabase;
use bedrift_store::{CommandExecutor, RetryPolicy, Start, StoreError};
use chrono::{SubsecRound, Utc};
use cqrs_es::persist::SemanticVersionEventUpcaster;
use cqrs_es::Aggregate;

use crate::counter::{sequences, Counter, CounterCommand, CounterError, Hooks};

fn metadata() -> Metadata {
    Metadata::new(Actor::System, Utc::now())
}

fn executor(db: &TestDatabase, hooks: Hooks) -> CommandExecutor<Counter> {
    CommandExecutor::new(db.pool().clone(), hooks, vec![])
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test]
async fn a_command_appends_its_events_with_the_metadata() {
    let db = TestDatabase::create().await;
    let counter = executor(&db, Hooks::default());
    let id = new_id();
    // The stored instant has microseconds, as PostgreSQL's timestamps do.
    let meta = Metadata::new(Actor::System, Utc::now().trunc_subsecs(6));

    counter
        .execute(&id, CounterCommand::IncrementTwice, &meta)
        .await
        .expect("executes");

    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2]);
    let stored: serde_json::Value =
        sqlx::query_scalar("SELECT metadata FROM events WHERE aggregate_id = $1 AND sequence = 1")
            .bind(&id)
            .fetch_one(db.pool())
            .await
            .expect("metadata");
    let map = serde_json::from_value(stored).expect("a string map");
    assert_eq!(Metadata::from_map(&map), Some(meta));
}

#[tokio::test]
async fn a_refusal_by_the_aggregate_is_a_domain_error_and_stores_nothing() {
    let db = TestDatabase::create().await;
    let counter = executor(&db, Hooks::default());
    let id = new_id();

    let error = counter
        .execute(&id, CounterCommand::Refuse, &metadata())
        .await
        .expect_err("refused");

    assert!(
        matches!(error, StoreError::Domain(CounterError)),
        "{error:?}"
    );
    assert!(sequences(db.pool(), &id).await.is_empty());
}

#[tokio::test]
async fn the_last_position_of_an_aggregate_is_its_newest_event() {
    let db = TestDatabase::create().await;
    let counter = executor(&db, Hooks::default());
    let (a, b) = (new_id(), new_id());
    assert_eq!(counter.last_position(&a).await.expect("query"), None);

    counter
        .execute(&a, CounterCommand::IncrementTwice, &metadata())
        .await
        .expect("a");
    counter
        .execute(&b, CounterCommand::Increment, &metadata())
        .await
        .expect("b");

    let last_a = counter
        .last_position(&a)
        .await
        .expect("query")
        .expect("a has events");
    let last_b = counter
        .last_position(&b)
        .await
        .expect("query")
        .expect("b has events");
    assert!(last_a < last_b);
    assert_eq!(
        bedrift_store::head_position(db.pool()).await.expect("head"),
        Some(last_b)
    );
}

#[tokio::test]
async fn old_event_versions_are_upcast_when_loaded() {
    let db = TestDatabase::create().await;
    let id = new_id();
    // Version 1 had no `by` field.
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ($1, $2, 1, 'Incremented', '1', $3, '{}')",
    )
    .bind(Counter::TYPE)
    .bind(&id)
    .bind(serde_json::json!({ "Incremented": { "count": 1 } }))
    .execute(db.pool())
    .await
    .expect("old event");
    let add_by = SemanticVersionEventUpcaster::new(
        "Incremented",
        "2",
        Box::new(|mut payload: serde_json::Value| {
            payload["Incremented"]["by"] = serde_json::json!(1);
            payload
        }),
    );
    let without = executor(&db, Hooks::default());
    let with = CommandExecutor::<Counter>::new(
        db.pool().clone(),
        Hooks::default(),
        vec![Box::new(add_by)],
    );

    let error = without
        .execute(&id, CounterCommand::Increment, &metadata())
        .await
        .expect_err("version 1 does not load as version 2");
    assert!(matches!(error, StoreError::EventStore(_)), "{error:?}");
    with.execute(&id, CounterCommand::Increment, &metadata())
        .await
        .expect("upcast and executed");
    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2]);
}

#[tokio::test]
async fn of_two_racing_commands_without_retry_exactly_one_succeeds() {
    let db = TestDatabase::create().await;
    // Both decide on the same (empty) state before either commits.
    let counter = Arc::new(executor(&db, Hooks::barrier(2, 2)).with_retry(RetryPolicy::never()));
    let id = new_id();

    let (meta_1, meta_2) = (metadata(), metadata());
    let (first, second) = tokio::join!(
        counter.execute(&id, CounterCommand::Increment, &meta_1),
        counter.execute(&id, CounterCommand::Increment, &meta_2),
    );

    let results = [first, second];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let loser = results.into_iter().find_map(Result::err).expect("one lost");
    assert!(
        matches!(
            loser,
            StoreError::Conflict {
                aggregate_type: "TestCounter",
                attempts: 1
            }
        ),
        "{loser:?}"
    );
    assert_eq!(sequences(db.pool(), &id).await, vec![1]);
}

#[tokio::test]
async fn a_command_that_lost_a_race_is_decided_again_on_the_new_state() {
    let db = TestDatabase::create().await;
    let hooks = Hooks::barrier(2, 2);
    let counter = Arc::new(executor(&db, hooks));
    let id = new_id();

    let (meta_1, meta_2) = (metadata(), metadata());
    let (first, second) = tokio::join!(
        counter.execute(&id, CounterCommand::Increment, &meta_1),
        counter.execute(&id, CounterCommand::Increment, &meta_2),
    );

    first.expect("first");
    second.expect("second");
    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2]);
}

#[tokio::test]
async fn a_new_id_that_exists_after_all_is_decided_on_its_stored_events() {
    let db = TestDatabase::create().await;
    let counter = executor(&db, Hooks::default());
    let id = new_id();
    counter
        .execute(&id, CounterCommand::IncrementTwice, &metadata())
        .await
        .expect("the first command");

    // Started as if the id were new: the append of sequence 1 clashes with the stored one,
    // and the retry folds the two stored events before deciding.
    let after = counter
        .execute_from(Start::New, &id, CounterCommand::Increment, &metadata())
        .await
        .expect("decided again on the stored state");

    assert_eq!(after.count, 3);
    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_new_id_starts_from_the_empty_state() {
    let db = TestDatabase::create().await;
    let counter = executor(&db, Hooks::default());
    let id = new_id();

    let after = counter
        .execute_from(Start::New, &id, CounterCommand::IncrementTwice, &metadata())
        .await
        .expect("executes");

    assert_eq!(after.count, 2);
    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2]);
}

#[tokio::test]
async fn a_command_that_keeps_losing_gives_up_with_a_conflict_after_its_retries() {
    let db = TestDatabase::create().await;
    let id = new_id();
    let decisions = Arc::new(AtomicUsize::new(0));
    let hooks = Hooks {
        rival: Some((db.pool().clone(), id.clone())),
        decisions: Arc::clone(&decisions),
        ..Hooks::default()
    };
    let counter = executor(&db, hooks);

    let error = counter
        .execute(&id, CounterCommand::Increment, &metadata())
        .await
        .expect_err("every attempt races the rival");

    assert!(
        matches!(error, StoreError::Conflict { attempts: 3, .. }),
        "{error:?}"
    );
    // Three rival events, one per attempt; none of ours, no gap, no duplicate.
    assert_eq!(sequences(db.pool(), &id).await, vec![1, 2, 3]);
    assert_eq!(decisions.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_commands_on_one_aggregate_leave_a_gapless_stream() {
    let db = TestDatabase::create().await;
    let counter = Arc::new(executor(&db, Hooks::default()).with_retry(RetryPolicy {
        max_attempts: 50,
        base_delay: std::time::Duration::from_millis(1),
    }));
    let id = new_id();

    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let counter = Arc::clone(&counter);
            let id = id.clone();
            tokio::spawn(async move {
                counter
                    .execute(&id, CounterCommand::Increment, &metadata())
                    .await
            })
        })
        .collect();
    let outcomes = futures::future::join_all(tasks).await;

    let succeeded = outcomes
        .into_iter()
        .map(|joined| joined.expect("task"))
        .filter(Result::is_ok)
        .count() as i64;
    assert_eq!(succeeded, 8);
    assert_eq!(
        sequences(db.pool(), &id).await,
        (1..=succeeded).collect::<Vec<_>>()
    );
}
