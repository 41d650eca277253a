//! R5 and R17 kept in the append's transaction: however many commands race, the claims'
//! exclusion constraints let exactly one live subscription per phone and company, and one
//! company per organisation number, through; the others get the domain's own refusal.

use std::sync::Arc;

use bedrift_domain::clock::{Clock, FixedClock};
use bedrift_domain::company::{
    Administrator, Company, CompanyCommand, CompanyError, CompanyServices, OrderForm,
    OrderingPolicy,
};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    CancelAt, CompanyTerms, OrderDetails, Subscription, SubscriptionCommand, SubscriptionError,
    SubscriptionServices,
};
use bedrift_domain::tariff::agder;
use bedrift_domain::upcasting::upcasters;
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, EmailAddress, OrderLinkToken, OrgNumber, PersonName,
    PhoneNumber, SubscriptionId, TravellerCategory, ZoneSelection,
};
use bedrift_store::testing::TestDatabase;
use bedrift_store::{CommandExecutor, StoreError};

fn clock(day: &str) -> Arc<FixedClock> {
    Arc::new(FixedClock::on(day.parse().unwrap()))
}

fn subscriptions(db: &TestDatabase, day: &str) -> Arc<CommandExecutor<Subscription>> {
    Arc::new(CommandExecutor::new(
        db.pool().clone(),
        SubscriptionServices { clock: clock(day) },
        upcasters(),
    ))
}

fn admin() -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(1))
}

fn metadata() -> Metadata {
    Metadata::new(Actor::System, clock("2026-11-20").now())
}

fn details(company: CompanyId, phone: &str) -> OrderDetails {
    let map = agder::example_version().zone_map;
    OrderDetails {
        company,
        phone: PhoneNumber::parse(phone).unwrap(),
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: None,
        extra_fields: Default::default(),
        zones: ZoneSelection::parse(&["kristiansand"], false, &map).unwrap(),
        category: TravellerCategory::Adult,
        language: Default::default(),
    }
}

fn order(company: CompanyId, phone: &str) -> SubscriptionCommand {
    SubscriptionCommand::Order {
        details: details(company, phone),
        terms: CompanyTerms {
            policy: OrderingPolicy::ApprovalRequired,
            form: OrderForm::standard(),
        },
    }
}

type Outcome = Result<Subscription, StoreError<SubscriptionError>>;

async fn run_all(
    executor: &Arc<CommandExecutor<Subscription>>,
    commands: Vec<(String, SubscriptionCommand)>,
) -> Vec<Outcome> {
    let tasks: Vec<_> = commands
        .into_iter()
        .map(|(id, command)| {
            let executor = Arc::clone(executor);
            tokio::spawn(async move { executor.execute(&id, command, &metadata()).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_fifty_concurrent_orders_for_one_phone_exactly_one_is_stored() {
    let db = TestDatabase::create().await;
    let executor = subscriptions(&db, "2026-11-20");
    let company = CompanyId::new();
    let commands = (0..50)
        .map(|_| {
            (
                SubscriptionId::new().to_string(),
                order(company, "91234567"),
            )
        })
        .collect();
    let outcomes = run_all(&executor, commands).await;
    let stored = outcomes.iter().filter(|o| o.is_ok()).count();
    let refused = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Err(StoreError::Domain(SubscriptionError::AlreadySubscribed))
            )
        })
        .count();
    assert_eq!((stored, refused), (1, 49), "{outcomes:?}");
    let (orders,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM events WHERE event_type = 'SubscriptionOrdered'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(orders, 1, "the refused orders left no event behind");
}

#[tokio::test]
async fn another_phone_or_another_company_is_not_blocked() {
    let db = TestDatabase::create().await;
    let executor = subscriptions(&db, "2026-11-20");
    let company = CompanyId::new();
    for (company, phone) in [
        (company, "91234567"),
        (company, "91234568"),
        (CompanyId::new(), "91234567"),
    ] {
        let id = SubscriptionId::new().to_string();
        executor
            .execute(&id, order(company, phone), &metadata())
            .await
            .unwrap();
    }
}

/// A subscription created on 2026-11-20 from that day, for the company's phone 91234567.
async fn running(executor: &CommandExecutor<Subscription>, company: CompanyId) -> String {
    let id = SubscriptionId::new().to_string();
    let command = SubscriptionCommand::Create {
        details: details(company, "91234567"),
        form: bedrift_domain::company::OrderForm::standard(),
        start_date: Some("2026-11-20".parse().unwrap()),
        by: admin(),
    };
    executor.execute(&id, command, &metadata()).await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_racing_the_cancellation_of_the_phones_subscription_is_decided_by_the_order_of_commits(
) {
    for _ in 0..5 {
        let db = TestDatabase::create().await;
        let executor = subscriptions(&db, "2026-11-20");
        let company = CompanyId::new();
        let previous = running(&executor, company).await;
        let cancel = SubscriptionCommand::Cancel {
            at: CancelAt::EndOfMonth,
            by: Actor::Administrator { account: admin() },
        };
        let new = SubscriptionId::new().to_string();
        let outcomes = run_all(
            &executor,
            vec![
                (previous.clone(), cancel),
                (new.clone(), order(company, "91234567")),
            ],
        )
        .await;
        assert!(outcomes[0].is_ok(), "the cancellation always goes through");
        // The order starts on 2026-12-01, after the cancelled end (2026-11-30): it succeeds
        // when the cancellation committed first, and is refused when it came first. Never
        // two open-ended subscriptions of one phone.
        match &outcomes[1] {
            Ok(_) | Err(StoreError::Domain(SubscriptionError::AlreadySubscribed)) => {}
            other => panic!("unexpected {other:?}"),
        }
        let (open,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM subscription_claims WHERE upper_inf(period)")
                .fetch_one(db.pool())
                .await
                .unwrap();
        let ordered = outcomes[1].is_ok();
        assert_eq!(
            open,
            i64::from(ordered),
            "only the new order's claim is open-ended"
        );
        // Once cancelled, a new order is always accepted.
        let again = SubscriptionId::new().to_string();
        if !ordered {
            executor
                .execute(&again, order(company, "91234567"), &metadata())
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn undoing_a_cancellation_is_refused_once_the_phone_has_a_newer_subscription() {
    let db = TestDatabase::create().await;
    let executor = subscriptions(&db, "2026-11-20");
    let company = CompanyId::new();
    let previous = running(&executor, company).await;
    let by = Actor::Administrator { account: admin() };
    executor
        .execute(
            &previous,
            SubscriptionCommand::Cancel {
                at: CancelAt::EndOfMonth,
                by: by.clone(),
            },
            &metadata(),
        )
        .await
        .unwrap();
    let newer = SubscriptionId::new().to_string();
    executor
        .execute(&newer, order(company, "91234567"), &metadata())
        .await
        .unwrap();
    let resumed = executor
        .execute(&previous, SubscriptionCommand::Resume { by }, &metadata())
        .await;
    assert!(
        matches!(
            resumed,
            Err(StoreError::Domain(SubscriptionError::AlreadySubscribed))
        ),
        "{resumed:?}"
    );
}

#[tokio::test]
async fn a_rejected_order_gives_its_claim_up() {
    let db = TestDatabase::create().await;
    let executor = subscriptions(&db, "2026-11-20");
    let company = CompanyId::new();
    let first = SubscriptionId::new().to_string();
    executor
        .execute(&first, order(company, "91234567"), &metadata())
        .await
        .unwrap();
    let reject = SubscriptionCommand::Reject {
        reason: BoundedText::parse("Ikke ansatt", "the reason", 1, 500).unwrap(),
        by: Actor::Administrator { account: admin() },
    };
    executor.execute(&first, reject, &metadata()).await.unwrap();
    let second = SubscriptionId::new().to_string();
    executor
        .execute(&second, order(company, "91234567"), &metadata())
        .await
        .unwrap();
}

fn registration(org_number: &str, n: usize) -> CompanyCommand {
    CompanyCommand::Register {
        org_number: OrgNumber::parse(org_number).unwrap(),
        name: BoundedText::parse("Firma AS", "a name", 1, 200).unwrap(),
        invoice_email: EmailAddress::parse("faktura@firma.no").unwrap(),
        contact: Administrator {
            account: AccountId::new(),
            email: EmailAddress::parse(&format!("kari{n}@firma.no")).unwrap(),
            name: BoundedText::parse("Kari", "a name", 1, 200).unwrap(),
        },
        order_link: OrderLinkToken::parse(&format!("link-{}", uuid::Uuid::new_v4().simple()))
            .unwrap(),
        by: Actor::System,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_fifty_concurrent_registrations_of_one_org_number_exactly_one_company_exists() {
    let db = TestDatabase::create().await;
    let executor = Arc::new(CommandExecutor::<Company>::new(
        db.pool().clone(),
        CompanyServices {
            clock: clock("2026-11-20"),
        },
        upcasters(),
    ));
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let executor = Arc::clone(&executor);
            tokio::spawn(async move {
                let id = CompanyId::new().to_string();
                executor
                    .execute(&id, registration("974760673", n), &metadata())
                    .await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let registered = outcomes.iter().filter(|o| o.is_ok()).count();
    let taken = outcomes
        .iter()
        .filter(|o| matches!(o, Err(StoreError::Domain(CompanyError::OrgNumberTaken))))
        .count();
    assert_eq!((registered, taken), (1, 49));
    let (companies,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM events WHERE event_type = 'CompanyRegistered'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(companies, 1);
}
