//! Races on one real `Subscription`: two commands that load the same version, of which only
//! one can append. The clock the aggregate reads while deciding is where the test lines the
//! racers up, so the race happens every run rather than by luck.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use bedrift_domain::clock::{Clock, FixedClock};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    OrderDetails, StateProblem, Subscription, SubscriptionCommand, SubscriptionError,
    SubscriptionServices, ZoneChangeFrom,
};
use bedrift_domain::tariff::agder;
use bedrift_domain::upcasting::upcasters;
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, PersonName, PhoneNumber, SubscriptionId, TravellerCategory,
    ZoneSelection,
};
use bedrift_store::testing::TestDatabase;
use bedrift_store::{CommandExecutor, RetryPolicy, StoreError};
use chrono::{DateTime, Utc};

use crate::counter::sequences_of;

/// A clock that, for its first `rounds` readings, waits at a barrier shared with the rival
/// racer (so both have loaded the same version before either appends), then holds its own
/// racer back for `lag` (so the rival appends first).
#[derive(Debug)]
struct RaceClock {
    time: FixedClock,
    barrier: Arc<Barrier>,
    rounds: AtomicUsize,
    lag: Duration,
}

impl Clock for RaceClock {
    fn now(&self) -> DateTime<Utc> {
        let waiting = self
            .rounds
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| r.checked_sub(1));
        if waiting.is_ok() {
            // Hand this worker's other tasks to another thread while blocking, so nothing the
            // rival needs (a pooled connection's return, say) is stuck behind the barrier.
            tokio::task::block_in_place(|| {
                self.barrier.wait();
                std::thread::sleep(self.lag);
            });
        }
        self.time.now()
    }
}

fn today() -> FixedClock {
    FixedClock::on("2026-11-20".parse().unwrap())
}

fn racer(
    db: &TestDatabase,
    barrier: &Arc<Barrier>,
    rounds: usize,
    lag: Duration,
    retry: RetryPolicy,
) -> Racer {
    let clock = RaceClock {
        time: today(),
        barrier: Arc::clone(barrier),
        rounds: AtomicUsize::new(rounds),
        lag,
    };
    Arc::new(
        CommandExecutor::new(
            db.pool().clone(),
            SubscriptionServices {
                clock: Arc::new(clock),
            },
            upcasters(),
        )
        .with_retry(retry),
    )
}

type Racer = Arc<CommandExecutor<Subscription>>;
type Outcome = Result<(), StoreError<SubscriptionError>>;

/// Runs `command` on its own task (the racers block their threads at the barrier).
fn race(racer: &Racer, id: &str, command: SubscriptionCommand) -> tokio::task::JoinHandle<Outcome> {
    let (racer, id) = (Arc::clone(racer), id.to_owned());
    tokio::spawn(async move { racer.execute(&id, command, &metadata()).await.map(|_| ()) })
}

fn zones(codes: &[&str]) -> ZoneSelection {
    ZoneSelection::parse(codes, false, &agder::example_version().zone_map).unwrap()
}

fn admin() -> Actor {
    Actor::Administrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
    }
}

fn metadata() -> Metadata {
    Metadata::new(admin(), today().now())
}

/// A pending order (`approved == false`) or an approved subscription, sequence 1 or 1..=2.
async fn subscription(db: &TestDatabase, approved: bool) -> String {
    let id = SubscriptionId::new().to_string();
    let plain = CommandExecutor::<Subscription>::new(
        db.pool().clone(),
        SubscriptionServices {
            clock: Arc::new(today()),
        },
        upcasters(),
    );
    let details = OrderDetails {
        company: CompanyId::new(),
        phone: PhoneNumber::parse("91234567").unwrap(),
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: None,
        extra_fields: Default::default(),
        zones: zones(&["kristiansand"]),
        category: TravellerCategory::Adult,
        language: bedrift_domain::values::Language::Bokmal,
    };
    let command = if approved {
        SubscriptionCommand::Create {
            details,
            form: bedrift_domain::company::OrderForm::standard(),
            start_date: None,
            by: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
        }
    } else {
        SubscriptionCommand::Order {
            details,
            terms: bedrift_domain::subscription::CompanyTerms {
                policy: bedrift_domain::company::OrderingPolicy::ApprovalRequired,
                form: bedrift_domain::company::OrderForm::standard(),
            },
        }
    };
    plain.execute(&id, command, &metadata()).await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_concurrent_decisions_without_retry_one_wins_and_the_other_gets_a_conflict() {
    let db = TestDatabase::create().await;
    let id = subscription(&db, false).await;
    let barrier = Arc::new(Barrier::new(2));
    let approver = racer(&db, &barrier, 1, Duration::ZERO, RetryPolicy::never());
    let rejecter = racer(&db, &barrier, 1, Duration::ZERO, RetryPolicy::never());
    let reason = BoundedText::parse("Ikke ansatt her", "the reason", 1, 500).unwrap();

    let approving = race(&approver, &id, SubscriptionCommand::Approve { by: admin() });
    let rejecting = race(
        &rejecter,
        &id,
        SubscriptionCommand::Reject {
            reason,
            by: admin(),
        },
    );
    let (approved, rejected) = (approving.await.unwrap(), rejecting.await.unwrap());

    let loser = match (approved, rejected) {
        (Ok(()), Err(loser)) | (Err(loser), Ok(())) => loser,
        outcomes => panic!("exactly one decision must win: {outcomes:?}"),
    };
    assert!(
        matches!(loser, StoreError::Conflict { attempts: 1, .. }),
        "{loser:?}"
    );
    assert_eq!(
        sequences_of::<Subscription>(db.pool(), &id).await,
        vec![1, 2],
        "no gap, no duplicate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_decision_that_loses_the_race_is_decided_again_and_refused_by_the_rules() {
    let db = TestDatabase::create().await;
    let id = subscription(&db, false).await;
    let barrier = Arc::new(Barrier::new(2));
    let winner = racer(&db, &barrier, 1, Duration::ZERO, RetryPolicy::default());
    let loser = racer(
        &db,
        &barrier,
        1,
        Duration::from_millis(100),
        RetryPolicy::default(),
    );
    let reason = BoundedText::parse("Ikke ansatt her", "the reason", 1, 500).unwrap();

    let approving = race(&winner, &id, SubscriptionCommand::Approve { by: admin() });
    let rejecting = race(
        &loser,
        &id,
        SubscriptionCommand::Reject {
            reason,
            by: admin(),
        },
    );
    let (approved, rejected) = (approving.await.unwrap(), rejecting.await.unwrap());

    approved.expect("the first to append wins");
    let refused = rejected.expect_err("the second sees the approval");
    assert!(
        matches!(
            refused,
            StoreError::Domain(SubscriptionError::InvalidState(StateProblem::NotPending))
        ),
        "{refused:?}"
    );
    assert_eq!(
        sequences_of::<Subscription>(db.pool(), &id).await,
        vec![1, 2]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_command_that_loses_every_retry_gets_a_conflict_and_appends_nothing() {
    let db = TestDatabase::create().await;
    let id = subscription(&db, true).await;
    let retry = RetryPolicy::default();
    let attempts = retry.max_attempts as usize;
    let barrier = Arc::new(Barrier::new(2));
    let slow = racer(&db, &barrier, attempts, Duration::from_millis(100), retry);
    let rival = racer(
        &db,
        &barrier,
        attempts,
        Duration::ZERO,
        RetryPolicy::never(),
    );

    let slow_change = race(
        &slow,
        &id,
        SubscriptionCommand::ChangeZones {
            zones: zones(&["arendal"]),
            from: ZoneChangeFrom::NextMonth,
            by: admin(),
            policy: bedrift_domain::company::OrderingPolicy::ApprovalRequired,
        },
    );
    for round in 0..attempts {
        let codes: &[&str] = if round % 2 == 0 {
            &["kristiansand", "vennesla"]
        } else {
            &["grimstad"]
        };
        let change = SubscriptionCommand::ChangeZones {
            zones: zones(codes),
            from: ZoneChangeFrom::NextMonth,
            by: admin(),
            policy: bedrift_domain::company::OrderingPolicy::ApprovalRequired,
        };
        race(&rival, &id, change)
            .await
            .unwrap()
            .expect("the rival wins each round");
    }
    let slow_outcome = slow_change.await.unwrap();

    let error = slow_outcome.expect_err("every attempt lost its race");
    assert!(
        matches!(error, StoreError::Conflict { attempts: a, .. } if a as usize == attempts),
        "{error:?}"
    );
    let expected: Vec<i64> = (1..=(2 + attempts as i64)).collect();
    assert_eq!(
        sequences_of::<Subscription>(db.pool(), &id).await,
        expected,
        "no gap, no duplicate"
    );
}
