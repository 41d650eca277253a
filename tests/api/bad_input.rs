//! Bad input: malformed phones, names, months, dates, ids, oversize strings and wrong enum
//! values give `BAD_USER_INPUT` (never `INTERNAL`), and the event log is unchanged.

use serde_json::json;

use crate::helpers::{code, order, TestApp, ORDER};

#[tokio::test]
async fn malformed_input_is_refused_as_bad_user_input_and_nothing_is_written() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let long = "x".repeat(5_000);
    let register =
        "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }";
    let company_input = |org: &str, name: &str, email: &str| {
        json!({ "input": { "orgNumber": org, "name": name, "invoiceEmail": email,
                           "contactName": "Kari", "contactEmail": "ny@firma.no" } })
    };
    let cases = vec![
        (Some(&operator), register, company_input("123456789", "Firma", "a@b.no")),
        (Some(&operator), register, company_input("974760673", "", "a@b.no")),
        (Some(&operator), register, company_input("974760673", &long, "a@b.no")),
        (Some(&operator), register, company_input("974760673", "Firma", "ikke-epost")),
        (None, "mutation { requestVerificationCode(orderToken: \"x\", phone: \"22334455\") }", json!({})),
        (None, "mutation { requestVerificationCode(orderToken: \"x\", phone: \"91a34567\") }", json!({})),
        (Some(&anne), ORDER, json!({ "input": order("Anne2", "Berg") })),
        (Some(&anne), ORDER, json!({ "input": order("Anne", &long) })),
        (Some(&anne), ORDER, json!({ "input": order("", "Berg") })),
        (Some(&anne), ORDER, json!({ "input": { "firstName": "Anne", "lastName": "Berg", "zones": ["atlantis"], "category": "ADULT" } })),
        (Some(&anne), ORDER, json!({ "input": { "firstName": "Anne", "lastName": "Berg", "zones": ["arendal", "farsund"], "category": "ADULT" } })),
        (Some(&anne), ORDER, json!({ "input": { "firstName": "Anne", "lastName": "Berg", "zones": ["kristiansand"], "category": "PIRATE" } })),
        (Some(&admin), "query($c: ID!) { company(id: $c) { payrollDeductionBasis(month: \"2026-13\") { preliminary } } }", json!({ "c": company })),
        (Some(&admin), "query($c: ID!) { company(id: $c) { payrollDeductionBasis(month: \"desember\") { preliminary } } }", json!({ "c": company })),
        (Some(&admin), "query { company(id: \"not-an-id\") { name } }", json!({})),
        (Some(&admin), "mutation { approveSubscription(id: \"42\") { status } }", json!({})),
        (Some(&admin), "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: SOMETIMES) { name } }", json!({ "c": company })),
        (Some(&admin), "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"12\", input: $input) { id } }", json!({ "c": company, "input": order("Per", "Hansen") })),
        (Some(&admin), "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"41234567\", input: $input, startDate: \"2026-02-30\") { id } }", json!({ "c": company, "input": order("Per", "Hansen") })),
        (Some(&admin), "mutation($c: ID!, $input: OrderInput!) { createSubscription(companyId: $c, phone: \"41234567\", input: $input, startDate: \"2020-01-01\") { id } }", json!({ "c": company, "input": order("Per", "Hansen") })),
        (Some(&admin), "query($c: ID!) { company(id: $c) { tickets(first: 1000) { edges { cursor } } } }", json!({ "c": company })),
        (Some(&admin), "query($c: ID!) { company(id: $c) { tickets(after: \"zz\") { edges { cursor } } } }", json!({ "c": company })),
        (None, "query { tariff(on: \"i morgen\") { validFrom } }", json!({})),
        (None, "{ viewer { kind ", json!({})),
    ];
    let events = app.event_count().await;
    for (token, query, variables) in cases {
        let response = app
            .gql(token.map(String::as_str), query, variables.clone())
            .await;
        assert_eq!(
            code(&response),
            "BAD_USER_INPUT",
            "{query} {variables}: {response:#}"
        );
        assert!(
            response["errors"][0]["extensions"]["field"].is_string(),
            "a field is named: {response:#}"
        );
    }
    assert_eq!(
        app.event_count().await,
        events,
        "the event log is unchanged"
    );
}
