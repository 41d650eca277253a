//! Rate limits per client address on `logIn`, `orderSubscription` and `createSubscription`:
//! refused with `RATE_LIMITED` and a `retryAfter`, counted per address, and the address taken
//! from `X-Forwarded-For` only when the peer is a trusted proxy.

use chrono::Duration;
use serde_json::{json, Value};

use bedrift_api::auth::Limit;
use bedrift_domain::clock::Clock;

use crate::helpers::{order, HttpResponse, TestApp, ORDER};

const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";

/// A wrong-password login from `forwarded` (an `X-Forwarded-For` value).
async fn wrong_login(app: &TestApp, forwarded: &str) -> HttpResponse {
    app.gql_with(
        None,
        LOG_IN,
        json!({ "e": "kari@firma.no", "p": "feil passord her" }),
        &[("X-Forwarded-For", forwarded)],
    )
    .await
}

/// The `extensions.code` of a response's first error, or `ok`.
fn outcome(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("ok")
        .to_owned()
}

/// Moves the app's clock on by `by`.
fn advance(app: &TestApp, by: Duration) {
    app.clock.set(app.clock.now() + by);
}

#[tokio::test]
async fn logins_are_limited_per_forwarded_address_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with("2026-12-10", |settings| {
        settings.rate_limits.logins_per_address = Some(Limit::new(3, Duration::minutes(10)));
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for _ in 0..3 {
        let response = wrong_login(&app, "203.0.113.1").await.json();
        assert_eq!(outcome(&response), "UNAUTHENTICATED");
    }
    advance(&app, Duration::minutes(4));
    let refused = wrong_login(&app, "203.0.113.1").await.json();
    assert_eq!(outcome(&refused), "RATE_LIMITED", "{refused:#}");
    assert_eq!(
        refused["errors"][0]["extensions"]["retryAfter"],
        json!(6 * 60),
        "the first attempt leaves the window 6 minutes later"
    );
    let other = wrong_login(&app, "198.51.100.7").await.json();
    assert_eq!(
        outcome(&other),
        "UNAUTHENTICATED",
        "another address has its own count"
    );
    advance(&app, Duration::minutes(6));
    let later = wrong_login(&app, "203.0.113.1").await.json();
    assert_eq!(outcome(&later), "UNAUTHENTICATED", "the window has slid on");
}

#[tokio::test]
async fn forwarded_addresses_are_not_believed_by_default() {
    let app = TestApp::spawn_with("2026-12-10", |settings| {
        settings.rate_limits.logins_per_address = Some(Limit::new(2, Duration::minutes(10)));
    })
    .await;
    assert!(app.state.settings.trusted_proxies.is_empty());
    let codes = [
        outcome(&wrong_login(&app, "203.0.113.1").await.json()),
        outcome(&wrong_login(&app, "203.0.113.2").await.json()),
        outcome(&wrong_login(&app, "203.0.113.3").await.json()),
    ];
    assert_eq!(
        codes,
        ["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]
    );
}

#[tokio::test]
async fn orders_and_creations_are_limited_per_address() {
    let app = TestApp::spawn_with("2026-12-10", |settings| {
        settings.rate_limits.orders_per_address = Some(Limit::new(2, Duration::hours(1)));
        settings.rate_limits.creations_per_address = Some(Limit::new(1, Duration::hours(1)));
        settings.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let order_from = |employee: String, forwarded: &'static str| {
        let app = &app;
        async move {
            let response = app
                .gql_with(
                    Some(&employee),
                    ORDER,
                    json!({ "input": order("Per", "Hansen") }),
                    &[("X-Forwarded-For", forwarded)],
                )
                .await;
            outcome(&response.json())
        }
    };
    let mut codes = Vec::new();
    for phone in ["912 34 561", "912 34 562", "912 34 563"] {
        let employee = app.employee(&link, phone).await;
        codes.push(order_from(employee, "203.0.113.1").await);
    }
    assert_eq!(codes, ["ok", "ok", "RATE_LIMITED"]);
    let elsewhere = app.employee(&link, "912 34 564").await;
    assert_eq!(order_from(elsewhere, "198.51.100.7").await, "ok");

    let create = |phone: &'static str| {
        let app = &app;
        let admin = admin.clone();
        let company = company.clone();
        async move {
            let response = app
                .gql_with(
                    Some(&admin),
                    "mutation($c: ID!, $p: String!, $input: OrderInput!) { createSubscription(companyId: $c, phone: $p, input: $input) { id } }",
                    json!({ "c": company, "p": phone, "input": order("Ola", "Olsen") }),
                    &[("X-Forwarded-For", "192.0.2.10")],
                )
                .await;
            outcome(&response.json())
        }
    };
    assert_eq!(create("913 00 001").await, "ok");
    assert_eq!(create("913 00 002").await, "RATE_LIMITED");
}

/// 40 concurrent uses of made-up links of each kind (as an attacker guessing tokens sends
/// them): each is refused as a bad token, or beyond the default per-address limit as
/// `RATE_LIMITED`; nothing is created.
#[tokio::test]
async fn made_up_link_tokens_are_refused_and_limited_per_address() {
    let app = TestApp::spawn("2026-12-10").await;
    app.operator().await;
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let mutations = [
        "mutation($t: String!) { resetPassword(token: $t, password: \"korrekt hest batteri 2\") }",
        "mutation($t: String!) { acceptInvitation(token: $t, password: \"korrekt hest batteri 2\") { token } }",
        "mutation($t: String!) { createFirstOperator(token: $t, email: \"ny@akt.no\", name: \"Ny\", password: \"korrekt hest batteri 2\") { token } }",
    ];
    let requests = (0..40).map(|i| {
        let app = &app;
        let query = mutations[i % mutations.len()];
        async move {
            app.gql(None, query, json!({ "t": format!("gjettet-{i}") }))
                .await
        }
    });
    let answers = futures::future::join_all(requests).await;
    let mut limited = 0;
    for answer in &answers {
        match outcome(answer).as_str() {
            "RATE_LIMITED" => limited += 1,
            "BAD_USER_INPUT" => assert_eq!(answer["errors"][0]["extensions"]["field"], "token"),
            other => panic!("{other}: {answer:#}"),
        }
    }
    assert_eq!(
        limited, 31,
        "10 per 10 minutes from one address; the operator's sign-up was the first"
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(after, accounts);
}
