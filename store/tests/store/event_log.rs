//! The `events` table as the migrations make it: the columns the projector relies on, the
//! order of positions, the writing transaction's id, and the notification on insert.

use std::time::Duration;

use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_store::testing::TestDatabase;
use bedrift_store::CommandExecutor;
use chrono::Utc;
use sqlx::postgres::PgListener;
use sqlx::Connection;

use crate::counter::{Counter, CounterCommand, Hooks};

async fn increment(counter: &CommandExecutor<Counter>, id: &str, command: CounterCommand) {
    counter
        .execute(id, command, &Metadata::new(Actor::System, Utc::now()))
        .await
        .expect("executes");
}

#[tokio::test]
async fn the_migrations_create_the_event_log_columns() {
    let db = TestDatabase::create().await;

    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position",
    )
    .fetch_all(db.pool())
    .await
    .expect("columns");

    let expected = [
        ("aggregate_type", "text"),
        ("aggregate_id", "text"),
        ("sequence", "bigint"),
        ("event_type", "text"),
        ("event_version", "text"),
        ("payload", "jsonb"),
        ("metadata", "jsonb"),
        ("position", "bigint"),
        ("tx_id", "xid8"),
        ("recorded_at", "timestamp with time zone"),
        ("hash", "bytea"),
    ];
    let found: Vec<(&str, &str)> = columns
        .iter()
        .map(|(n, t, _)| (n.as_str(), t.as_str()))
        .collect();
    assert_eq!(found, expected);
    assert!(columns.iter().all(|(_, _, nullable)| nullable == "NO"));
    let identity: String = sqlx::query_scalar(
        "SELECT is_identity::text FROM information_schema.columns \
         WHERE table_name = 'events' AND column_name = 'position'",
    )
    .fetch_one(db.pool())
    .await
    .expect("identity");
    assert_eq!(identity, "YES");
}

#[tokio::test]
async fn positions_follow_the_order_of_inserts_across_aggregates() {
    let db = TestDatabase::create().await;
    let counter = CommandExecutor::<Counter>::new(db.pool().clone(), Hooks::default(), vec![]);
    let (a, b) = ("a".to_owned(), "b".to_owned());

    increment(&counter, &a, CounterCommand::Increment).await;
    increment(&counter, &b, CounterCommand::IncrementTwice).await;
    increment(&counter, &a, CounterCommand::Increment).await;

    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT aggregate_id, sequence, position FROM events ORDER BY position")
            .fetch_all(db.pool())
            .await
            .expect("rows");
    let order: Vec<(&str, i64)> = rows
        .iter()
        .map(|(id, seq, _)| (id.as_str(), *seq))
        .collect();
    assert_eq!(order, [("a", 1), ("b", 1), ("b", 2), ("a", 2)]);
    assert!(rows.windows(2).all(|pair| pair[0].2 < pair[1].2));
}

#[tokio::test]
async fn each_event_records_its_transaction_and_time() {
    let db = TestDatabase::create().await;
    let counter = CommandExecutor::<Counter>::new(db.pool().clone(), Hooks::default(), vec![]);
    let before = Utc::now();

    increment(&counter, "one", CounterCommand::IncrementTwice).await;
    increment(&counter, "two", CounterCommand::Increment).await;

    let rows: Vec<(String, String, chrono::DateTime<Utc>)> = sqlx::query_as(
        "SELECT aggregate_id, tx_id::text, recorded_at FROM events ORDER BY position",
    )
    .fetch_all(db.pool())
    .await
    .expect("rows");
    assert_eq!(rows.len(), 3);
    // One command, one transaction; another command, another one.
    assert_eq!(rows[0].1, rows[1].1);
    assert_ne!(rows[1].1, rows[2].1);
    assert!(rows
        .iter()
        .all(|row| row.2 >= before - chrono::Duration::seconds(5)));
    // Once every older transaction of the server (other tests' too) has ended, the events are
    // below the horizon that the projector reads up to.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let visible: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())",
        )
        .fetch_one(db.pool())
        .await
        .expect("horizon");
        if visible == 3 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "events stay above the horizon"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_insert_notifies_the_events_channel_on_commit() {
    let db = TestDatabase::create().await;
    let counter = CommandExecutor::<Counter>::new(db.pool().clone(), Hooks::default(), vec![]);
    let mut listener = PgListener::connect_with(db.pool()).await.expect("listener");
    listener.listen("events").await.expect("listen");

    increment(&counter, "notified", CounterCommand::IncrementTwice).await;

    let notification = tokio::time::timeout(Duration::from_secs(10), listener.recv())
        .await
        .expect("a notification within 10 s")
        .expect("received");
    assert_eq!(notification.channel(), "events");
    assert_eq!(notification.payload(), "");
}

#[tokio::test]
async fn a_rolled_back_insert_notifies_nobody() {
    let db = TestDatabase::create().await;
    let mut listener = PgListener::connect_with(db.pool()).await.expect("listener");
    listener.listen("events").await.expect("listen");

    let mut tx = bedrift_store::begin(db.pool()).await.expect("begin");
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) VALUES ('X', 'x', 1, 'E', '1', '{}', '{}')",
    )
    .execute(&mut *tx)
    .await
    .expect("insert");
    tx.rollback().await.expect("rollback");

    let waited = tokio::time::timeout(Duration::from_millis(300), listener.recv()).await;
    assert!(waited.is_err(), "unexpected notification: {waited:?}");
}

#[tokio::test]
async fn a_write_after_cancelled_begins_is_committed() {
    let db = TestDatabase::create().await;
    // One connection, so every begin and the write after them share it.
    let pool = bedrift_store::pool_options(1)
        .connect_with(db.connect_options())
        .await
        .expect("pool");
    sqlx::query("CREATE TABLE written (n int)")
        .execute(&pool)
        .await
        .expect("table");
    let mut cancelled = 0;
    for n in 0..20 {
        // The connection goes back to the pool in a task of its own: wait for it, so that
        // the begin below finds it at once.
        tokio::time::timeout(Duration::from_secs(30), async {
            while pool.num_idle() == 0 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the connection came back to the pool");
        // Polled once, a begin mostly has its `BEGIN` on the wire and waits for the answer; its
        // caller then gives up, as a request does when its client hangs up. (With sqlx's own
        // `pool.begin()` this wedges the connection or loses the writes.)
        let mut begin = Box::pin(bedrift_store::begin(&pool));
        let polled = futures::poll!(begin.as_mut());
        drop(begin);
        if polled.is_pending() {
            cancelled += 1;
        }

        sqlx::query("INSERT INTO written VALUES ($1)")
            .bind(n)
            .execute(&pool)
            .await
            .expect("insert");
    }
    // Seen from a connection of its own: nothing went into a transaction left open.
    let mut elsewhere = sqlx::PgConnection::connect_with(&db.connect_options())
        .await
        .expect("connection");
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM written")
        .fetch_one(&mut elsewhere)
        .await
        .expect("count");
    assert_eq!(written, 20);
    assert!(cancelled > 0, "no begin was cancelled while it waited");
}
