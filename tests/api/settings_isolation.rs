//! Tenant isolation for the settings, administrator, registration, tariff, company-list and
//! invoice operations: an administrator and an employee of another company (and an employee
//! of the company itself) get `FORBIDDEN` or `NOT_FOUND` for each, never data, and nothing is
//! written.

use serde_json::json;

use crate::helpers::{code, TestApp};

#[tokio::test]
async fn another_companys_users_cannot_change_settings_or_see_operator_data() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, other_link) = app
        .company(&operator, "923609016", "per@annet.no", "APPROVAL_REQUIRED")
        .await;
    let other_employee = app.employee(&other_link, "48123456").await;
    let colleague = app.employee(&link, "41234567").await;

    let prices: Vec<_> = ["ONE_ZONE", "TWO_ZONES", "WHOLE_REGION"]
        .iter()
        .flat_map(|class| {
            ["ADULT", "YOUNG_ADULT", "YOUTH", "CHILD", "SENIOR"]
                .iter()
                .map(move |c| json!({ "zoneClass": class, "category": c, "monthly": 50_000 }))
        })
        .collect();
    let vars = json!({
        "c": company,
        "form": { "employeeNumber": "REQUIRED" },
        "contribution": { "kind": "PERCENT", "percent": 100 },
        "tariff": { "validFrom": "2027-02-01", "prices": prices },
        "company": { "orgNumber": "915781705", "name": "Evil AS", "invoiceEmail": "eve@evil.no",
                     "contactName": "Eve Evil", "contactEmail": "eve@evil.no" },
    });
    let attempts = [
        "mutation($c: ID!) { inviteAdministrator(companyId: $c, email: \"eve@evil.no\", name: \"Eve\") { name } }",
        "mutation($c: ID!, $form: OrderFormInput!) { configureOrderForm(companyId: $c, input: $form) { name } }",
        "mutation($c: ID!, $contribution: EmployerContributionInput!) { setEmployerContribution(companyId: $c, input: $contribution) { name } }",
        "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"5010\") { name } }",
        "mutation($tariff: PublishTariffInput!) { publishTariff(input: $tariff) { validFrom } }",
        "query($c: ID!) { company(id: $c) { invoiceBasis(month: \"2027-01\") { totals { price } } } }",
        "query($c: ID!) { company(id: $c) { employerContribution { kind } payTypeCode orderForm { employeeNumber } } }",
        "query($c: ID!) { company(id: $c) { payrollDeductionBasis(month: \"2027-01\") { lines { phone zones } } } }",
        "{ companies { edges { node { name } } } }",
        "{ invoiceBasis(month: \"2027-01\") { lines { name } } }",
        "{ invoiceBasis(month: \"2027-01\") { totals { price } } }",
        "mutation($company: RegisterCompanyInput!) { registerCompany(input: $company) { id } }",
        "{ companies(search: \"firma\") { nodes { id orgNumber } } }",
    ];
    let events = app.event_count().await;
    for token in [&other_admin, &other_employee, &colleague] {
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
    for query in attempts {
        let response = app.gql(None, query, vars.clone()).await;
        assert_eq!(code(&response), "UNAUTHENTICATED", "{query}: {response:#}");
    }
    assert_eq!(app.event_count().await, events, "nothing was written");
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE recipient = $1")
        .bind("eve@evil.no")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(outbox, 0);
    let account: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE email = $1")
        .bind("eve@evil.no")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(account, 0, "no account was created");
}
