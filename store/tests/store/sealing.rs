//! Personal data sealed in the log: an order's key is made in its append's transaction, the
//! stored events hold none of the holder's values in clear and load back whole, and events
//! stored in clear before sealing are sealed by the migration with their chains re-based.

use std::sync::Arc;

use bedrift_domain::clock::{Clock, FixedClock};
use bedrift_domain::company::{ExtraField, OrderForm, OrderingPolicy};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    CompanyTerms, OrderDetails, Subscription, SubscriptionCommand, SubscriptionError,
    SubscriptionServices,
};
use bedrift_domain::tariff::agder;
use bedrift_domain::upcasting::upcasters;
use bedrift_domain::values::{
    BoundedText, CompanyId, PersonName, PhoneNumber, TravellerCategory, ZoneSelection,
};
use bedrift_store::testing::TestDatabase;
use bedrift_store::{CommandExecutor, StoreError};
use serde_json::json;

fn executor(db: &TestDatabase) -> CommandExecutor<Subscription> {
    CommandExecutor::new(
        db.pool().clone(),
        SubscriptionServices {
            clock: Arc::new(FixedClock::on("2026-11-20".parse().unwrap())),
        },
        upcasters(),
    )
}

fn order(company: CompanyId, phone: &str) -> SubscriptionCommand {
    let map = agder::example_version().zone_map;
    SubscriptionCommand::Order {
        details: OrderDetails {
            company,
            phone: PhoneNumber::parse(phone).unwrap(),
            first_name: PersonName::parse("Gunnhild").unwrap(),
            last_name: PersonName::parse("Skjæveland").unwrap(),
            employee_number: None,
            extra_fields: [("Avdeling".to_owned(), "Innkjøp sør".to_owned())].into(),
            zones: ZoneSelection::parse(&["kristiansand"], false, &map).unwrap(),
            category: TravellerCategory::Adult,
            language: Default::default(),
        },
        terms: CompanyTerms {
            policy: OrderingPolicy::ApprovalRequired,
            form: OrderForm {
                extra_fields: vec![ExtraField {
                    label: BoundedText::parse("Avdeling", "the label", 1, 50).unwrap(),
                    required: false,
                }],
                ..OrderForm::standard()
            },
        },
    }
}

fn metadata() -> Metadata {
    Metadata::new(
        Actor::System,
        FixedClock::on("2026-11-20".parse().unwrap()).now(),
    )
}

async fn log_text(db: &TestDatabase) -> String {
    sqlx::query_scalar(
        "SELECT coalesce(string_agg(payload::text || metadata::text, ' '), '') FROM events",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn an_order_is_stored_sealed_and_loads_whole_and_a_refused_one_leaves_no_key() {
    let db = TestDatabase::create().await;
    let subscriptions = executor(&db);
    let company = CompanyId::from_uuid(uuid::Uuid::new_v4());
    let id = uuid::Uuid::new_v4().to_string();
    subscriptions
        .execute(&id, order(company, "41234567"), &metadata())
        .await
        .unwrap();
    let second = subscriptions
        .execute(
            &uuid::Uuid::new_v4().to_string(),
            order(company, "41234567"),
            &metadata(),
        )
        .await;
    assert!(matches!(
        second,
        Err(StoreError::Domain(SubscriptionError::AlreadySubscribed))
    ));
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM data_keys")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(keys, 1, "the refused order's key went with its transaction");

    let stored = log_text(&db).await;
    for personal in ["41234567", "Gunnhild", "Skjæveland", "Innkjøp"] {
        assert!(!stored.contains(personal), "{personal} in {stored}");
    }
    let loaded = subscriptions.load(&id).await.unwrap();
    let details = &loaded.ordered().unwrap().details;
    assert_eq!(details.phone.as_str(), "+4741234567");
    assert_eq!(details.last_name.as_str(), "Skjæveland");
    assert_eq!(details.extra_fields["Avdeling"], "Innkjøp sør");

    // Without the key it reads as erased, and still loads.
    sqlx::query("DELETE FROM data_keys")
        .execute(db.pool())
        .await
        .unwrap();
    let erased = subscriptions.load(&id).await.unwrap();
    let details = &erased.ordered().unwrap().details;
    assert!(details.phone.is_erased() && details.first_name.is_erased());
    assert_eq!(
        details.extra_fields["Avdeling"],
        bedrift_domain::values::ERASED
    );
}

#[tokio::test]
async fn events_stored_in_clear_are_sealed_by_the_migration_and_their_chain_still_verifies() {
    let db = TestDatabase::create().await;
    let company = uuid::Uuid::new_v4();
    let id = uuid::Uuid::new_v4().to_string();
    let actor =
        json!({ "kind": "employee", "phone": "+4741234567", "company": company }).to_string();
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Subscription', $1, 1, 'SubscriptionOrdered', '2', $2, $3)",
    )
    .bind(&id)
    .bind(json!({ "SubscriptionOrdered": {
        "company": company, "phone": "+4741234567", "first_name": "Gunnhild",
        "last_name": "Skjæveland", "employee_number": null, "extra_fields": {},
        "zones": { "kind": "one", "zone": "kristiansand" }, "category": "ADULT",
        "start_date": "2026-12-01", "ordered_by": serde_json::from_str::<serde_json::Value>(&actor).unwrap(),
        "ordered_at": "2026-11-20T11:00:00Z" } }))
    .bind(json!({ "actor": actor, "occurred_at": "2026-11-20T11:00:00.000000Z",
                  "correlation_id": uuid::Uuid::new_v4() }))
    .execute(db.pool())
    .await
    .unwrap();
    let claims_before: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT subject FROM subscription_claims")
            .fetch_all(db.pool())
            .await
            .unwrap();

    // As on the first run of migrate after the sealing migration.
    sqlx::query("DELETE FROM log_sealed")
        .execute(db.pool())
        .await
        .unwrap();
    let report = bedrift_store::migrate(db.pool()).await.unwrap();
    assert_eq!(report.sealed_events, 1);
    let again = bedrift_store::migrate(db.pool()).await.unwrap();
    assert_eq!(again.sealed_events, 0, "once");
    let stored = log_text(&db).await;
    for personal in ["41234567", "Gunnhild", "Skjæveland"] {
        assert!(!stored.contains(personal), "{personal} in {stored}");
    }
    let changes: i64 = sqlx::query_scalar("SELECT count(*) FROM event_changes")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(
        changes, 0,
        "the old clear rows are not copied into the change log"
    );
    let reseals: i64 = sqlx::query_scalar("SELECT count(*) FROM event_reseals")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(reseals, 1);
    let chains = bedrift_store::chain::verify(db.pool(), &mut |_, _| {})
        .await
        .unwrap();
    assert!(chains.is_intact(), "{:?}", chains.broken);
    // The same subject as the claim the clear event took.
    let subject: uuid::Uuid =
        sqlx::query_scalar("SELECT subject FROM data_keys WHERE aggregate_id = $1")
            .bind(&id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(claims_before, vec![subject]);
    let loaded = executor(&db).load(&id).await.unwrap();
    let ordered = loaded.ordered().unwrap();
    assert_eq!(ordered.details.first_name.as_str(), "Gunnhild");
    assert!(
        matches!(ordered.ordered_by, Actor::Employee { ref phone, .. } if phone.as_str() == "+4741234567")
    );
}
