//! R8 over HTTP: a holder's zone change follows the company's policy. Under
//! `APPROVAL_REQUIRED` it is a request in the approval queue that an administrator approves or
//! rejects (the ticket keeps its zones until then); under `AUTOMATIC_APPROVAL` it applies at
//! once; under `CLOSED` only administrators change zones.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp};

const REQUEST: &str = "zones wholeRegion zoneClass zoneChangeRequest { zones wholeRegion zoneClass from requestedAt }";

/// A company with `policy`, a ticket created by its administrator for 91234567 from today,
/// and that employee logged in through the order link. Returns (app, company, administrator,
/// holder, subscription id).
async fn ticket(policy: &str) -> (TestApp, String, String, String, String) {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(
            &operator,
            "974760673",
            "kari@firma.no",
            "AUTOMATIC_APPROVAL",
        )
        .await;
    let created = app
        .create(
            &admin,
            &company,
            "91234567",
            order("Per", "Hansen"),
            Some("2026-11-10"),
        )
        .await;
    let holder = app.employee(&link, "91234567").await;
    app.ok(
        Some(&admin),
        &format!(
            "mutation($c: ID!) {{ setOrderingPolicy(companyId: $c, policy: {policy}) {{ name }} }}"
        ),
        json!({ "c": company }),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    (app, company, admin, holder, id)
}

/// `changeZones` to Arendal from next month as the holder of `token`: the whole response.
async fn ask_for_arendal(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql(
        Some(token),
        &format!(
            "mutation($id: ID!) {{ changeZones(id: $id, zones: [\"arendal\"]) {{ {REQUEST} }} }}"
        ),
        json!({ "id": id }),
    )
    .await
}

async fn subscription(app: &TestApp, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ subscription(id: $id) {{ {REQUEST} }} }}");
    app.ok(Some(token), &query, json!({ "id": id })).await["subscription"].clone()
}

#[tokio::test]
async fn under_approval_required_a_holders_change_waits_in_the_queue_until_an_administrator_decides(
) {
    let (app, company, admin, holder, id) = ticket("APPROVAL_REQUIRED").await;
    let asked = ask_for_arendal(&app, &holder, &id).await;
    let asked = &asked["data"]["changeZones"];
    assert_eq!(
        asked["zones"],
        json!(["kristiansand"]),
        "the ticket keeps its zones"
    );
    assert_eq!(asked["zoneChangeRequest"]["zones"], json!(["arendal"]));
    assert_eq!(asked["zoneChangeRequest"]["from"], "NEXT_MONTH");
    assert_eq!(app.queue(&admin, &company).await, std::slice::from_ref(&id));
    let seen = subscription(&app, &admin, &id).await;
    assert_eq!(seen["zoneChangeRequest"]["zones"], json!(["arendal"]));

    // Approved on 2026-12-03: from the first of the month after the approval.
    app.set_today("2026-12-03");
    let admin = app.log_in("kari@firma.no").await;
    let approved = app
        .ok(
            Some(&admin),
            &format!("mutation($id: ID!) {{ approveSubscription(id: $id) {{ {REQUEST} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(approved["approveSubscription"]["zones"], json!(["arendal"]));
    assert_eq!(
        approved["approveSubscription"]["zoneChangeRequest"],
        Value::Null
    );
    assert!(app.queue(&admin, &company).await.is_empty());
    let history = app
        .ok(
            Some(&admin),
            "query($id: ID!) { subscription(id: $id) { history { type change { kind date } } } }",
            json!({ "id": id }),
        )
        .await;
    let kinds: Vec<&str> = history["subscription"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "SubscriptionOrdered",
            "SubscriptionApproved",
            "ZoneChangeRequested",
            "ZoneChangeApproved",
            "ZonesChanged"
        ]
    );
    assert_eq!(
        history["subscription"]["history"][4]["change"]["date"],
        "2027-01-01"
    );
    // The holder is told (one zone for another: the deduction stays, so none is named).
    assert_eq!(
        app.last_message("+4791234567").await,
        "Hei Per. Arbeidsgiveren din har godkjent ønsket ditt: månedsbilletten din gjelder \
         Arendal fra 01.01.2027."
    );

    // A second request, rejected: the zones stay, the queue empties.
    let asked = app
        .ok(
            Some(&holder),
            &format!("mutation($id: ID!) {{ changeZones(id: $id, zones: [], wholeRegion: true) {{ {REQUEST} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        asked["changeZones"]["zoneChangeRequest"]["wholeRegion"],
        true
    );
    assert_eq!(app.queue(&admin, &company).await, std::slice::from_ref(&id));
    let rejected = app
        .ok(
            Some(&admin),
            &format!("mutation($id: ID!) {{ rejectSubscription(id: $id, reason: \"Ikke nødvendig\") {{ {REQUEST} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(rejected["rejectSubscription"]["zones"], json!(["arendal"]));
    assert_eq!(
        rejected["rejectSubscription"]["zoneChangeRequest"],
        Value::Null
    );
    assert!(app.queue(&admin, &company).await.is_empty());
    assert_eq!(
        app.last_message("+4791234567").await,
        "Hei Per. Arbeidsgiveren din har avslått ønsket ditt om nye soner: Ikke nødvendig. \
         Månedsbilletten din gjelder som før."
    );
    // The ticket is still approved: only the request was rejected.
    let status = app
        .ok(
            Some(&admin),
            "query($id: ID!) { subscription(id: $id) { orderStatus } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(status["subscription"]["orderStatus"], "APPROVED");
}

#[tokio::test]
async fn under_automatic_approval_a_holders_change_applies_at_once() {
    let (app, company, admin, holder, id) = ticket("AUTOMATIC_APPROVAL").await;
    let changed = ask_for_arendal(&app, &holder, &id).await;
    assert_eq!(changed["data"]["changeZones"]["zones"], json!(["arendal"]));
    assert_eq!(
        changed["data"]["changeZones"]["zoneChangeRequest"],
        Value::Null
    );
    assert!(app.queue(&admin, &company).await.is_empty());
}

#[tokio::test]
async fn under_closed_only_administrators_change_zones() {
    let (app, company, admin, holder, id) = ticket("CLOSED").await;
    let events = app.event_count().await;
    let refused = ask_for_arendal(&app, &holder, &id).await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("administrator"),
        "{refused}"
    );
    assert_eq!(app.event_count().await, events, "nothing stored");
    assert!(app.queue(&admin, &company).await.is_empty());
    let changed = ask_for_arendal(&app, &admin, &id).await;
    assert_eq!(changed["data"]["changeZones"]["zones"], json!(["arendal"]));
}
