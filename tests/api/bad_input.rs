//! Bad input to the account, company, settings and tariff mutations: malformed organisation
//! numbers, names, e-mail addresses, passwords, dates, ids, oversize strings and wrong enum
//! values give `BAD_USER_INPUT` on the field (never `INTERNAL`), and the event log is
//! unchanged. The employee and subscription mutations are in `bad_input_orders`.

use serde_json::{json, Value};

use crate::helpers::{link_token, TestApp};

const REGISTER: &str =
    "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }";
const INVITE: &str = "mutation($c: ID!, $e: String!, $n: String!) { inviteAdministrator(companyId: $c, email: $e, name: $n) { name } }";
const FORM: &str = "mutation($c: ID!, $input: OrderFormInput!) { configureOrderForm(companyId: $c, input: $input) { name } }";
const CONTRIBUTION: &str = "mutation($c: ID!, $input: EmployerContributionInput!) { setEmployerContribution(companyId: $c, input: $input) { name } }";
const PAY_TYPE: &str = "mutation($c: ID!, $p: String!) { setPayrollSettings(companyId: $c, payTypeCode: $p) { name } }";
const TARIFF: &str =
    "mutation($input: PublishTariffInput!) { publishTariff(input: $input) { validFrom } }";
const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";
const ACCEPT: &str =
    "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }";

fn company(org: &str, name: &str, invoice: &str, contact: &str, email: &str) -> Value {
    json!({ "input": { "orgNumber": org, "name": name, "invoiceEmail": invoice,
                       "contactName": contact, "contactEmail": email } })
}

fn tariff(valid_from: &str, monthly: Value) -> Value {
    let prices: Vec<_> = ["ONE_ZONE", "TWO_ZONES", "WHOLE_REGION"]
        .iter()
        .flat_map(|class| {
            ["ADULT", "YOUNG_ADULT", "YOUTH", "CHILD", "SENIOR"]
                .iter()
                .map({
                    let monthly = monthly.clone();
                    move |c| json!({ "zoneClass": class, "category": c, "monthly": monthly })
                })
        })
        .collect();
    json!({ "input": { "validFrom": valid_from, "prices": prices } })
}

#[tokio::test]
async fn malformed_account_company_settings_and_tariff_input_is_refused() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (c, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(
        Some(&admin),
        INVITE,
        json!({ "c": c, "e": "ola@firma.no", "n": "Ola" }),
    )
    .await;
    let invitation = link_token(&app.last_message("ola@firma.no").await);
    app.ok(
        None,
        "mutation { requestPasswordReset(email: \"kari@firma.no\") }",
        json!({}),
    )
    .await;
    let reset = link_token(&app.last_message("kari@firma.no").await);
    let long = "x".repeat(5_000);
    let (op, adm) = (Some(operator.as_str()), Some(admin.as_str()));
    let ok_org = "923609016";
    #[rustfmt::skip]
    let cases: Vec<(_, &str, Value, &str)> = vec![
        (op, REGISTER, company("123456789", "Firma", "a@b.no", "Kari", "ny@firma.no"), "orgNumber"),
        (op, REGISTER, company("97476067", "Firma", "a@b.no", "Kari", "ny@firma.no"), "orgNumber"),
        (op, REGISTER, company(&long, "Firma", "a@b.no", "Kari", "ny@firma.no"), "orgNumber"),
        (op, REGISTER, company(ok_org, "", "a@b.no", "Kari", "ny@firma.no"), "name"),
        (op, REGISTER, company(ok_org, &long, "a@b.no", "Kari", "ny@firma.no"), "name"),
        (op, REGISTER, company(ok_org, "Firma", "ikke-epost", "Kari", "ny@firma.no"), "invoiceEmail"),
        (op, REGISTER, company(ok_org, "Firma", "a@b.no", "", "ny@firma.no"), "contactName"),
        (op, REGISTER, company(ok_org, "Firma", "a@b.no", "Kari", "@firma"), "contactEmail"),
        (op, REGISTER, json!({ "input": { "orgNumber": ok_org } }), "*"),
        (adm, INVITE, json!({ "c": c, "e": "ikke en adresse", "n": "Per" }), "email"),
        (adm, INVITE, json!({ "c": c, "e": "per@firma.no", "n": "" }), "name"),
        (adm, INVITE, json!({ "c": c, "e": "per@firma.no", "n": long }), "name"),
        (adm, INVITE, json!({ "c": "not-an-id", "e": "per@firma.no", "n": "Per" }), "*"),
        (adm, "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: SOMETIMES) { name } }", json!({ "c": c }), "*"),
        (adm, "mutation { setOrderingPolicy(companyId: \"42\", policy: CLOSED) { name } }", json!({}), "*"),
        (adm, "mutation { rotateOrderLink(companyId: \"42\") { name } }", json!({}), "*"),
        (adm, FORM, json!({ "c": c, "input": { "employeeNumber": "SOMETIMES" } }), "*"),
        (adm, FORM, json!({ "c": c, "input": { "employeeNumber": "HIDDEN", "extraFields": [{ "label": "" }] } }), "extraFields"),
        (adm, FORM, json!({ "c": c, "input": { "employeeNumber": "HIDDEN", "extraFields": [{ "label": long }] } }), "extraFields"),
        (adm, FORM, json!({ "c": c, "input": { "employeeNumber": "HIDDEN", "extraFields": [{ "label": "Avd" }, { "label": "Avd" }] } }), "extraFields"),
        (adm, FORM, json!({ "c": c, "input": { "employeeNumber": "HIDDEN", "extraFields": (0..11).map(|i| json!({ "label": format!("Felt {i}") })).collect::<Vec<_>>() } }), "extraFields"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "PERCENT", "percent": 101 } }), "*"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "PERCENT", "percent": -1 } }), "*"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "PERCENT" } }), "*"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "FIXED", "amount": -100 } }), "*"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "FIXED", "amount": "mye" } }), "*"),
        (adm, CONTRIBUTION, json!({ "c": c, "input": { "kind": "HALF" } }), "*"),
        (adm, PAY_TYPE, json!({ "c": c, "p": "" }), "payTypeCode"),
        (adm, PAY_TYPE, json!({ "c": c, "p": long }), "payTypeCode"),
        (op, TARIFF, tariff("2027-02-15", json!(50_000)), "validFrom"),
        (op, TARIFF, tariff("2026-12-01", json!(50_000)), "validFrom"),
        (op, TARIFF, tariff("2027-02-30", json!(50_000)), "*"),
        (op, TARIFF, tariff("2027-02-01", json!(-1)), "*"),
        (op, TARIFF, json!({ "input": { "validFrom": "2027-02-01", "prices": [] } }), "*"),
        (None, LOG_IN, json!({ "e": "ikke-epost", "p": "korrekt hest batteri" }), "email"),
        (None, LOG_IN, json!({ "e": long, "p": "korrekt hest batteri" }), "email"),
        (None, "mutation { requestPasswordReset(email: \"kari(at)firma.no\") }", json!({}), "email"),
        (None, ACCEPT, json!({ "t": invitation, "p": "kort" }), "password"),
        (None, ACCEPT, json!({ "t": invitation, "p": long }), "password"),
        (None, RESET, json!({ "t": reset, "p": "kort" }), "password"),
        (None, RESET, json!({ "t": reset, "p": long }), "password"),
    ];
    app.assert_bad_input(&cases).await;
}
