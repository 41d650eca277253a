//! Prices as they will be charged: the price the portal shows before a start comes from
//! `tariff(on: <start>)`, and that is exactly what the start's month is charged, in full even
//! for a start after the 1st (R12), also when a new tariff version applies from that month.

use serde_json::{json, Value};

use crate::helpers::{order, TestApp};

const TARIFF: &str =
    "query($on: Date) { tariff(on: $on) { validFrom prices { zoneClass category monthly } } }";

/// The adult one-zone price of a `tariff` answer.
fn adult_one_zone(tariff: &Value) -> i64 {
    tariff["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["zoneClass"] == "ONE_ZONE" && p["category"] == "ADULT")
        .and_then(|p| p["monthly"].as_i64())
        .expect("a price")
}

#[tokio::test]
async fn a_mid_month_start_under_a_new_tariff_is_charged_the_price_shown_for_that_start() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let mut prices = Vec::new();
    for class in ["ONE_ZONE", "TWO_ZONES", "WHOLE_REGION"] {
        for category in ["ADULT", "YOUNG_ADULT", "YOUTH", "CHILD", "SENIOR"] {
            prices.push(json!({ "zoneClass": class, "category": category, "monthly": 109_900 }));
        }
    }
    app.ok(
        Some(&operator),
        "mutation($input: PublishTariffInput!) { publishTariff(input: $input) { validFrom } }",
        json!({ "input": { "validFrom": "2027-02-01", "prices": prices } }),
    )
    .await;
    let today =
        adult_one_zone(&app.ok(Some(&admin), TARIFF, json!({ "on": null })).await["tariff"]);
    let shown = adult_one_zone(
        &app.ok(Some(&admin), TARIFF, json!({ "on": "2027-02-15" }))
            .await["tariff"],
    );
    assert_eq!(shown, 109_900);
    assert_ne!(today, shown, "today's price is not what February costs");

    app.create(
        &admin,
        &company,
        "91000001",
        order("Kari", "Nordmann"),
        Some("2027-02-15"),
    )
    .await;
    let february = app.payroll(&admin, &company, "2027-02").await;
    assert_eq!(
        february.lines(),
        [("Kari".to_owned(), "ONE_ZONE".to_owned(), shown)],
        "the whole month, at the price shown for the start"
    );
}
