//! Refusals that say what happened: every required order input is named in `extensions.field`
//! (and called missing when it is), an expired SMS code is named and said to have expired, a
//! used-up code says to ask for a new one, and a link replaced by a newer one says so; each
//! with the `extensions.reason` that pages choose their text by.

use serde_json::{json, Value};

use crate::helpers::{code, link_token, order, TestApp, ORDER};

const FORM: &str = "mutation($c: ID!, $input: OrderFormInput!) {
    configureOrderForm(companyId: $c, input: $input) { id } }";
const CODE: &str =
    "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }";
const VERIFY: &str = "mutation($l: String!, $p: String!, $c: String!) {
    verifyPhone(orderToken: $l, phone: $p, code: $c) { token } }";
const REQUEST_RESET: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }";

/// The `extensions.field` and message of the first error of `response`.
fn field_and_message(response: &Value) -> (String, String) {
    assert_eq!(code(response), "BAD_USER_INPUT", "{response:#}");
    let error = &response["errors"][0];
    (
        error["extensions"]["field"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        error["message"].as_str().unwrap_or("").to_owned(),
    )
}

/// The `extensions.reason` of the first error of `response` ("" when it has none).
fn reason(response: &Value) -> &str {
    response["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or("")
}

/// The code in the newest SMS to `e164`.
async fn sms_code(app: &TestApp, e164: &str) -> String {
    let sms = app.last_message(e164).await;
    sms.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the SMS")
        .to_owned()
}

#[tokio::test]
async fn every_required_order_input_is_named_and_called_missing_when_left_out() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(
        Some(&admin),
        FORM,
        json!({ "c": company, "input": { "employeeNumber": "REQUIRED", "extraFields": [
            { "label": "Avdeling", "required": true }, { "label": "Koststed", "required": true } ] } }),
    )
    .await;
    let anne = app.employee(&link, "91234567").await;
    let complete = || {
        let mut input = order("Anne", "Berg");
        input["employeeNumber"] = json!("A-1042");
        input["extraFields"] = json!([
            { "label": "Avdeling", "value": "Drift" },
            { "label": "Koststed", "value": "4100" } ]);
        input
    };
    let without = |name: &str| {
        let mut input = complete();
        input.as_object_mut().unwrap().remove(name);
        input
    };
    let answers = |answers: Value| {
        let mut input = complete();
        input["extraFields"] = answers;
        input
    };
    let blank = |name: &str| {
        let mut input = complete();
        input[name] = json!("  ");
        input
    };
    let mut no_zone = complete();
    no_zone["zones"] = json!([]);
    let long = "x".repeat(201);
    let named = |first: &str| {
        let mut input = complete();
        input["firstName"] = json!(first);
        input
    };
    #[rustfmt::skip]
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (blank("firstName"), "firstName", "enter the name", "MISSING"),
        (blank("lastName"), "lastName", "enter the name", "MISSING"),
        (named("Anne2"), "firstName", "digits", "DIGITS"),
        (named(&"A".repeat(150)), "firstName", "at most 100", "TOO_LONG"),
        (named("Anne!"), "firstName", "may only", "CHARACTERS"),
        (no_zone, "zones", "zone", ""),
        (without("employeeNumber"), "employeeNumber", "the employee number is missing", "MISSING"),
        (blank("employeeNumber"), "employeeNumber", "the employee number is missing", "MISSING"),
        (answers(json!([{ "label": "Koststed", "value": "4100" }])),
            "extraFields[Avdeling]", "\"Avdeling\" is missing", "MISSING"),
        (answers(json!([{ "label": "Avdeling", "value": "Drift" }, { "label": "Koststed", "value": " " }])),
            "extraFields[Koststed]", "\"Koststed\" is missing", "MISSING"),
        (answers(json!([{ "label": "Avdeling", "value": long }, { "label": "Koststed", "value": "4100" }])),
            "extraFields[Avdeling]", "at most 200 characters", "TOO_LONG"),
        (answers(json!([{ "label": "Avdeling", "value": "Drift" }, { "label": "Koststed", "value": "4100" },
            { "label": "Prosjekt", "value": "P1" }])), "extraFields[Prosjekt]", "no field \"Prosjekt\"", "UNKNOWN_FIELD"),
    ];
    let events = app.event_count().await;
    for (input, field, words, why) in cases {
        let response = app.gql(Some(&anne), ORDER, json!({ "input": input })).await;
        let (named, message) = field_and_message(&response);
        assert_eq!(named, field, "{input}: {response:#}");
        assert!(message.contains(words), "{input}: {message}");
        assert_eq!(reason(&response), why, "{input}: {response:#}");
    }
    assert_eq!(app.event_count().await, events, "nothing was written");

    let (named, _) = field_and_message(&app.gql(None, CODE, json!({ "l": link, "p": "" })).await);
    assert_eq!(named, "phone");
    let (named, _) = field_and_message(
        &app.gql(None, VERIFY, json!({ "l": link, "p": "91234567", "c": "" }))
            .await,
    );
    assert_eq!(named, "code");

    app.ok(Some(&anne), ORDER, json!({ "input": complete() }))
        .await;
}

#[tokio::test]
async fn an_expired_sms_code_is_named_and_said_to_have_expired() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(None, CODE, json!({ "l": link, "p": "91234567" }))
        .await;
    let sent = sms_code(&app, "+4791234567").await;
    app.set_today("2026-12-11");
    let response = app
        .gql(
            None,
            VERIFY,
            json!({ "l": link, "p": "91234567", "c": sent }),
        )
        .await;
    let (field, message) = field_and_message(&response);
    assert_eq!(field, "code");
    assert!(message.contains("expired"), "{message}");
    assert!(message.contains("new code"), "{message}");
    assert_eq!(reason(&response), "CODE_EXPIRED");

    let never_sent = app
        .gql(
            None,
            VERIFY,
            json!({ "l": link, "p": "41234567", "c": "123456" }),
        )
        .await;
    let (field, message) = field_and_message(&never_sent);
    assert_eq!(field, "code");
    assert!(message.contains("ask for a new code"), "{message}");
    assert_eq!(reason(&never_sent), "NO_CODE");
}

#[tokio::test]
async fn a_used_up_code_says_to_ask_for_a_new_one_even_when_right() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(None, CODE, json!({ "l": link, "p": "91234567" }))
        .await;
    let sent = sms_code(&app, "+4791234567").await;
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    let mut codes = Vec::new();
    for _ in 0..5 {
        let response = app
            .gql(
                None,
                VERIFY,
                json!({ "l": link, "p": "91234567", "c": wrong }),
            )
            .await;
        codes.push(code(&response));
    }
    assert_eq!(codes[4], "RATE_LIMITED", "the fifth wrong code burns it");
    let right = app
        .gql(
            None,
            VERIFY,
            json!({ "l": link, "p": "91234567", "c": sent }),
        )
        .await;
    assert_eq!(code(&right), "RATE_LIMITED", "{right:#}");
    let message = right["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("ask for a new code"), "{message}");
    assert_eq!(reason(&right), "CODE_USED_UP", "waiting does not help");
    assert!(right["errors"][0]["extensions"]["retryAfter"].is_null());
}

#[tokio::test]
async fn a_link_says_whether_it_was_replaced_used_or_expired() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    app.company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let reset = |token: String| json!({ "t": token, "p": "en helt ny og lang frase" });

    app.ok(None, REQUEST_RESET, json!({ "e": "kari@firma.no" }))
        .await;
    let first = link_token(&app.last_message("kari@firma.no").await);
    app.ok(None, REQUEST_RESET, json!({ "e": "kari@firma.no" }))
        .await;
    let second = link_token(&app.last_message("kari@firma.no").await);
    let replaced = app.gql(None, RESET, reset(first)).await;
    let (field, message) = field_and_message(&replaced);
    assert_eq!(field, "token");
    assert!(message.contains("newer link"), "{message}");
    assert_eq!(reason(&replaced), "LINK_REPLACED");

    app.ok(None, RESET, reset(second.clone())).await;
    let used = app.gql(None, RESET, reset(second)).await;
    let (field, message) = field_and_message(&used);
    assert_eq!(field, "token");
    assert!(message.contains("already been used"), "{message}");
    assert_eq!(reason(&used), "LINK_USED");

    app.ok(None, REQUEST_RESET, json!({ "e": "kari@firma.no" }))
        .await;
    let late = link_token(&app.last_message("kari@firma.no").await);
    app.set_today("2026-12-12");
    let expired = app.gql(None, RESET, reset(late)).await;
    let (field, message) = field_and_message(&expired);
    assert_eq!(field, "token");
    assert!(message.contains("expired"), "{message}");
    assert_eq!(reason(&expired), "LINK_EXPIRED");

    let unknown = app.gql(None, RESET, reset("x".repeat(40))).await;
    let (field, message) = field_and_message(&unknown);
    assert_eq!(field, "token");
    assert!(message.contains("not valid"), "{message}");
    assert_eq!(reason(&unknown), "LINK_INVALID");
}
