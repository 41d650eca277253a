//! Tenant isolation for company data and subscriptions: an administrator of another company,
//! an employee of another company, and an employee of the same company who does not hold the
//! subscription run every query and mutation on the first company's data (each subscription
//! mutation on a subscription in the state where its holder or administrator could run it)
//! and get `FORBIDDEN` or `NOT_FOUND`, never data; the event log is unchanged. The settings,
//! tariff and operator operations are in `settings_isolation`.

use serde_json::json;

use crate::helpers::{order, TestApp};

/// Every operation on a company's data or its subscriptions. `$c` is the company, `$pending`
/// a pending order, `$approved` an approved ticket, `$cancelled` a ticket cancelled at the end
/// of the month.
const OPERATIONS: &[&str] = &[
    "query($c: ID!) { company(id: $c) { name orgNumber invoiceEmail registeredAt } }",
    "query($c: ID!) { company(id: $c) { orderLink orderLinkToken orderingPolicy } }",
    "query($c: ID!) { company(id: $c) { administrators { email name } } }",
    "query($c: ID!) { company(id: $c) { approvalQueue { edges { node { phone } } } } }",
    "query($c: ID!) { company(id: $c) { tickets { edges { node { phone firstName } } } } }",
    "query($c: ID!) { company(id: $c) { tickets(search: \"berg\", status: UPCOMING) { nodes { id } } } }",
    "query($c: ID!) { company(id: $c) { payrollDeductionBasis(month: \"2027-01\") { lines { phone price } } } }",
    "query($c: ID!) { company(id: $c) { invoiceBasis(month: \"2027-01\") { totals { price } } } }",
    "query($pending: ID!) { subscription(id: $pending) { phone firstName } }",
    "query($approved: ID!) { subscription(id: $approved) { phone } }",
    "query($approved: ID!) { subscription(id: $approved) { history { summary actor { phone } } } }",
    "query($approved: ID!) { subscription(id: $approved) { stateAt(at: \"2026-12-10T12:00:00Z\") { phone } } }",
    "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: CLOSED) { name } }",
    "mutation($c: ID!) { rotateOrderLink(companyId: $c) { orderLinkToken } }",
    "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"41234599\", input: $input) { id } }",
    "mutation($pending: ID!) { approveSubscription(id: $pending) { status } }",
    "mutation($pending: ID!) { rejectSubscription(id: $pending, reason: \"nei\") { status } }",
    "mutation($pending: ID!) { withdrawOrder(id: $pending) { status } }",
    "mutation($approved: ID!) { changeZones(id: $approved, zones: [\"arendal\"]) { phone } }",
    "mutation($approved: ID!) { changeZones(id: $approved, zones: [], wholeRegion: true, from: IMMEDIATELY) { phone } }",
    "mutation($approved: ID!) { changeCategory(id: $approved, category: CHILD) { phone } }",
    "mutation($approved: ID!) { cancelSubscription(id: $approved) { phone } }",
    "mutation($approved: ID!) { cancelSubscription(id: $approved, at: IMMEDIATELY) { phone } }",
    "mutation($cancelled: ID!) { resumeSubscription(id: $cancelled) { phone } }",
];

#[tokio::test]
async fn other_users_see_and_change_nothing_of_a_company_or_its_subscriptions() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, other_link) = app
        .company(&operator, "923609016", "per@annet.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let pending = app.order(&anne, order("Anne", "Berg")).await["id"].clone();
    let approved = app
        .create(&admin, &company, "48123456", order("Bjørn", "Dahl"), None)
        .await["id"]
        .clone();
    let cecilie = app
        .create(&admin, &company, "93456789", order("Cecilie", "Eik"), None)
        .await;
    let cancelled = app
        .cancel(&admin, cecilie["id"].as_str().unwrap(), "END_OF_MONTH")
        .await["id"]
        .clone();
    let other_employee = app.employee(&other_link, "48123456").await;
    let colleague = app.employee(&link, "41234567").await;

    let variables = json!({ "c": company, "pending": pending, "approved": approved,
        "cancelled": cancelled, "input": order("Eve", "Evil") });
    let mut table = Vec::new();
    for token in [&other_admin, &other_employee, &colleague] {
        for query in OPERATIONS {
            table.push((Some(token.as_str()), *query, variables.clone()));
        }
    }
    app.assert_refused(&table, &["FORBIDDEN", "NOT_FOUND"])
        .await;

    let mine = app
        .ok(
            Some(&other_employee),
            "{ mySubscriptions { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["mySubscriptions"],
        json!([]),
        "Bjørn's phone, another company"
    );
    let mine = app
        .ok(Some(&colleague), "{ mySubscriptions { id } }", json!({}))
        .await;
    assert_eq!(mine["mySubscriptions"], json!([]));
    let orders = app
        .gql(Some(&other_admin), "{ mySubscriptions { id } }", json!({}))
        .await;
    assert!(orders["data"].is_null() || orders["data"]["mySubscriptions"] == json!([]));

    let anonymous: Vec<_> = OPERATIONS
        .iter()
        .map(|query| (None, *query, variables.clone()))
        .collect();
    app.assert_refused(&anonymous, &["UNAUTHENTICATED"]).await;
    assert_eq!(
        app.queue(&admin, &company).await,
        [pending.as_str().unwrap()]
    );
}
