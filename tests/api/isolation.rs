//! Tenant isolation: an administrator and an employee of another company try every query and
//! mutation on the first company's data and get `FORBIDDEN` or `NOT_FOUND`, never data.

use serde_json::json;

use crate::helpers::{code, order, TestApp, ORDER};

#[tokio::test]
async fn another_companys_users_see_and_change_nothing() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, other_link) = app
        .company(&operator, "923609016", "per@annet.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let ordered = app
        .ok(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    let subscription = ordered["orderSubscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other_employee = app.employee(&other_link, "48123456").await;

    let vars = json!({ "c": company, "id": subscription, "input": order("Eve", "Evil") });
    let attempts = [
        "query($c: ID!) { company(id: $c) { name } }",
        "query($c: ID!) { company(id: $c) { approvalQueue { edges { node { phone } } } } }",
        "query($c: ID!) { company(id: $c) { payrollDeductionBasis(month: \"2027-01\") { totals { price } } } }",
        "query($id: ID!) { subscription(id: $id) { phone } }",
        "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: CLOSED) { name } }",
        "mutation($c: ID!) { rotateOrderLink(companyId: $c) { orderLinkToken } }",
        "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"41234567\", input: $input) { id } }",
        "mutation($id: ID!) { approveSubscription(id: $id) { status } }",
        "mutation($id: ID!) { rejectSubscription(id: $id, reason: \"nei\") { status } }",
        "mutation($id: ID!) { changeZones(id: $id, zones: [\"arendal\"]) { status } }",
        "mutation($id: ID!) { changeCategory(id: $id, category: CHILD) { status } }",
        "mutation($id: ID!) { cancelSubscription(id: $id) { status } }",
        "mutation($id: ID!) { resumeSubscription(id: $id) { status } }",
        "mutation($id: ID!) { withdrawOrder(id: $id) { status } }",
    ];
    let events = app.event_count().await;
    for token in [&other_admin, &other_employee] {
        for query in attempts {
            let response = app.gql(Some(token), query, vars.clone()).await;
            let code = code(&response);
            assert!(
                code == "FORBIDDEN" || code == "NOT_FOUND",
                "{query}: {response:#}"
            );
            assert!(response["data"].is_null(), "{query} leaked {response:#}");
        }
    }
    assert_eq!(app.event_count().await, events, "nothing was written");
    let mine = app
        .ok(
            Some(&other_employee),
            "{ mySubscriptions { id } }",
            json!({}),
        )
        .await;
    assert!(mine["mySubscriptions"].as_array().unwrap().is_empty());
    let unauthenticated = app
        .gql(None, "query($c: ID!) { company(id: $c) { name } }", vars)
        .await;
    assert_eq!(code(&unauthenticated), "UNAUTHENTICATED");
}
