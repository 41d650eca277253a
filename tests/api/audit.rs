//! The audit trail over GraphQL (SPEC.md "Audit"): `Subscription.history` lists every event
//! with its actor, and `Subscription.stateAt` folds the events up to an instant.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp, ORDER, PASSWORD};

const HISTORY: &str = "query($id: ID!) { subscription(id: $id) { history {
    type version sequence recordedAt occurredAt correlationId summary
    actor { kind accountId phone companyId label } } } }";

const STATE_AT: &str = "query($id: ID!, $at: DateTime!) { subscription(id: $id) {
    stateAt(at: $at) { id status orderStatus zones validFrom decidedAt firstName } } }";

/// A fresh session of the administrator `email` (sessions expire as the days pass).
async fn log_in(app: &TestApp, email: &str) -> String {
    let data = app
        .ok(
            None,
            "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
            json!({ "e": email, "p": PASSWORD }),
        )
        .await;
    data["logIn"]["token"].as_str().unwrap().to_owned()
}

/// A subscription ordered on 2026-12-10, approved on 2026-12-12 and moved to two zones on
/// 2026-12-14. Returns (app, administrator, order link, other company's administrator, id),
/// the sessions fresh on 2026-12-14.
pub(crate) async fn approved_and_moved() -> (TestApp, String, String, String, String) {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.company(&operator, "923609016", "per@annet.no", "APPROVAL_REQUIRED")
        .await;
    let employee = app.employee(&link, "41234567").await;
    let ordered = app
        .ok(
            Some(&employee),
            ORDER,
            json!({ "input": order("Anne", "Ansatt") }),
        )
        .await;
    let id = ordered["orderSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.set_today("2026-12-12");
    let admin = log_in(&app, "kari@firma.no").await;
    app.ok(
        Some(&admin),
        "mutation($id: ID!) { approveSubscription(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    app.set_today("2026-12-14");
    let admin = log_in(&app, "kari@firma.no").await;
    app.ok(
        Some(&admin),
        "mutation($id: ID!) { changeZones(id: $id, zones: [\"kristiansand\", \"vennesla\"]) { zones } }",
        json!({ "id": id }),
    )
    .await;
    let other_admin = log_in(&app, "per@annet.no").await;
    (app, admin, link, other_admin, id)
}

fn history(data: &Value) -> &Vec<Value> {
    data["subscription"]["history"]
        .as_array()
        .expect("a history")
}

#[tokio::test]
async fn the_history_lists_each_event_with_its_actor_and_the_change_in_words() {
    let (app, admin, link, _, id) = approved_and_moved().await;
    let data = app.ok(Some(&admin), HISTORY, json!({ "id": id })).await;
    let events = history(&data);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "SubscriptionOrdered",
            "SubscriptionApproved",
            "ZonesChanged"
        ]
    );
    let sequences: Vec<i64> = events
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, [1, 2, 3]);
    assert_eq!(events[0]["version"], "2");
    assert_eq!(events[0]["actor"]["kind"], "EMPLOYEE");
    assert_eq!(events[0]["actor"]["phone"], "+4741234567");
    assert_eq!(events[1]["actor"]["kind"], "ADMINISTRATOR");
    assert!(events[1]["actor"]["accountId"].is_string());
    assert_eq!(events[2]["actor"]["kind"], "ADMINISTRATOR");
    assert!(events[0]["occurredAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-10"));
    assert!(events[1]["occurredAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-12"));
    assert!(events.iter().all(|e| e["recordedAt"].is_string()));
    assert!(events.iter().all(|e| e["correlationId"].is_string()));
    assert_ne!(events[1]["correlationId"], events[2]["correlationId"]);
    let summaries: Vec<&str> = events
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries[0].starts_with("Ordered for Anne Ansatt"),
        "{summaries:?}"
    );
    assert_eq!(summaries[1], "Approved, valid from 2027-01-01");
    assert!(
        summaries[2].starts_with("Zones changed to kristiansand + vennesla from 2027-01-01"),
        "{summaries:?}"
    );

    let employee = app.employee(&link, "41234567").await;
    let own = app.ok(Some(&employee), HISTORY, json!({ "id": id })).await;
    assert_eq!(history(&own).len(), 3, "the holder sees their own history");
}

#[tokio::test]
async fn the_state_at_an_instant_folds_the_events_up_to_it() {
    let (app, admin, _, _, id) = approved_and_moved().await;
    let at = |instant: &str| json!({ "id": id, "at": instant });

    let before = app
        .ok(Some(&admin), STATE_AT, at("2026-12-09T12:00:00Z"))
        .await;
    assert!(
        before["subscription"]["stateAt"].is_null(),
        "not ordered yet"
    );

    let pending = app
        .ok(Some(&admin), STATE_AT, at("2026-12-11T12:00:00Z"))
        .await;
    let pending = &pending["subscription"]["stateAt"];
    assert_eq!(pending["id"], id.as_str());
    assert_eq!(pending["orderStatus"], "PENDING");
    assert_eq!(pending["status"], "PENDING");
    assert!(pending["decidedAt"].is_null());

    let approved = app
        .ok(Some(&admin), STATE_AT, at("2026-12-13T12:00:00+01:00"))
        .await;
    let approved = &approved["subscription"]["stateAt"];
    assert_eq!(approved["orderStatus"], "APPROVED");
    assert_eq!(
        approved["status"], "UPCOMING",
        "approved, valid from January"
    );
    assert_eq!(approved["validFrom"], "2027-01-01");
    assert_eq!(approved["zones"], json!(["kristiansand"]));

    let moved = app
        .ok(Some(&admin), STATE_AT, at("2027-01-05T08:00:00Z"))
        .await;
    let moved = &moved["subscription"]["stateAt"];
    assert_eq!(moved["orderStatus"], "APPROVED");
    assert_eq!(moved["status"], "ACTIVE");
    assert_eq!(moved["zones"], json!(["kristiansand", "vennesla"]));
}

#[tokio::test]
async fn the_audit_trail_is_not_shown_to_another_company() {
    let (app, _, _, other_admin, id) = approved_and_moved().await;
    let response = app
        .gql(Some(&other_admin), HISTORY, json!({ "id": id }))
        .await;
    assert_eq!(code(&response), "NOT_FOUND");
    let response = app
        .gql(
            Some(&other_admin),
            STATE_AT,
            json!({ "id": id, "at": "2027-01-05T08:00:00Z" }),
        )
        .await;
    assert_eq!(code(&response), "NOT_FOUND");
    let response = app.gql(None, HISTORY, json!({ "id": id })).await;
    assert_eq!(code(&response), "UNAUTHENTICATED");
}

#[tokio::test]
async fn history_times_keep_their_microseconds_and_state_at_an_events_own_time_includes_it() {
    let (app, admin, _, _, id) = approved_and_moved().await;
    let instant = "2026-12-14T15:30:15.123456Z";
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339(instant)
            .unwrap()
            .to_utc(),
    );
    app.ok(
        Some(&admin),
        "mutation($id: ID!) { cancelSubscription(id: $id) { endDate } }",
        json!({ "id": id }),
    )
    .await;

    let data = app.ok(Some(&admin), HISTORY, json!({ "id": id })).await;
    let last = history(&data).last().expect("events").clone();
    assert_eq!(last["type"], "SubscriptionCancelled");
    assert_eq!(
        last["occurredAt"], instant,
        "the command's instant, to the microsecond"
    );
    let recorded: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT recorded_at FROM events WHERE aggregate_id = $1 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(&id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let shown = chrono::DateTime::parse_from_rfc3339(last["recordedAt"].as_str().unwrap())
        .unwrap()
        .to_utc();
    assert_eq!(shown, recorded, "recordedAt as the log holds it");

    let end_date_at = |at: &'static str| {
        let app = &app;
        let admin = &admin;
        let id = &id;
        async move {
            let data = app
                .ok(
                    Some(admin),
                    "query($id: ID!, $at: DateTime!) { subscription(id: $id) { stateAt(at: $at) { endDate } } }",
                    json!({ "id": id, "at": at }),
                )
                .await;
            data["subscription"]["stateAt"]["endDate"].clone()
        }
    };
    assert_eq!(
        end_date_at(instant).await,
        "2026-12-31",
        "at an event's own occurredAt, the state includes that event"
    );
    assert_eq!(
        end_date_at("2026-12-14T15:30:15.123455Z").await,
        Value::Null,
        "a microsecond earlier, it does not"
    );
}
