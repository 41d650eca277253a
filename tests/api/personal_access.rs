//! Personal access at `/mine` and sessions bound to the order link: rotating the link ends the
//! sessions made through the old one (nothing more can be ordered through them), while the
//! holder logs in with phone and SMS code without any link to see, cancel and resume their own
//! subscriptions, and cannot order or see anyone else's.

use serde_json::json;

use crate::helpers::{code, order, TestApp, ORDER};

const MINE: &str = "{ mySubscriptions { id status endDate } }";

/// Logs `phone` in at `/mine` with the code from the outbox.
pub(crate) async fn personal_login(app: &TestApp, phone: &str) -> String {
    app.ok(
        None,
        "mutation($p: String!) { requestPersonalCode(phone: $p) }",
        json!({ "p": phone }),
    )
    .await;
    let sms = app.last_message(phone).await;
    let code: String = sms
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the SMS")
        .to_owned();
    let data = app
        .ok(
            None,
            "mutation($p: String!, $c: String!) { verifyPersonalCode(phone: $p, code: $c) { token viewer { phone companyId } } }",
            json!({ "p": phone, "c": code }),
        )
        .await;
    assert_eq!(
        data["verifyPersonalCode"]["viewer"]["companyId"],
        json!(null)
    );
    data["verifyPersonalCode"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn rotating_the_order_link_ends_the_sessions_made_through_the_old_one() {
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
    let stranger = app.employee(&link, "91234567").await;
    app.ok(Some(&stranger), MINE, json!({})).await;
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { rotateOrderLink(companyId: $c) { id } }",
        json!({ "c": company }),
    )
    .await;
    let events = app.event_count().await;
    let refused = app
        .gql(
            Some(&stranger),
            ORDER,
            json!({ "input": order("Ola", "Nordmann") }),
        )
        .await;
    assert_eq!(code(&refused), "UNAUTHENTICATED");
    let listed = app.gql(Some(&stranger), MINE, json!({})).await;
    assert_eq!(code(&listed), "UNAUTHENTICATED");
    assert_eq!(app.event_count().await, events, "nothing was written");
    // The old link itself no longer logs anyone in.
    let again = app
        .gql(
            None,
            "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }",
            json!({ "l": link, "p": "91234567" }),
        )
        .await;
    assert_eq!(code(&again), "NOT_FOUND");
}

#[tokio::test]
async fn a_holder_reaches_their_own_subscriptions_at_mine_after_the_link_is_rotated() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne_link = app.employee(&link, "91234567").await;
    let anne_sub = app.order(&anne_link, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.approve(&admin, &anne_sub).await;
    let bjorn = app
        .create(&admin, &company, "48123456", order("Bjørn", "Dahl"), None)
        .await;
    let bjorn_sub = bjorn["id"].as_str().unwrap().to_owned();
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { rotateOrderLink(companyId: $c) { id } }",
        json!({ "c": company }),
    )
    .await;

    // A number without subscriptions gets the same answer and no SMS.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    app.ok(
        None,
        "mutation($p: String!) { requestPersonalCode(phone: $p) }",
        json!({ "p": "93456789" }),
    )
    .await;
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(after, before, "no code for a number without subscriptions");

    let anne = personal_login(&app, "+4791234567").await;
    let mine = app.ok(Some(&anne), MINE, json!({})).await;
    let ids: Vec<&str> = mine["mySubscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [anne_sub.as_str()]);
    let cancelled = app.cancel(&anne, &anne_sub, "END_OF_MONTH").await;
    assert_eq!(cancelled["endDate"], "2026-12-31");
    let resumed = app.resume(&anne, &anne_sub).await;
    assert_eq!(resumed["endDate"], json!(null));

    // Ordering needs the company's current link; others' subscriptions stay out of reach.
    let events = app.event_count().await;
    let order_refused = app
        .gql(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    assert_eq!(code(&order_refused), "FORBIDDEN");
    let other = app
        .gql(
            Some(&anne),
            "mutation($id: ID!) { cancelSubscription(id: $id, at: END_OF_MONTH) { id } }",
            json!({ "id": bjorn_sub }),
        )
        .await;
    assert_eq!(code(&other), "NOT_FOUND");
    assert_eq!(app.event_count().await, events, "nothing was written");
}
