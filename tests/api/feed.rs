//! The feed for ticketing systems: API keys with scopes (made by operators, shown once, stored
//! hashed, refused outside their scopes and once revoked), and the pull feed `/feed/tickets`
//! that returns every subscription event once, in order, across pages, while others write.

use std::collections::HashSet;

use futures::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{code, http, order, TestApp};

/// A new API key with `scopes`, made by `operator`.
async fn api_key(app: &TestApp, operator: &str, scopes: &str) -> (String, String) {
    let query = format!(
        "mutation {{ createApiKey(name: \"Billettsystem\", scopes: [{scopes}]) {{ id key }} }}"
    );
    let data = app.ok(Some(operator), &query, json!({})).await;
    let created = &data["createApiKey"];
    (
        created["id"].as_str().unwrap().to_owned(),
        created["key"].as_str().unwrap().to_owned(),
    )
}

/// `GET path` with `Authorization: Bearer <key>`: status and body.
async fn get_with(app: &TestApp, path: &str, key: &str) -> (u16, String) {
    let authorization = format!("Bearer {key}");
    let response = http(
        app.address,
        "GET",
        path,
        &[("Authorization", &authorization)],
        "",
    )
    .await;
    (response.status, response.text())
}

#[tokio::test]
async fn api_keys_work_only_in_their_scopes_and_not_once_revoked() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let refused = app
        .gql(
            Some(&admin),
            "mutation { createApiKey(name: \"x\", scopes: [FEED_READ]) { key } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "only operators make keys");
    let (feed_id, feed) = api_key(&app, &operator, "FEED_READ").await;
    let (_, reports) = api_key(&app, &operator, "REPORTS_READ").await;
    assert!(feed.starts_with("bbk_") && feed.len() == 68);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&feed)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, 1, "stored as its hash");

    let payroll = format!("/reports/payroll/{company}/2026-12.csv");
    assert_eq!(get_with(&app, "/feed/tickets", &feed).await.0, 200);
    assert_eq!(get_with(&app, &payroll, &feed).await.0, 401);
    assert_eq!(get_with(&app, &payroll, &reports).await.0, 200);
    assert_eq!(
        get_with(&app, "/reports/invoice/2026-12.csv", &reports)
            .await
            .0,
        200
    );
    assert_eq!(get_with(&app, "/feed/tickets", &reports).await.0, 401);
    assert_eq!(get_with(&app, "/feed/tickets", &operator).await.0, 401);
    assert_eq!(app.get("/feed/tickets").await.status, 401);
    let made_up = format!("bbk_{}", "0".repeat(64));
    assert_eq!(get_with(&app, "/feed/tickets", &made_up).await.0, 401);

    let data = app
        .ok(
            Some(&operator),
            "mutation($id: ID!) { revokeApiKey(id: $id) }",
            json!({ "id": feed_id }),
        )
        .await;
    assert_eq!(data["revokeApiKey"], true);
    assert_eq!(get_with(&app, "/feed/tickets", &feed).await.0, 401);
}

#[tokio::test]
async fn the_pull_feed_returns_every_ticket_event_once_in_order_across_pages_and_writers() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, key) = api_key(&app, &operator, "FEED_READ").await;

    // Writers: 12 subscriptions made concurrently, while a reader pages through the feed.
    let (done_tx, done_rx) = tokio::sync::watch::channel(false);
    let writers = async {
        let phones: Vec<String> = (0..12).map(|i| format!("9{:07}", 1_234_500 + i)).collect();
        join_all(
            phones
                .iter()
                .map(|phone| app.create(&admin, &company, phone, order("Anne", "Berg"), None)),
        )
        .await;
        done_tx.send_replace(true);
    };
    let reader = async {
        let mut seen: Vec<(String, i64)> = Vec::new();
        let mut cursor: Option<String> = None;
        // The feed shows an event once every older transaction on the server has ended, and
        // other tests' transactions may hold that back: read until all 24 events (12 orders,
        // each created and approved) have come, with a generous bound.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let done = *done_rx.borrow();
            let path = match &cursor {
                Some(c) => format!("/feed/tickets?limit=5&after={c}"),
                None => "/feed/tickets?limit=5".to_owned(),
            };
            let (status, body) = get_with(&app, &path, &key).await;
            assert_eq!(status, 200, "{body}");
            let page: Value = serde_json::from_str(&body).unwrap();
            let events = page["events"].as_array().unwrap();
            for event in events {
                seen.push((
                    event["subscription_id"].as_str().unwrap().to_owned(),
                    event["sequence"].as_i64().unwrap(),
                ));
                assert!(event["type"].as_str().unwrap().starts_with("Subscription"));
            }
            cursor = Some(page["next"].as_str().unwrap().to_owned());
            if done && (seen.len() >= 24 || std::time::Instant::now() > deadline) {
                break;
            }
            if events.is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        seen
    };
    let ((), seen) = tokio::join!(writers, reader);

    let unique: HashSet<&(String, i64)> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    let all: Vec<(String, i64)> = sqlx::query_as(
        "SELECT aggregate_id, sequence FROM events WHERE aggregate_type = 'Subscription'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(all.len(), 24, "ordered and approved, twelve times");
    assert_eq!(unique, all.iter().collect(), "every event");
    for (subscription, sequence) in &seen {
        let earlier = seen
            .iter()
            .take_while(|(s, q)| !(s == subscription && q == sequence))
            .filter(|(s, _)| s == subscription)
            .count() as i64;
        assert_eq!(earlier, sequence - 1, "each subscription's events in order");
    }
    let (status, _) = get_with(&app, "/feed/tickets?after=nonsense", &key).await;
    assert_eq!(status, 400);
}
