//! Many concurrent commands on one subscription, over HTTP: 50 approve/reject calls on one
//! pending order, 50 zone changes, 50 cancellations. Exactly one decision (or change) is
//! written; every other call is refused with `INVALID_STATE` or `CONFLICT`, or is a no-op;
//! nothing is half-applied: the log holds a gapless, intact chain with one event per winner,
//! and the read models say what the log says and equal a rebuild from it.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::helpers::{code, log_and_read_models_agree, order, TestApp, SUBSCRIPTION};

/// Concurrent calls per test.
const CALLS: usize = 50;

/// A company with approval required; returns (app, company, administrator, order link).
async fn company() -> (Arc<TestApp>, String, String, String) {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    (Arc::new(app), company, admin, link)
}

/// A company whose administrator created Anne's subscription from `start` (default: the
/// first of next month): the app, the administrator's session, the order link and the
/// subscription's id.
async fn created_for_anne(start: Option<&str>) -> (Arc<TestApp>, String, String, String) {
    let (app, company, admin, link) = company().await;
    let id = app
        .create(&admin, &company, "91234567", order("Anne", "Berg"), start)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, admin, link, id)
}

/// Sends the `CALLS` requests that `request(i)` gives (token, mutation name, arguments) all at
/// once; returns each one's result: the subscription answered, or the error code.
async fn race(
    app: &Arc<TestApp>,
    id: &str,
    request: impl Fn(usize) -> (String, &'static str, String),
) -> Vec<(usize, Result<Value, String>)> {
    let calls = (0..CALLS).map(|i| {
        let (token, name, arguments) = request(i);
        let app = Arc::clone(app);
        let query =
            format!("mutation($id: ID!) {{ {name}(id: $id{arguments}) {{ {SUBSCRIPTION} }} }}");
        let id = id.to_owned();
        tokio::spawn(async move {
            let response = app.gql(Some(&token), &query, json!({ "id": id })).await;
            let result = match response.get("errors") {
                None => Ok(response["data"][name].clone()),
                Some(_) => Err(code(&response)),
            };
            (i, result)
        })
    });
    futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|joined| joined.expect("the call ran"))
        .collect()
}

/// The subscription's events: (type, payload), in sequence order, which must be 1, 2, 3, ...
/// (a subscription an administrator creates starts with `SubscriptionOrdered`,
/// `SubscriptionApproved`).
async fn events(app: &TestApp, id: &str) -> Vec<(String, Value)> {
    let rows: Vec<(i64, String, Value)> = sqlx::query_as(
        "SELECT sequence, event_type, payload FROM events
         WHERE aggregate_type = 'Subscription' AND aggregate_id = $1 ORDER BY sequence",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .expect("events");
    let sequences: Vec<i64> = rows.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(sequences, (1..=rows.len() as i64).collect::<Vec<_>>());
    rows.into_iter().map(|(_, t, p)| (t, p)).collect()
}

/// The subscription as the read models show it to `token`.
async fn shown(app: &TestApp, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ subscription(id: $id) {{ {SUBSCRIPTION} }} }}");
    app.ok(Some(token), &query, json!({ "id": id })).await["subscription"].clone()
}

/// A stored zone selection (`{"kind": "one", "zone": ..}` or `{"kind": "two", "first": ..,
/// "second": ..}`) as the API lists it.
fn zone_codes(selection: &Value) -> Value {
    match selection["kind"].as_str() {
        Some("one") => json!([selection["zone"]]),
        Some("two") => json!([selection["first"], selection["second"]]),
        _ => panic!("not a one- or two-zone selection: {selection}"),
    }
}

/// Asserts every refusal is one of `codes`; returns the successes.
fn successes(results: &[(usize, Result<Value, String>)], codes: &[&str]) -> Vec<(usize, Value)> {
    for (i, result) in results {
        if let Err(code) = result {
            assert!(codes.contains(&code.as_str()), "call {i}: {code}");
        }
    }
    results
        .iter()
        .filter_map(|(i, r)| r.as_ref().ok().map(|v| (*i, v.clone())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_approvals_and_rejections_of_one_order_exactly_one_decision_wins() {
    let (app, company, admin, link) = company().await;
    let anne = app.employee(&link, "91234567").await;
    let id = app.order(&anne, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let results = race(&app, &id, |i| {
        if i % 2 == 0 {
            (admin.clone(), "approveSubscription", String::new())
        } else {
            let reason = format!(", reason: \"Nei nummer {i}\"");
            (admin.clone(), "rejectSubscription", reason)
        }
    })
    .await;

    let won = successes(&results, &["INVALID_STATE", "CONFLICT"]);
    assert_eq!(won.len(), 1, "{results:?}");
    let (winner, answer) = &won[0];
    let (status, event) = if winner % 2 == 0 {
        ("APPROVED", "SubscriptionApproved")
    } else {
        ("REJECTED", "SubscriptionRejected")
    };
    assert_eq!(answer["orderStatus"], status);
    let log = events(&app, &id).await;
    let types: Vec<&str> = log.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["SubscriptionOrdered", event]);
    if winner % 2 == 1 {
        assert_eq!(
            log[1].1["SubscriptionRejected"]["reason"],
            format!("Nei nummer {winner}"),
            "the winner's own reason is stored"
        );
        assert_eq!(answer["rejectionReason"], format!("Nei nummer {winner}"));
    }

    assert_eq!(shown(&app, &admin, &id).await["orderStatus"], status);
    assert_eq!(app.queue(&admin, &company).await, Vec::<String>::new());
    log_and_read_models_agree(app.db.pool()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_identical_zone_changes_exactly_one_is_written() {
    let (app, admin, _, id) = created_for_anne(None).await;
    let moved = json!(["kristiansand", "vennesla"]);

    let results = race(&app, &id, |_| {
        let arguments = format!(", zones: {moved}");
        (admin.clone(), "changeZones", arguments)
    })
    .await;

    // A change to the zones it already has is a no-op success, so later calls may succeed
    // without writing; none may write a second change.
    let won = successes(&results, &["CONFLICT"]);
    assert!(!won.is_empty());
    assert!(won.iter().all(|(_, answer)| answer["zones"] == moved));
    let log = events(&app, &id).await;
    let types: Vec<&str> = log.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "SubscriptionOrdered",
            "SubscriptionApproved",
            "ZonesChanged"
        ]
    );

    assert_eq!(shown(&app, &admin, &id).await["zones"], moved);
    log_and_read_models_agree(app.db.pool()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_to_different_zones_are_each_written_whole_and_the_last_one_shows() {
    let (app, admin, _, id) = created_for_anne(None).await;
    let targets = [json!(["arendal"]), json!(["kristiansand", "vennesla"])];

    let results = race(&app, &id, |i| {
        let arguments = format!(", zones: {}", targets[i % 2]);
        (admin.clone(), "changeZones", arguments)
    })
    .await;

    let won = successes(&results, &["CONFLICT"]);
    // An answer shows the subscription once its own change is visible, perhaps after later
    // ones: either target.
    for (i, answer) in &won {
        assert!(targets.contains(&answer["zones"]), "call {i}: {answer}");
    }
    let log = events(&app, &id).await;
    let changes: Vec<&Value> = log
        .iter()
        .skip(2)
        .map(|(t, payload)| {
            assert_eq!(t, "ZonesChanged");
            &payload["ZonesChanged"]["zones"]
        })
        .collect();
    assert!(!changes.is_empty() && changes.len() <= won.len());
    for pair in changes.windows(2) {
        assert_ne!(
            pair[0], pair[1],
            "a change to the zones it has writes nothing"
        );
    }
    let shown = shown(&app, &admin, &id).await;
    assert_eq!(
        shown["zones"],
        zone_codes(changes.last().unwrap()),
        "the read model shows the last change"
    );
    assert!(targets.contains(&shown["zones"]));
    log_and_read_models_agree(app.db.pool()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_cancellations_by_the_employee_and_the_administrator_one_is_written() {
    let (app, admin, link, id) = created_for_anne(Some("2026-12-10")).await;
    let anne = app.employee(&link, "91234567").await;

    let results = race(&app, &id, |i| {
        let token = if i % 2 == 0 { &admin } else { &anne };
        (token.clone(), "cancelSubscription", String::new())
    })
    .await;

    let won = successes(&results, &["INVALID_STATE", "CONFLICT"]);
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(won[0].1["endDate"], "2026-12-31");
    let log = events(&app, &id).await;
    let types: Vec<&str> = log.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "SubscriptionOrdered",
            "SubscriptionApproved",
            "SubscriptionCancelled"
        ]
    );
    assert_eq!(shown(&app, &admin, &id).await["endDate"], "2026-12-31");
    log_and_read_models_agree(app.db.pool()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellations_racing_an_immediate_one_always_end_the_ticket_today() {
    let (app, admin, link, id) = created_for_anne(Some("2026-12-10")).await;
    let anne = app.employee(&link, "91234567").await;

    let results = race(&app, &id, |i| {
        if i % 2 == 0 {
            (
                admin.clone(),
                "cancelSubscription",
                ", at: IMMEDIATELY".into(),
            )
        } else {
            (anne.clone(), "cancelSubscription", String::new())
        }
    })
    .await;

    // An end-of-month cancellation may come first and be shortened by an immediate one; one
    // that comes after an immediate one is refused.
    let won = successes(&results, &["INVALID_STATE", "CONFLICT"]);
    assert!((1..=2).contains(&won.len()), "{results:?}");
    assert_eq!(
        won.iter().filter(|(i, _)| i % 2 == 0).count(),
        1,
        "one immediate cancellation is written"
    );
    let log = events(&app, &id).await;
    let ends: Vec<&Value> = log
        .iter()
        .skip(2)
        .map(|(t, payload)| {
            assert_eq!(t, "SubscriptionCancelled");
            &payload["SubscriptionCancelled"]["end_date"]
        })
        .collect();
    assert_eq!(ends.len(), won.len(), "one event per success");
    assert_eq!(ends.last().unwrap().as_str(), Some("2026-12-10"));
    assert_eq!(shown(&app, &admin, &id).await["endDate"], "2026-12-10");
    log_and_read_models_agree(app.db.pool()).await;
}
