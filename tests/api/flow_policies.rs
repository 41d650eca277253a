//! SPEC.md's flow under the other ordering policies (R6): with `AUTOMATIC_APPROVAL` an
//! employee's order is approved at once and charged from next month; with `CLOSED` employee
//! orders are refused with `ORDERING_CLOSED` while an administrator still creates
//! subscriptions, which are approved at once and charged.

use serde_json::json;

use crate::helpers::{code, line, order, TestApp, ORDER};

/// Example tariff (domain/src/tariff/agder.rs), in øre.
const ADULT_ONE_ZONE: i64 = 75_000;
const YOUNG_ADULT_WHOLE_REGION: i64 = 100_000;

#[tokio::test]
async fn automatic_approval_approves_at_once_and_charges_from_next_month() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(
            &operator,
            "974760673",
            "kari@firma.no",
            "AUTOMATIC_APPROVAL",
        )
        .await;
    let anne = app.employee(&link, "91234567").await;
    let ordered = app.order(&anne, order("Anne", "Berg")).await;
    assert_eq!(ordered["status"], "UPCOMING");
    assert_eq!(ordered["startDate"], "2027-01-01");
    let mine = app.mine(&anne).await;
    assert_eq!(mine[0]["orderStatus"], "APPROVED");
    assert_eq!(mine[0]["validFrom"], "2027-01-01");
    assert!(
        app.queue(&admin, &company).await.is_empty(),
        "nothing to decide"
    );

    let december = app.payroll(&admin, &company, "2026-12").await;
    assert!(december.lines().is_empty());
    let january = app.payroll(&admin, &company, "2027-01").await;
    assert_eq!(january.lines(), [line("Anne", "ONE_ZONE", ADULT_ONE_ZONE)]);
    assert_eq!(january.0["lines"][0]["deduction"], ADULT_ONE_ZONE);

    // The employee cancels before the start: nothing is charged (R10).
    let cancelled = app
        .cancel(&anne, ordered["id"].as_str().unwrap(), "END_OF_MONTH")
        .await;
    assert_eq!(cancelled["endDate"], "2026-12-31");
    assert!(app
        .payroll(&admin, &company, "2027-01")
        .await
        .lines()
        .is_empty());
    // ...and may order anew, approved at once again.
    let again = app.order(&anne, order("Anne", "Berg")).await;
    assert_eq!(again["status"], "UPCOMING");
    let january = app.payroll(&admin, &company, "2027-01").await;
    assert_eq!(january.lines(), [line("Anne", "ONE_ZONE", ADULT_ONE_ZONE)]);
}

#[tokio::test]
async fn closed_ordering_refuses_employees_but_administrators_create_and_are_charged() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "923609016", "per@annet.no", "CLOSED")
        .await;
    let bjorn = app.employee(&link, "48123456").await;
    let events = app.event_count().await;
    let refused = app
        .gql(
            Some(&bjorn),
            ORDER,
            json!({ "input": order("Bjørn", "Dahl") }),
        )
        .await;
    assert_eq!(code(&refused), "ORDERING_CLOSED");
    assert_eq!(app.event_count().await, events, "nothing was written");

    let created = app
        .create(&admin, &company, "48123456", order("Bjørn", "Dahl"), None)
        .await;
    assert_eq!(created["status"], "UPCOMING");
    assert_eq!(created["orderStatus"], "APPROVED");
    assert_eq!(created["startDate"], "2027-01-01");
    let young = json!({ "firstName": "Cecilie", "lastName": "Eik", "zones": [],
        "wholeRegion": true, "category": "YOUNG_ADULT" });
    let today = app
        .create(&admin, &company, "41234567", young, Some("2026-12-10"))
        .await;
    assert_eq!(today["status"], "ACTIVE");
    assert_eq!(today["zoneClass"], "WHOLE_REGION");

    let mine = app.mine(&bjorn).await;
    assert_eq!(mine.len(), 1, "the employee sees what was created for them");
    assert_eq!(mine[0]["id"], created["id"]);
    assert!(app.queue(&admin, &company).await.is_empty());

    let december = app.payroll(&admin, &company, "2026-12").await;
    assert_eq!(
        december.lines(),
        [line("Cecilie", "WHOLE_REGION", YOUNG_ADULT_WHOLE_REGION)]
    );
    let january = app.payroll(&admin, &company, "2027-01").await;
    assert_eq!(
        january.lines(),
        [
            line("Bjørn", "ONE_ZONE", ADULT_ONE_ZONE),
            line("Cecilie", "WHOLE_REGION", YOUNG_ADULT_WHOLE_REGION),
        ]
    );
    assert_eq!(january.total(), ADULT_ONE_ZONE + YOUNG_ADULT_WHOLE_REGION);
}
