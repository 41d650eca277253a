//! Auditing the read models against a rebuild (`bedrift audit projections`): no difference
//! after normal commands, the altered rows named by key after a read-model row is changed or
//! removed, and a fair comparison while the live projector lags, which leaves the live tables
//! as they were.

use std::sync::Arc;
use std::time::Duration;

use bedrift_domain::company::OrderingPolicy;
use bedrift_projections::compare::{compare, Comparison, TableComparison};
use bedrift_projections::ReadModel;
use bedrift_store::testing::TestDatabase;
use bedrift_store::{head_position, PgPool};

use crate::support::{project_all, Rng, World};

/// Two companies and 80 random commands.
async fn busy_world(pool: &PgPool) -> Arc<World> {
    let world = World::new(pool.clone(), "2026-11-20").await;
    world
        .register_company(0, OrderingPolicy::ApprovalRequired)
        .await;
    world
        .register_company(1, OrderingPolicy::AutomaticApproval)
        .await;
    let mut rng = Rng::new(7);
    for _ in 0..80 {
        world.random_command(&mut rng).await;
    }
    world
}

/// Waits until every event up to the head is below the safe horizon (other tests on the same
/// server may hold it back for a moment), so a rebuild sees all of them.
async fn wait_for_horizon(pool: &PgPool) {
    let head = head_position(pool).await.unwrap().unwrap_or_default();
    for _ in 0..2_000 {
        let passed: bool =
            sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > $1")
                .bind(head.tx_id)
                .fetch_one(pool)
                .await
                .unwrap();
        if passed {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the safe horizon did not pass the head in 10 s");
}

async fn compared(pool: &PgPool) -> Comparison {
    let mut folded = 0;
    let comparison = compare(pool, &ReadModel::ALL, &mut |p| folded = p.events)
        .await
        .expect("compares");
    assert_eq!(folded, comparison.events, "progress was reported");
    comparison
}

fn table<'a>(comparison: &'a Comparison, name: &str) -> &'a TableComparison {
    comparison
        .models
        .iter()
        .flat_map(|m| &m.tables)
        .find(|t| t.table == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn an_altered_or_removed_read_model_row_is_named_by_its_key() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    busy_world(pool).await;
    project_all(pool, 100).await;
    wait_for_horizon(pool).await;

    let clean = compared(pool).await;
    assert!(clean.is_equal(), "{:#?}", clean.models);
    assert_eq!(clean.models.len(), ReadModel::ALL.len());
    let tickets = table(&clean, "tickets");
    assert!(tickets.live_rows >= 20, "{tickets:?}");
    assert_eq!(tickets.live_rows, tickets.rebuilt_rows);

    let (changed,): (uuid::Uuid,) = sqlx::query_as(
        "UPDATE tickets SET first_name = 'Mallory' WHERE subscription_id =
             (SELECT subscription_id FROM tickets ORDER BY 1 LIMIT 1) RETURNING subscription_id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (removed,): (uuid::Uuid,) = sqlx::query_as(
        "DELETE FROM billing_subscriptions WHERE subscription_id =
             (SELECT subscription_id FROM billing_subscriptions ORDER BY 1 DESC LIMIT 1) RETURNING subscription_id",
    )
    .fetch_one(pool)
    .await
    .unwrap();

    let dirty = compared(pool).await;
    assert!(!dirty.is_equal());
    let tickets = table(&dirty, "tickets");
    assert_eq!(
        (tickets.differing_rows, tickets.differing_keys),
        (2, 1),
        "the live row and the rebuilt one"
    );
    assert_eq!(tickets.keys, [changed.to_string()]);
    assert_eq!(tickets.live_rows, tickets.rebuilt_rows);
    let billing = table(&dirty, "billing_subscriptions");
    assert_eq!(billing.live_rows + 1, billing.rebuilt_rows);
    assert_eq!(billing.keys, [removed.to_string()]);
    for model in &dirty.models {
        let expected = match model.model {
            ReadModel::Tickets => 2,
            ReadModel::Billing => 1,
            _ => 0,
        };
        assert_eq!(model.differing_rows(), expected, "{}", model.model);
    }
    let scratch_tables = count(
        pool,
        "SELECT count(*) FROM pg_tables WHERE tablename LIKE '%scratch%'",
    )
    .await;
    assert_eq!(scratch_tables, 0, "the scratch tables are dropped");
}

#[tokio::test]
async fn live_models_behind_the_log_are_compared_at_the_rebuilds_position_and_left_alone() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    let world = busy_world(pool).await;
    project_all(pool, 100).await;
    // More commands the live models have not seen.
    let mut rng = Rng::new(8);
    for _ in 0..40 {
        world.random_command(&mut rng).await;
    }
    wait_for_horizon(pool).await;
    let checkpoints = "SELECT count(*) FROM projection_checkpoints
                       WHERE (tx_id, position) >= (SELECT tx_id::text::bigint, position
                                                   FROM events ORDER BY position DESC LIMIT 1)";
    assert_eq!(count(pool, checkpoints).await, 0, "the live models lag");
    let tickets_before = count(pool, "SELECT count(*) FROM tickets").await;

    let comparison = compared(pool).await;
    assert!(comparison.is_equal(), "{:#?}", comparison.models);
    let tickets = table(&comparison, "tickets");
    assert!(tickets.live_rows > tickets_before, "{tickets:?}");

    assert_eq!(count(pool, checkpoints).await, 0, "checkpoints unchanged");
    assert_eq!(
        count(pool, "SELECT count(*) FROM tickets").await,
        tickets_before,
        "the live tables were only caught up inside the comparison"
    );
}
