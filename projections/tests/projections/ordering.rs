//! Events whose transactions commit out of position order are still applied, each once.

use bedrift_domain::company::OrderingPolicy;
use bedrift_projections::{apply_next_batch, ReadModel};
use bedrift_store::testing::TestDatabase;
use cqrs_es::DomainEvent;

use crate::support::{next_batch, project_all, World};

/// Inserts a `SubscriptionOrdered` event for a new subscription of `phone` (each order its
/// own phone, as R5 allows one live subscription per phone) inside `tx`, returning its
/// position and the subscription id.
async fn insert_order(
    tx: &mut sqlx::PgConnection,
    template: &serde_json::Value,
    phone: &str,
) -> (i64, uuid::Uuid) {
    let id = uuid::Uuid::new_v4();
    let mut template = template.clone();
    template["SubscriptionOrdered"]["phone"] = serde_json::Value::from(phone);
    // Written in clear, as an older writer would: a sealed box names the template's subject,
    // and R5's claim would take the copy for the same person.
    if let Some(body) = template["SubscriptionOrdered"].as_object_mut() {
        body.remove(bedrift_store::sealing::SEALED);
    }
    let template = &template;
    let event: bedrift_domain::subscription::SubscriptionEvent =
        serde_json::from_value(template.clone()).unwrap();
    let (position,): (i64,) = sqlx::query_as(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Subscription', $1, 1, $2, $3, $4, '{}') RETURNING position",
    )
    .bind(id.to_string())
    .bind(event.event_type())
    .bind(event.event_version())
    .bind(template)
    .fetch_one(tx)
    .await
    .unwrap();
    (position, id)
}

#[tokio::test]
async fn an_event_that_commits_after_a_later_position_is_applied_exactly_once() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), "2026-11-20").await;
    let company = world
        .register_company(0, OrderingPolicy::ApprovalRequired)
        .await;
    world
        .order(company, 1, 0, OrderingPolicy::ApprovalRequired)
        .await
        .unwrap();
    let template: serde_json::Value =
        sqlx::query_scalar("SELECT payload FROM events WHERE event_type = 'SubscriptionOrdered'")
            .fetch_one(&pool)
            .await
            .unwrap();
    project_all(&pool, 100).await;

    // The earlier position stays uncommitted while the later one commits.
    let mut early = bedrift_store::begin(&pool).await.unwrap();
    let (early_position, early_id) = insert_order(&mut early, &template, "+4790000101").await;
    let mut late = bedrift_store::begin(&pool).await.unwrap();
    let (late_position, late_id) = insert_order(&mut late, &template, "+4790000102").await;
    assert!(early_position < late_position);
    late.commit().await.unwrap();

    let (applied, _) = apply_next_batch(&pool, &ReadModel::ALL, 100).await.unwrap();
    assert_eq!(
        applied, 0,
        "nothing may be read past a transaction that is still running"
    );
    let checkpoint = bedrift_projections::projected_position(&pool)
        .await
        .unwrap();
    assert!(checkpoint.position < early_position);

    early.commit().await.unwrap();
    // Other tests' transactions on a shared server may hold the horizon back for a moment.
    let (mut applied, mut last) = next_batch(&pool, 100).await.unwrap();
    while applied < 2 {
        let (more, at) = next_batch(&pool, 100).await.unwrap();
        applied += more;
        last = at;
    }
    assert_eq!((applied, last.position), (2, late_position));
    let (applied, _) = apply_next_batch(&pool, &ReadModel::ALL, 100).await.unwrap();
    assert_eq!(applied, 0, "nothing is applied twice");

    let queued: Vec<(uuid::Uuid, i64)> =
        sqlx::query_as("SELECT subscription_id, position FROM approval_queue WHERE subscription_id = ANY($1) ORDER BY position")
            .bind(vec![early_id, late_id])
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        queued,
        vec![(early_id, early_position), (late_id, late_position)]
    );
    let versions: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM tickets WHERE subscription_id = ANY($1)")
            .bind(vec![early_id, late_id])
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(versions, vec![(1,), (1,)]);
}

#[tokio::test]
async fn a_transaction_running_in_another_database_does_not_hold_this_log_back() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), "2026-11-20").await;
    let company = world
        .register_company(0, OrderingPolicy::ApprovalRequired)
        .await;
    project_all(&pool, 100).await;

    // Another database on the same server: a transaction there takes an id and stays open.
    let neighbour = TestDatabase::create().await;
    let mut elsewhere = bedrift_store::begin(neighbour.pool()).await.unwrap();
    let _: (String,) = sqlx::query_as("SELECT pg_current_xact_id()::text")
        .fetch_one(&mut *elsewhere)
        .await
        .unwrap();
    let (held_by_server,): (bool,) =
        sqlx::query_as("SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::text::xid8")
            .bind(
                sqlx::query_scalar::<_, String>("SELECT pg_current_xact_id()::text")
                    .fetch_one(&pool)
                    .await
                    .unwrap(),
            )
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        held_by_server,
        "the server-wide horizon waits for the neighbour"
    );

    world
        .order(company, 1, 0, OrderingPolicy::ApprovalRequired)
        .await
        .unwrap();
    // This log's own horizon does not wait for it: the order is read and applied now (a
    // moment's wait only for this database's own transactions that are just ending).
    let mut applied = 0;
    for _ in 0..600 {
        applied += apply_next_batch(&pool, &ReadModel::ALL, 100)
            .await
            .unwrap()
            .0;
        if applied > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        applied, 1,
        "the order is applied while the neighbour's transaction runs"
    );
    elsewhere.rollback().await.unwrap();
}
