//! Bad input to the employee and subscription operations: malformed phones, codes, names,
//! zones, dates, months, ids, cursors, oversize strings and wrong enum values give
//! `BAD_USER_INPUT` on the field (never `INTERNAL`), and the event log is unchanged.

use serde_json::{json, Value};

use crate::helpers::{order, TestApp, ORDER};

const CODE: &str =
    "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }";
const VERIFY: &str = "mutation($l: String!, $p: String!, $c: String!) { verifyPhone(orderToken: $l, phone: $p, code: $c) { token } }";
const CREATE: &str = "mutation($c: ID!, $p: String!, $input: OrderInput!, $s: Date) { createSubscription(companyId: $c, phone: $p, input: $input, startDate: $s) { id } }";
const REJECT: &str =
    "mutation($id: ID!, $r: String!) { rejectSubscription(id: $id, reason: $r) { id } }";
const ZONES: &str = "mutation($id: ID!, $z: [String!]!) { changeZones(id: $id, zones: $z) { id } }";
const PAYROLL: &str = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) { preliminary } } }";

/// An order with `field` set to `value`.
fn with(field: &str, value: Value) -> Value {
    let mut input = order("Anne", "Berg");
    input[field] = value;
    json!({ "input": input })
}

#[tokio::test]
async fn malformed_employee_and_subscription_input_is_refused() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (c, admin, l) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&l, "91234567").await;
    let pending = app.order(&anne, order("Anne", "Berg")).await["id"].clone();
    let approved = app
        .create(&admin, &c, "48123456", order("Bjørn", "Dahl"), None)
        .await["id"]
        .clone();
    app.ok(
        Some(&anne),
        "mutation($id: ID!) { withdrawOrder(id: $id) { id } }",
        json!({ "id": pending }),
    )
    .await;
    let pending = app.order(&anne, order("Anne", "Berg")).await["id"].clone();
    let long = "x".repeat(5_000);
    let (emp, adm) = (Some(anne.as_str()), Some(admin.as_str()));
    let create =
        |p: &str, input: Value, s: Option<&str>| json!({ "c": c, "p": p, "input": input, "s": s });
    let per = order("Per", "Hansen");
    #[rustfmt::skip]
    let cases: Vec<(_, &str, Value, &str)> = vec![
        (None, CODE, json!({ "l": l, "p": "22334455" }), "phone"),
        (None, CODE, json!({ "l": l, "p": "91a34567" }), "phone"),
        (None, CODE, json!({ "l": l, "p": "" }), "phone"),
        (None, CODE, json!({ "l": l, "p": long }), "phone"),
        (None, VERIFY, json!({ "l": l, "p": "123", "c": "123456" }), "phone"),
        (None, VERIFY, json!({ "l": l, "p": "91234567", "c": "12ab56" }), "code"),
        (None, VERIFY, json!({ "l": l, "p": "91234567", "c": long }), "code"),
        (emp, ORDER, with("firstName", json!("Anne2")), "firstName"),
        (emp, ORDER, with("firstName", json!("   ")), "firstName"),
        (emp, ORDER, with("firstName", json!("")), "firstName"),
        (emp, ORDER, with("lastName", json!(long)), "lastName"),
        (emp, ORDER, with("lastName", json!("Berg <script>")), "lastName"),
        (emp, ORDER, with("zones", json!(["atlantis"])), "zones"),
        (emp, ORDER, with("zones", json!(["arendal", "farsund"])), "zones"),
        (emp, ORDER, with("zones", json!(["kristiansand", "vennesla", "iveland"])), "zones"),
        (emp, ORDER, with("zones", json!([])), "zones"),
        (emp, ORDER, with("category", json!("PIRATE")), "*"),
        (emp, ORDER, with("employeeNumber", json!(long)), "employeeNumber"),
        (emp, ORDER, with("wholeRegion", json!("ja")), "*"),
        (adm, CREATE, create("12", per.clone(), None), "phone"),
        (adm, CREATE, create("41234567", per.clone(), Some("2026-02-30")), "*"),
        (adm, CREATE, create("41234567", per.clone(), Some("2020-01-01")), "startDate"),
        (adm, CREATE, create("41234567", per.clone(), Some("2028-01-01")), "startDate"),
        (adm, CREATE, create("41234567", order("Per", "H4nsen"), None), "lastName"),
        (adm, CREATE, json!({ "c": "not-an-id", "p": "41234567", "input": per }), "*"),
        (adm, REJECT, json!({ "id": pending, "r": "" }), "reason"),
        (adm, REJECT, json!({ "id": pending, "r": "   " }), "reason"),
        (adm, REJECT, json!({ "id": pending, "r": "x".repeat(501) }), "reason"),
        (adm, ZONES, json!({ "id": approved, "z": ["atlantis"] }), "zones"),
        (adm, ZONES, json!({ "id": approved, "z": ["arendal", "farsund"] }), "zones"),
        (adm, ZONES, json!({ "id": approved, "z": [long] }), "zones"),
        (adm, "mutation($id: ID!) { changeZones(id: $id, zones: [\"arendal\"], from: TOMORROW) { id } }", json!({ "id": approved }), "*"),
        (adm, "mutation($id: ID!) { changeCategory(id: $id, category: PIRATE) { id } }", json!({ "id": approved }), "*"),
        (adm, "mutation($id: ID!) { cancelSubscription(id: $id, at: YESTERDAY) { id } }", json!({ "id": approved }), "*"),
        (adm, "mutation { cancelSubscription(id: \"not-an-id\") { id } }", json!({}), "*"),
        (adm, "mutation { approveSubscription(id: \"42\") { id } }", json!({}), "*"),
        (adm, "mutation { resumeSubscription(id: \"42\") { id } }", json!({}), "*"),
        (emp, "mutation { withdrawOrder(id: \"42\") { id } }", json!({}), "*"),
        (adm, PAYROLL, json!({ "c": c, "m": "2026-13" }), "*"),
        (adm, PAYROLL, json!({ "c": c, "m": "desember" }), "*"),
        (adm, "query { company(id: \"not-an-id\") { name } }", json!({}), "*"),
        (adm, "query { subscription(id: \"42\") { id } }", json!({}), "*"),
        (adm, "query($c: ID!) { company(id: $c) { tickets(first: 1000) { nodes { id } } } }", json!({ "c": c }), "*"),
        (adm, "query($c: ID!) { company(id: $c) { tickets(after: \"zz\") { nodes { id } } } }", json!({ "c": c }), "*"),
        (adm, "query($c: ID!) { company(id: $c) { tickets(status: LOST) { nodes { id } } } }", json!({ "c": c }), "*"),
        (adm, "query($id: ID!) { subscription(id: $id) { stateAt(at: \"i går\") { id } } }", json!({ "id": approved }), "*"),
        (None, "query { tariff(on: \"i morgen\") { validFrom } }", json!({}), "*"),
        (None, "{ viewer { kind ", json!({}), "*"),
    ];
    app.assert_bad_input(&cases).await;
}

#[tokio::test]
async fn an_administrators_subscription_is_checked_against_the_order_form_and_the_company() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (c, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { configureOrderForm(companyId: $c, input: {
            employeeNumber: OPTIONAL, extraFields: [{ label: \"Avdeling\" }] }) { id } }",
        json!({ "c": c }),
    )
    .await;
    let answers = |answers: Value| {
        let mut input = order("Per", "Hansen");
        input["extraFields"] = answers;
        json!({ "c": c, "p": "41234567", "input": input })
    };
    let long = "x".repeat(20_000);
    let (adm, ops) = (Some(admin.as_str()), Some(operator.as_str()));
    #[rustfmt::skip]
    let cases: Vec<(_, &str, Value, &str)> = vec![
        (adm, CREATE, answers(json!([{ "label": "Prosjekt", "value": long }])), "extraFields[Prosjekt]"),
        (adm, CREATE, answers(json!([{ "label": "Avdeling", "value": long }])), "extraFields[Avdeling]"),
        (ops, CREATE, answers(json!([{ "label": "Prosjekt", "value": "P1" }])), "extraFields[Prosjekt]"),
    ];
    app.assert_bad_input(&cases).await;

    let nowhere = json!({ "c": uuid::Uuid::new_v4().to_string(), "p": "41234567",
        "input": order("Per", "Hansen") });
    let refused = app
        .assert_refused(&[(ops, CREATE, nowhere)], &["NOT_FOUND"])
        .await;
    let message = refused[0]["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("no such company"), "{message}");

    let created = app
        .ok(
            adm,
            CREATE,
            answers(json!([{ "label": "Avdeling", "value": "Drift" }])),
        )
        .await;
    assert!(created["createSubscription"]["id"].is_string());
}
