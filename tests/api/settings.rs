//! A company's settings through the API: the order form, the employer contribution (R14) and
//! the payroll settings change what `company(id)`, the order form and the payroll deduction
//! basis show.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp, ORDER};

const PAYROLL: &str = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) {
    month preliminary
    lines { subscriptionId employeeNumber firstName lastName phone zones zoneClass category price employerContribution deduction }
    totals { subscriptions price employerContribution deduction } } } }";

const CONTRIBUTION: &str = "mutation($c: ID!, $input: EmployerContributionInput!) {
    setEmployerContribution(companyId: $c, input: $input) { employerContribution { kind percent amount } } }";

/// The first payroll line of January 2027 and the basis around it.
async fn january(app: &TestApp, admin: &str, company: &str) -> Value {
    let data = app
        .ok(
            Some(admin),
            PAYROLL,
            json!({ "c": company, "m": "2027-01" }),
        )
        .await;
    data["company"]["payrollDeductionBasis"].clone()
}

#[tokio::test]
async fn settings_change_what_the_company_and_the_payroll_basis_show() {
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
    let anne = app.employee(&link, "91234567").await;
    let mut input = order("Anne", "Berg");
    input["employeeNumber"] = json!("A-1042");
    app.ok(Some(&anne), ORDER, json!({ "input": input })).await;

    let basis = january(&app, &admin, &company).await;
    assert_eq!(basis["preliminary"], true);
    assert_eq!(basis["month"], "2027-01");
    let line = &basis["lines"][0];
    assert_eq!(line["employeeNumber"], "A-1042");
    assert_eq!(line["firstName"], "Anne");
    assert_eq!(line["lastName"], "Berg");
    assert_eq!(line["phone"], "+4791234567");
    assert_eq!(line["zones"], json!(["kristiansand"]));
    assert_eq!(line["zoneClass"], "ONE_ZONE");
    assert_eq!(line["category"], "ADULT");
    let price = line["price"].as_i64().unwrap();
    assert!(price > 0);
    assert_eq!(line["employerContribution"], 0);
    assert_eq!(line["deduction"], price);
    assert_eq!(basis["totals"]["subscriptions"], 1);
    assert_eq!(basis["totals"]["deduction"], price);

    let set = app
        .ok(
            Some(&admin),
            CONTRIBUTION,
            json!({ "c": company, "input": { "kind": "PERCENT", "percent": 50 } }),
        )
        .await;
    assert_eq!(
        set["setEmployerContribution"]["employerContribution"],
        json!({ "kind": "PERCENT", "percent": 50, "amount": null })
    );
    let basis = january(&app, &admin, &company).await;
    let half = (price + 1) / 2;
    assert_eq!(basis["lines"][0]["employerContribution"], half);
    assert_eq!(basis["lines"][0]["deduction"], price - half);
    assert_eq!(basis["totals"]["deduction"], price - half);

    let set = app
        .ok(
            Some(&admin),
            CONTRIBUTION,
            json!({ "c": company, "input": { "kind": "FIXED", "amount": price * 10 } }),
        )
        .await;
    assert_eq!(
        set["setEmployerContribution"]["employerContribution"]["kind"],
        "FIXED"
    );
    let basis = january(&app, &admin, &company).await;
    assert_eq!(basis["lines"][0]["employerContribution"], price, "capped");
    assert_eq!(basis["lines"][0]["deduction"], 0);

    let data = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { employerContribution { kind amount } payTypeCode } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(
        data["company"]["employerContribution"]["amount"],
        price * 10
    );
    assert!(data["company"]["payTypeCode"].is_null());
    let data = app
        .ok(
            Some(&admin),
            "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \" 5010 \") { payTypeCode } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(data["setPayrollSettings"]["payTypeCode"], "5010");
}

#[tokio::test]
async fn the_order_form_configuration_shows_on_the_company_and_the_order_page() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let data = app
        .ok(
            Some(&admin),
            "mutation($c: ID!, $input: OrderFormInput!) { configureOrderForm(companyId: $c, input: $input) {
                orderForm { employeeNumber extraFields { label required } } } }",
            json!({ "c": company, "input": { "employeeNumber": "REQUIRED", "extraFields": [
                { "label": "Avdeling", "required": true }, { "label": "Kostnadssted" } ] } }),
        )
        .await;
    assert_eq!(
        data["configureOrderForm"]["orderForm"],
        json!({ "employeeNumber": "REQUIRED", "extraFields": [
            { "label": "Avdeling", "required": true },
            { "label": "Kostnadssted", "required": false } ] })
    );
    let page = app
        .ok(
            None,
            "query($t: String!) { orderForm(token: $t) { employeeNumber extraFields { label required } } }",
            json!({ "t": link }),
        )
        .await;
    assert_eq!(page["orderForm"]["employeeNumber"], "REQUIRED");
    assert_eq!(page["orderForm"]["extraFields"][0]["label"], "Avdeling");
}

#[tokio::test]
async fn settings_that_break_the_rules_are_refused_on_their_field() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let events = app.event_count().await;
    let contribution = |input: Value| json!({ "c": company, "input": input });
    let cases = [
        (CONTRIBUTION, contribution(json!({ "kind": "PERCENT", "percent": 101 })), "percent"),
        (CONTRIBUTION, contribution(json!({ "kind": "PERCENT", "percent": -1 })), "percent"),
        (CONTRIBUTION, contribution(json!({ "kind": "PERCENT" })), "percent"),
        (CONTRIBUTION, contribution(json!({ "kind": "FIXED" })), "amount"),
        (CONTRIBUTION, contribution(json!({ "kind": "NONE", "amount": 100 })), "amount"),
        (
            "mutation($c: ID!, $input: OrderFormInput!) { configureOrderForm(companyId: $c, input: $input) { name } }",
            contribution(json!({ "employeeNumber": "OPTIONAL", "extraFields": [
                { "label": "Avdeling" }, { "label": "Avdeling" } ] })),
            "extraFields",
        ),
        (
            "mutation($c: ID!, $input: OrderFormInput!) { configureOrderForm(companyId: $c, input: $input) { name } }",
            contribution(json!({ "employeeNumber": "OPTIONAL", "extraFields": [{ "label": "  " }] })),
            "extraFields",
        ),
        (
            "mutation($c: ID!, $input: String!) { setPayrollSettings(companyId: $c, payTypeCode: $input) { name } }",
            contribution(json!("50;10")),
            "payTypeCode",
        ),
    ];
    for (query, variables, field) in cases {
        let response = app.gql(Some(&admin), query, variables.clone()).await;
        assert_eq!(
            code(&response),
            "BAD_USER_INPUT",
            "{variables}: {response:#}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{variables}: {response:#}"
        );
    }
    assert_eq!(app.event_count().await, events, "nothing was written");
}
