//! After random command sequences from many concurrent writers, with the projector running
//! live, every read model equals a rebuild from scratch, row for row, and agrees with the
//! domain's own fold of each subscription.

use std::collections::HashMap;
use std::sync::Arc;

use bedrift_domain::company::OrderingPolicy;
use bedrift_domain::subscription::{OrderStatus, Subscription, SubscriptionEvent};
use bedrift_projections::{Projector, ProjectorSettings};
use bedrift_store::testing::TestDatabase;
use cqrs_es::Aggregate;
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::support::{
    date, differences_from_rebuild, no_differences, wait_until_projected, Rng, World,
};

const WRITERS: u64 = 8;
const COMMANDS_PER_WRITER_AND_DAY: usize = 15;
const DAYS: [&str; 6] = [
    "2026-11-10",
    "2026-11-25",
    "2026-12-03",
    "2026-12-20",
    "2027-01-05",
    "2027-02-10",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_models_equal_a_rebuild_after_random_concurrent_commands() {
    let db = TestDatabase::create().await;
    let pool = db.pool().clone();
    let world = World::new(pool.clone(), DAYS[0]).await;
    for n in 0..4 {
        let policy = if n == 3 {
            OrderingPolicy::AutomaticApproval
        } else {
            OrderingPolicy::ApprovalRequired
        };
        world.register_company(n, policy).await;
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let projector = Projector::new(
        pool.clone(),
        ProjectorSettings {
            batch_size: 50,
            ..ProjectorSettings::default()
        },
    );
    let projector = tokio::spawn(projector.run(async {
        let _ = stopped.await;
    }));

    for (day_index, day) in DAYS.iter().enumerate() {
        world.set_day(date(day));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let world = Arc::clone(&world);
                tokio::spawn(async move {
                    let mut rng = Rng::new(day_index as u64 * 1_000 + writer);
                    for _ in 0..COMMANDS_PER_WRITER_AND_DAY {
                        world.random_command(&mut rng).await;
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
    }
    let head = bedrift_store::head_position(&pool)
        .await
        .unwrap()
        .unwrap_or_default();
    for _ in 0..3000 {
        if projector.is_finished()
            || bedrift_projections::projected_position(&pool)
                .await
                .unwrap()
                >= head
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        !projector.is_finished(),
        "the projector stopped: {:?}",
        projector.await
    );
    wait_until_projected(&pool).await;
    stop.send(()).unwrap();
    projector.await.unwrap().unwrap();

    let subscriptions = world.known.lock().unwrap().subscriptions.len();
    assert!(
        subscriptions >= 200,
        "only {subscriptions} subscriptions were created"
    );
    assert_eq!(differences_from_rebuild(&pool).await, no_differences());
    agrees_with_the_domain_fold(&pool).await;
}

/// Each ticket and queue row says what folding the subscription's events with the domain says.
async fn agrees_with_the_domain_fold(pool: &bedrift_store::PgPool) {
    let rows: Vec<(String, serde_json::Value)> =
        sqlx::query_as("SELECT aggregate_id, payload FROM events WHERE aggregate_type = 'Subscription' ORDER BY position")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut folded: HashMap<Uuid, Subscription> = HashMap::new();
    for (id, payload) in rows {
        let event: SubscriptionEvent = serde_json::from_value(payload).unwrap();
        folded.entry(id.parse().unwrap()).or_default().apply(event);
    }
    type Ticket = (
        Uuid,
        String,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        serde_json::Value,
    );
    let tickets: Vec<Ticket> = sqlx::query_as(
        "SELECT subscription_id, order_status, valid_from, end_date, zones FROM tickets",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(tickets.len(), folded.len(), "one ticket per subscription");
    let queued: Vec<(Uuid,)> = sqlx::query_as("SELECT subscription_id FROM approval_queue")
        .fetch_all(pool)
        .await
        .unwrap();
    let waiting = folded
        .values()
        .filter(|s| {
            let ordered = s.ordered().unwrap();
            ordered.status() == OrderStatus::Pending || ordered.zone_change_request().is_some()
        })
        .count();
    assert_eq!(
        queued.len(),
        waiting,
        "the queue holds exactly the pending orders and zone change requests"
    );
    for (id, status, valid_from, end_date, zones) in tickets {
        let state = folded[&id].ordered().unwrap();
        let expected = match state.status() {
            OrderStatus::Pending => "PENDING",
            OrderStatus::Approved => "APPROVED",
            OrderStatus::Rejected => "REJECTED",
            OrderStatus::Withdrawn => "WITHDRAWN",
        };
        assert_eq!(status, expected, "{id}");
        assert_eq!(valid_from, state.valid_from(), "{id}");
        assert_eq!(end_date, state.end_date(), "{id}");
        assert_eq!(
            zones,
            serde_json::to_value(state.current_zones()).unwrap(),
            "{id}"
        );
    }
    for (id,) in queued {
        let ordered = folded[&id].ordered().unwrap();
        assert!(
            ordered.status() == OrderStatus::Pending || ordered.zone_change_request().is_some(),
            "{id} waits for nothing"
        );
    }
}
