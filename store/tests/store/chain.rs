//! The audit hash chain: the database chains every inserted event, whoever writes it, and
//! `chain::verify` recomputes every chain and names the first broken link of each after the
//! log is tampered with (a changed payload, a deleted event, reordered events, a rewritten
//! hash), and reports the changes the log's triggers recorded.

use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_store::chain::{verify, Break, ChainReport};
use bedrift_store::testing::TestDatabase;
use bedrift_store::CommandExecutor;
use chrono::Utc;
use sqlx::PgPool;

use crate::counter::{Counter, CounterCommand, Hooks};

/// Three counters written through the command executor: `a` with 4 events (two commands of
/// two events each), `b` with 3, `c` with 1. Returns their ids.
async fn three_counters(db: &TestDatabase) -> [String; 3] {
    let counter = CommandExecutor::<Counter>::new(db.pool().clone(), Hooks::default(), vec![]);
    let ids = [(); 3].map(|_| uuid::Uuid::new_v4().to_string());
    let metadata = Metadata::new(Actor::System, Utc::now());
    let [a, b, c] = &ids;
    for (id, command) in [
        (a, CounterCommand::IncrementTwice),
        (a, CounterCommand::IncrementTwice),
        (b, CounterCommand::Increment),
        (b, CounterCommand::IncrementTwice),
        (c, CounterCommand::Increment),
    ] {
        counter
            .execute(id, command, &metadata)
            .await
            .expect("executes");
    }
    ids
}

async fn verified(pool: &PgPool) -> ChainReport {
    let mut last = (0, 0);
    let report = verify(pool, &mut |done, total| last = (done, total))
        .await
        .expect("verifies");
    assert_eq!(
        last,
        (report.events, report.events),
        "progress reached the end"
    );
    report
}

async fn execute(pool: &PgPool, sql: &str, id: &str) {
    sqlx::query(sql)
        .bind(id)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The one broken link of the report, which must name `id`.
fn only_break(report: &ChainReport, id: &str) -> (i64, i64, Break) {
    assert_eq!(report.broken.len(), 1, "{:?}", report.broken);
    let link = &report.broken[0];
    assert_eq!(
        (link.aggregate_type.as_str(), link.aggregate_id.as_str()),
        ("TestCounter", id)
    );
    (link.sequence, link.position, link.kind.clone())
}

async fn position(pool: &PgPool, id: &str, sequence: i64) -> i64 {
    sqlx::query_scalar("SELECT position FROM events WHERE aggregate_id = $1 AND sequence = $2")
        .bind(id)
        .bind(sequence)
        .fetch_one(pool)
        .await
        .expect("a position")
}

#[tokio::test]
async fn a_clean_log_verifies_and_the_database_and_the_verifier_agree_on_every_hash() {
    let db = TestDatabase::create().await;
    three_counters(&db).await;
    // A multi-row insert, as the bench generator writes, with text the encoding must not
    // confuse: unicode, quotes, a NUL-free control character, keys out of order.
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'Mixed', 'ø-1', s, 'Noted', '1', jsonb_build_object('z', s, 'a', 'Bjørn \"😀\" ' || chr(7)), '{}'
         FROM generate_series(1, 5) AS s ORDER BY s",
    )
    .execute(db.pool())
    .await
    .expect("inserted");

    let report = verified(db.pool()).await;
    assert!(report.is_intact(), "{:?}", report.broken);
    assert_eq!((report.events, report.chains), (13, 4));

    // The backfill's window aggregate computes what the insert trigger stored.
    let differing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT hash, event_chain(aggregate_type, aggregate_id, sequence,
                    event_type, event_version, payload, metadata)
                OVER (PARTITION BY aggregate_type, aggregate_id ORDER BY sequence) AS chained
             FROM events) AS e WHERE hash <> chained",
    )
    .fetch_one(db.pool())
    .await
    .expect("compared");
    assert_eq!(differing, 0);
}

#[tokio::test]
async fn a_writer_cannot_supply_its_own_hash_or_skip_a_sequence() {
    let db = TestDatabase::create().await;
    let [a, ..] = three_counters(&db).await;
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash)
         VALUES ('TestCounter', $1, 5, 'Incremented', '2', '{}', '{}', '\\x00')",
    )
    .bind(&a)
    .execute(db.pool())
    .await
    .expect("inserted");
    assert!(
        verified(db.pool()).await.is_intact(),
        "the hash was replaced"
    );

    let skipped = sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('TestCounter', $1, 7, 'Incremented', '2', '{}', '{}')",
    )
    .bind(&a)
    .execute(db.pool())
    .await
    .expect_err("a gap is refused");
    let code = skipped
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("23503"), "{skipped}");
}

#[tokio::test]
async fn a_changed_payload_is_named_at_its_own_link_even_with_the_change_log_switched_off() {
    let db = TestDatabase::create().await;
    let [_, b, _] = three_counters(&db).await;
    let pool = db.pool();
    // The owner can stop the change log; the chain still shows the change.
    sqlx::query("ALTER TABLE events DISABLE TRIGGER events_record_change")
        .execute(pool)
        .await
        .expect("the owner may");
    sqlx::query(
        "UPDATE events SET payload = jsonb_set(payload, '{Incremented,by}', '100')
         WHERE aggregate_id = $1 AND sequence = 2",
    )
    .bind(&b)
    .execute(pool)
    .await
    .expect("tampered");

    let report = verified(pool).await;
    assert_eq!(
        only_break(&report, &b),
        (2, position(pool, &b, 2).await, Break::HashMismatch)
    );
    assert!(report.changes.is_empty(), "the change log was off");
    assert!(!report.is_intact());
    assert!(report.broken[0].to_string().contains("at sequence 2"));
}

#[tokio::test]
async fn a_deleted_event_is_named_as_missing_and_the_deletion_is_recorded() {
    let db = TestDatabase::create().await;
    let [a, ..] = three_counters(&db).await;
    let pool = db.pool();
    execute(
        pool,
        "DELETE FROM events WHERE aggregate_id = $1 AND sequence = 2",
        &a,
    )
    .await;

    let report = verified(pool).await;
    assert_eq!(
        only_break(&report, &a),
        (3, position(pool, &a, 3).await, Break::Gap { expected: 2 })
    );
    assert!(report.broken[0].to_string().contains("event 2 is missing"));
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].operation, "DELETE");
    assert_eq!(report.changes[0].aggregate_id.as_deref(), Some(a.as_str()));
    assert_eq!(report.changes[0].sequence, Some(2));
}

#[tokio::test]
async fn a_deleted_last_event_leaves_the_chain_whole_but_is_reported() {
    let db = TestDatabase::create().await;
    let [a, ..] = three_counters(&db).await;
    execute(
        db.pool(),
        "DELETE FROM events WHERE aggregate_id = $1 AND sequence = 4",
        &a,
    )
    .await;

    let report = verified(db.pool()).await;
    assert!(report.broken.is_empty());
    assert_eq!(report.changes.len(), 1);
    assert!(!report.is_intact());
}

#[tokio::test]
async fn reordered_events_break_the_first_moved_link() {
    let db = TestDatabase::create().await;
    let [a, ..] = three_counters(&db).await;
    let pool = db.pool();
    // Swap events 2 and 3 of `a`, hashes and all (through a free number: the key is checked
    // row by row).
    for (from, to) in [(2, 1000), (3, 2), (1000, 3)] {
        sqlx::query("UPDATE events SET sequence = $3 WHERE aggregate_id = $1 AND sequence = $2")
            .bind(&a)
            .bind(from)
            .bind(to)
            .execute(pool)
            .await
            .expect("moved");
    }

    let report = verified(pool).await;
    assert_eq!(
        only_break(&report, &a),
        (2, position(pool, &a, 2).await, Break::HashMismatch)
    );
    assert_eq!(report.changes.len(), 3, "every update is recorded");
}

#[tokio::test]
async fn a_change_whose_hash_was_recomputed_breaks_the_next_link() {
    let db = TestDatabase::create().await;
    let [a, ..] = three_counters(&db).await;
    let pool = db.pool();
    execute(
        pool,
        "UPDATE events AS e SET payload = '{\"Incremented\": {\"by\": 1, \"count\": 99}}',
             hash = event_chain_hash(p.hash, e.aggregate_type, e.aggregate_id, e.sequence,
                 e.event_type, e.event_version, '{\"Incremented\": {\"by\": 1, \"count\": 99}}', e.metadata)
         FROM events AS p
         WHERE e.aggregate_id = $1 AND e.sequence = 2
           AND p.aggregate_type = e.aggregate_type AND p.aggregate_id = e.aggregate_id AND p.sequence = 1",
        &a,
    )
    .await;

    let report = verified(pool).await;
    assert_eq!(
        only_break(&report, &a),
        (3, position(pool, &a, 3).await, Break::HashMismatch)
    );
}
