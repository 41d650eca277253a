//! R18 over HTTP: an administrator corrects an employee's details (names, employee number,
//! form answers) with `updateEmployeeDetails`, checked as an order is; the correction is an
//! `EmployeeDetailsUpdated` event with who and when, the read models and the payroll import
//! files follow it, and the history keeps the earlier values.

use serde_json::{json, Value};

use crate::exports::records;
use crate::helpers::{code, order, TestApp};

const UPDATE: &str = "mutation($id: ID!, $input: EmployeeDetailsInput!) {
    updateEmployeeDetails(id: $id, input: $input) {
        firstName lastName employeeNumber extraFields { label value } } }";

/// A company asking for `Avdeling` (required) and `Koststed`, mapped as department and cost
/// centre with pay type 5010, under APPROVAL_REQUIRED. Returns (app, operator, company,
/// administrator, order link).
async fn company() -> (TestApp, String, String, String, String) {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.configure_order_form(
        &admin,
        &company,
        json!({ "employeeNumber": "OPTIONAL",
            "extraFields": [{ "label": "Avdeling", "required": true }, { "label": "Koststed" }] }),
    )
    .await;
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"5010\",
            departmentField: \"Avdeling\", costCentreField: \"Koststed\") { name } }",
        json!({ "c": company }),
    )
    .await;
    (app, operator, company, admin, link)
}

fn details(number: Option<&str>, department: &str, cost_centre: &str) -> Value {
    json!({ "firstName": "Per", "lastName": "Hansen-Berg", "employeeNumber": number,
        "extraFields": [{ "label": "Avdeling", "value": department },
                        { "label": "Koststed", "value": cost_centre }] })
}

#[tokio::test]
async fn an_order_without_employee_number_blocks_the_import_files_until_the_number_is_set() {
    let (app, _, company, admin, link) = company().await;
    // An employee orders without an employee number (optional on this form).
    let per = app.employee(&link, "91234567").await;
    let mut input = order("Per", "Hansen");
    input["extraFields"] = json!([{ "label": "Avdeling", "value": "Salg" }]);
    let ordered = app.order(&per, input).await;
    let id = ordered["id"].as_str().unwrap().to_owned();
    app.approve(&admin, &id).await;
    app.set_today("2026-12-10");
    let admin = app.log_in("kari@firma.no").await;
    for format in ["visma", "tripletex"] {
        let path = format!("/reports/payroll/{company}/2026-12.csv?format={format}");
        let refused = app.download(Some(&admin), &path).await;
        assert_eq!(refused.status, 409, "{format}: {}", refused.text());
        assert!(
            refused.text().contains(&id),
            "names the line: {}",
            refused.text()
        );
    }

    let corrected = app
        .ok(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "input": details(Some("E-17"), " Salg ", "K-300") }),
        )
        .await;
    assert_eq!(
        corrected["updateEmployeeDetails"],
        json!({ "firstName": "Per", "lastName": "Hansen-Berg", "employeeNumber": "E-17",
            "extraFields": [{ "label": "Avdeling", "value": "Salg" },
                            { "label": "Koststed", "value": "K-300" }] }),
        "the answer shows the correction at once, trimmed as at ordering"
    );

    let visma = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-12.csv?format=visma"),
        )
        .await;
    assert_eq!(visma.status, 200, "{}", visma.text());
    let rows = records(&visma.body, false);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "E-17");
    assert_eq!(
        rows[0][10..12],
        ["Salg", "K-300"],
        "R1 department, R2 cost centre"
    );
    let tripletex = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-12.csv?format=tripletex"),
        )
        .await;
    assert_eq!(tripletex.status, 200, "{}", tripletex.text());
    let rows = records(&tripletex.body, true);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "E-17");
    assert_eq!(
        rows[0][7..],
        ["K-300", "Salg"],
        "project number, department number"
    );

    // The ticket list and its search follow the correction.
    let found = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { tickets(search: \"hansen-berg e-17\") {
                edges { node { id lastName employeeNumber } } } } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(
        found["company"]["tickets"]["edges"][0]["node"],
        json!({ "id": id, "lastName": "Hansen-Berg", "employeeNumber": "E-17" })
    );

    // The history has the correction with who and when, and keeps the earlier values.
    let history = app
        .ok(
            Some(&admin),
            "query($id: ID!) { subscription(id: $id) { history { type occurredAt
                actor { kind email }
                change { kind firstName lastName employeeNumber extraFields { label value } } } } }",
            json!({ "id": id }),
        )
        .await;
    let entries = history["subscription"]["history"].as_array().unwrap();
    let update = entries.last().unwrap();
    assert_eq!(update["type"], "EmployeeDetailsUpdated");
    assert_eq!(update["occurredAt"].as_str().unwrap()[..10], *"2026-12-10");
    assert_eq!(
        update["actor"],
        json!({ "kind": "ADMINISTRATOR", "email": "kari@firma.no" })
    );
    assert_eq!(update["change"]["kind"], "EMPLOYEE_DETAILS_UPDATED");
    assert_eq!(update["change"]["employeeNumber"], "E-17");
    assert_eq!(entries[0]["type"], "SubscriptionOrdered");
    let first_state = app
        .ok(
            Some(&admin),
            "query($id: ID!, $at: DateTime!) { subscription(id: $id) { stateAt(at: $at) {
                lastName employeeNumber } } }",
            json!({ "id": id, "at": entries[1]["occurredAt"] }),
        )
        .await;
    assert_eq!(
        first_state["subscription"]["stateAt"],
        json!({ "lastName": "Hansen", "employeeNumber": null }),
        "the earlier values stay in the history"
    );
}

#[tokio::test]
async fn corrections_are_refused_as_orders_are_and_only_administrators_make_them() {
    let (app, operator, company, admin, link) = company().await;
    let mut input = order("Per", "Hansen");
    input["extraFields"] = json!([{ "label": "Avdeling", "value": "Salg" }]);
    let created = app
        .create(&admin, &company, "91234567", input.clone(), None)
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let events = app.event_count().await;
    let refusals = [
        (details(None, " ", "K"), "extraFields[Avdeling]"),
        (details(Some("E 1\u{7}"), "Salg", "K"), "employeeNumber"),
        (
            json!({ "firstName": "P3r", "lastName": "Hansen", "extraFields": [] }),
            "firstName",
        ),
        (
            json!({ "firstName": "Per", "lastName": "", "extraFields": [] }),
            "lastName",
        ),
        (
            json!({ "firstName": "Per", "lastName": "Hansen",
                "extraFields": [{ "label": "Avdeling", "value": "Salg" },
                                { "label": "Prosjekt", "value": "X" }] }),
            "extraFields[Prosjekt]",
        ),
    ];
    for (input, field) in refusals {
        let refused = app
            .gql(Some(&admin), UPDATE, json!({ "id": id, "input": input }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(app.event_count().await, events, "nothing stored");

    // The holder may not correct their own details, nor another company's administrator.
    let per = app.employee(&link, "91234567").await;
    let refused = app
        .gql(
            Some(&per),
            UPDATE,
            json!({ "id": id, "input": details(Some("1"), "Salg", "") }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
    let (_, other, _) = app
        .company(&operator, "982441366", "ola@annet.no", "CLOSED")
        .await;
    let refused = app
        .gql(
            Some(&other),
            UPDATE,
            json!({ "id": id, "input": details(Some("1"), "Salg", "") }),
        )
        .await;
    assert_eq!(code(&refused), "NOT_FOUND");
    // An operator may.
    let events = app.event_count().await;
    let corrected = app
        .ok(
            Some(&operator),
            UPDATE,
            json!({ "id": id, "input": details(Some("1"), "Salg", "") }),
        )
        .await;
    assert_eq!(corrected["updateEmployeeDetails"]["employeeNumber"], "1");
    assert_eq!(app.event_count().await, events + 1);
}
