//! SPEC.md's flow, steps 1-8: register, invite, policy, order link, SMS login, orders, the
//! approval queue, decisions, statuses, zones, category, cancellation, resume, payroll.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp, ORDER};

const QUEUE: &str = "query($c: ID!) { company(id: $c) { approvalQueue(first: 10) { edges { cursor node { id firstName status } } pageInfo { hasNextPage } } } }";
const MINE: &str =
    "{ mySubscriptions { id status startDate validFrom endDate zones zoneClass rejectionReason } }";
const PAYROLL: &str = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) { preliminary lines { firstName zoneClass price deduction } totals { subscriptions price } } } }";

fn statuses(data: &Value) -> Vec<String> {
    data["mySubscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_whole_flow_with_approval_required() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;

    let form = app
        .ok(
            None,
            "query($t: String!) { orderForm(token: $t) { companyName startDate orderingPolicy } }",
            json!({ "t": link }),
        )
        .await;
    assert_eq!(form["orderForm"]["startDate"], "2027-01-01");

    let anne = app.employee(&link, "912 34 567").await;
    let ordered = app
        .ok(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    assert_eq!(ordered["orderSubscription"]["status"], "PENDING");
    assert_eq!(ordered["orderSubscription"]["startDate"], "2027-01-01");
    let anne_sub = ordered["orderSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let bjorn = app.employee(&link, "48123456").await;
    let ordered = app
        .ok(
            Some(&bjorn),
            ORDER,
            json!({ "input": order("Bjørn", "Dahl") }),
        )
        .await;
    let bjorn_sub = ordered["orderSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let again = app
        .gql(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    assert_eq!(code(&again), "ALREADY_SUBSCRIBED");

    let queue = app.ok(Some(&admin), QUEUE, json!({ "c": company })).await;
    let edges = queue["company"]["approvalQueue"]["edges"]
        .as_array()
        .unwrap();
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[0]["node"]["firstName"], "Anne", "oldest first");

    let approved = app
        .ok(
            Some(&admin),
            "mutation($id: ID!) { approveSubscription(id: $id) { status validFrom } }",
            json!({ "id": anne_sub }),
        )
        .await;
    assert_eq!(approved["approveSubscription"]["status"], "UPCOMING");
    let rejected = app
        .ok(Some(&admin), "mutation($id: ID!) { rejectSubscription(id: $id, reason: \"Ikke ansatt her\") { status rejectionReason } }", json!({ "id": bjorn_sub }))
        .await;
    assert_eq!(rejected["rejectSubscription"]["status"], "REJECTED");
    let queue = app.ok(Some(&admin), QUEUE, json!({ "c": company })).await;
    assert!(queue["company"]["approvalQueue"]["edges"]
        .as_array()
        .unwrap()
        .is_empty());

    assert_eq!(
        statuses(&app.ok(Some(&anne), MINE, json!({})).await),
        ["UPCOMING"]
    );
    let mine = app.ok(Some(&bjorn), MINE, json!({})).await;
    assert_eq!(statuses(&mine), ["REJECTED"]);
    assert_eq!(
        mine["mySubscriptions"][0]["rejectionReason"],
        "Ikke ansatt her"
    );

    let changed = app
        .ok(Some(&admin), "mutation($id: ID!) { changeZones(id: $id, zones: [\"kristiansand\", \"vennesla\"]) { zones zoneClass } }", json!({ "id": anne_sub }))
        .await;
    assert_eq!(changed["changeZones"]["zoneClass"], "TWO_ZONES");
    let refused = app
        .gql(
            Some(&anne),
            "mutation($id: ID!) { changeCategory(id: $id, category: SENIOR) { id } }",
            json!({ "id": anne_sub }),
        )
        .await;
    assert_eq!(code(&refused), "CATEGORY_CHANGE_REQUIRES_NEW_SUBSCRIPTION");

    let january = app
        .ok(
            Some(&admin),
            PAYROLL,
            json!({ "c": company, "m": "2027-01" }),
        )
        .await;
    let basis = &january["company"]["payrollDeductionBasis"];
    assert_eq!(basis["totals"]["subscriptions"], 1);
    assert_eq!(basis["lines"][0]["firstName"], "Anne");
    assert_eq!(basis["lines"][0]["zoneClass"], "TWO_ZONES");
    assert_eq!(
        basis["lines"][0]["price"], 105_000,
        "two zones, adult: 1050 kr (example tariff)"
    );
    let december = app
        .ok(
            Some(&admin),
            PAYROLL,
            json!({ "c": company, "m": "2026-12" }),
        )
        .await;
    assert_eq!(
        december["company"]["payrollDeductionBasis"]["totals"]["subscriptions"],
        0
    );

    // Within the employee's 30-day session; the administrator's 12 hours have passed.
    app.set_today("2027-01-05");
    let admin = app
        .ok(None, "mutation { logIn(email: \"kari@firma.no\", password: \"korrekt hest batteri\") { token } }", json!({}))
        .await["logIn"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        statuses(&app.ok(Some(&anne), MINE, json!({})).await),
        ["ACTIVE"]
    );
    let cancelled = app
        .ok(
            Some(&anne),
            "mutation($id: ID!) { cancelSubscription(id: $id) { status endDate } }",
            json!({ "id": anne_sub }),
        )
        .await;
    assert_eq!(cancelled["cancelSubscription"]["status"], "ENDING");
    assert_eq!(cancelled["cancelSubscription"]["endDate"], "2027-01-31");
    let active = app
        .ok(Some(&admin), "query($c: ID!) { company(id: $c) { tickets(status: ENDING) { edges { node { id } } } } }", json!({ "c": company }))
        .await;
    assert_eq!(
        active["company"]["tickets"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let resumed = app
        .ok(
            Some(&anne),
            "mutation($id: ID!) { resumeSubscription(id: $id) { status endDate } }",
            json!({ "id": anne_sub }),
        )
        .await;
    assert_eq!(resumed["resumeSubscription"]["status"], "ACTIVE");
    assert_eq!(resumed["resumeSubscription"]["endDate"], Value::Null);

    let found = app
        .ok(Some(&admin), "query($c: ID!) { company(id: $c) { tickets(search: \"berg\") { edges { node { lastName } } } } }", json!({ "c": company }))
        .await;
    assert_eq!(
        found["company"]["tickets"]["edges"][0]["node"]["lastName"],
        "Berg"
    );

    let out = app.ok(Some(&anne), "mutation { logOut }", json!({})).await;
    assert_eq!(out["logOut"], true);
    assert_eq!(
        code(&app.gql(Some(&anne), MINE, json!({})).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn automatic_approval_and_closed_ordering() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, auto_link) = app
        .company(
            &operator,
            "974760673",
            "kari@firma.no",
            "AUTOMATIC_APPROVAL",
        )
        .await;
    let anne = app.employee(&auto_link, "91234567").await;
    let ordered = app
        .ok(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    assert_eq!(ordered["orderSubscription"]["status"], "UPCOMING");

    let (company, admin, closed_link) = app
        .company(&operator, "923609016", "per@annet.no", "CLOSED")
        .await;
    let bjorn = app.employee(&closed_link, "48123456").await;
    let refused = app
        .gql(
            Some(&bjorn),
            ORDER,
            json!({ "input": order("Bjørn", "Dahl") }),
        )
        .await;
    assert_eq!(code(&refused), "ORDERING_CLOSED");
    let created = app
        .ok(
            Some(&admin),
            "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"48123456\", input: $input) { status startDate } }",
            json!({ "c": company, "input": order("Bjørn", "Dahl") }),
        )
        .await;
    assert_eq!(created["createSubscription"]["status"], "UPCOMING");
}
