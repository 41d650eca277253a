//! The SMS to an employee go out in the language they used on the order page: the login code
//! in the page's language (also on /mine), the approval and a ticket link sent again in the
//! order's. Bokmål when no language is given.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{order, TestApp, ORDER};

const CODE: &str = "mutation($l: String!, $p: String!, $s: Language) {
    requestVerificationCode(orderToken: $l, phone: $p, language: $s) }";

/// The newest message to `recipient` once it satisfies `wanted` (the projector queues the
/// approval SMS shortly after the approval).
async fn message_where(app: &TestApp, recipient: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(recipient)
        .fetch_optional(app.db.pool())
        .await
        .expect("the outbox");
        if let Some(body) = body.filter(|b| wanted(b)) {
            return body;
        }
        assert!(Instant::now() < deadline, "no such message to {recipient}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_employee_who_orders_in_english_gets_the_code_and_the_approval_in_english() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(None, CODE, json!({ "l": link, "p": "45678901", "s": "EN" }))
        .await;
    let sms = app.last_message("+4745678901").await;
    assert!(sms.starts_with("Your one-time code"), "{sms}");

    let amir = app.employee(&link, "45678901").await;
    assert!(
        app.last_message("+4745678901")
            .await
            .starts_with("Din engangskode"),
        "without a language, bokmål"
    );
    let mut input = order("Amir", "Haddad");
    input["language"] = json!("EN");
    let id = app.ok(Some(&amir), ORDER, json!({ "input": input })).await["orderSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.approve(&admin, &id).await;
    let sms = message_where(&app, "+4745678901", |b| {
        !b.contains("code") && !b.contains("kode")
    })
    .await;
    assert!(sms.starts_with("Hi Amir! Your monthly ticket"), "{sms}");

    // The administrator sends the link again: still in the order's language.
    app.ok(
        Some(&admin),
        "mutation($id: ID!) { resendTicketLink(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    let sms = message_where(&app, "+4745678901", |b| b.contains("new link")).await;
    assert!(sms.starts_with("Hi Amir! Here is a new link"), "{sms}");
    // At /mine the code goes out in that page's language.
    app.ok(
        None,
        "mutation($p: String!, $l: Language) { requestPersonalCode(phone: $p, language: $l) }",
        json!({ "p": "45678901", "l": "EN" }),
    )
    .await;
    let sms = message_where(&app, "+4745678901", |b| b.contains("code")).await;
    assert!(sms.starts_with("Your one-time code"), "{sms}");

    let anne = app.employee(&link, "91234567").await;
    let id = app.order(&anne, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.approve(&admin, &id).await;
    let sms = message_where(&app, "+4791234567", |b| b.starts_with("Hei")).await;
    assert!(sms.contains("er godkjent"), "{sms}");
}
