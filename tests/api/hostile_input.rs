//! Input an attacker would try: cursors that are not ours (multi-byte text included), NUL
//! bytes and bidi controls. Each is `BAD_USER_INPUT` naming the argument, and nothing is written.

use serde_json::json;

use crate::helpers::{code, TestApp};

#[tokio::test]
async fn a_foreign_cursor_is_bad_input_on_after_even_with_multi_byte_text() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, _, _) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let queries = [
        "query($c: ID!, $a: String) { company(id: $c) { tickets(after: $a) { nodes { id } } } }",
        "query($c: ID!, $a: String) { company(id: $c) { approvalQueue(after: $a) { nodes { id } } } }",
        "query($a: String) { companies(after: $a) { nodes { id } } }",
    ];
    for query in queries {
        for cursor in ["aæb", "æø", "a\u{10348}b", "6\u{e9}", "zz"] {
            let answer = app
                .gql(Some(&operator), query, json!({ "c": company, "a": cursor }))
                .await;
            assert_eq!(
                code(&answer),
                "BAD_USER_INPUT",
                "{query} {cursor}: {answer:#}"
            );
            assert_eq!(answer["errors"][0]["extensions"]["field"], "after");
        }
    }
}

#[tokio::test]
async fn a_nul_character_in_any_text_is_bad_input_on_its_argument() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let events = app.event_count().await;
    let cases = [
        (None, "query($t: String!) { orderForm(token: $t) { companyName } }", json!({ "t": "ab\u{0}c" }), "token"),
        (None, "mutation($l: String!) { requestVerificationCode(orderToken: $l, phone: \"41234567\") }", json!({ "l": format!("{link}\u{0}") }), "orderToken"),
        (None, "mutation($l: String!) { verifyPhone(orderToken: $l, phone: \"41234567\", code: \"123456\") { token } }", json!({ "l": format!("{link}\u{0}") }), "orderToken"),
        (Some(admin.as_str()), "query($c: ID!, $s: String) { company(id: $c) { tickets(search: $s) { nodes { id } } } }", json!({ "c": company, "s": "An\u{0}ne" }), "search"),
        (Some(operator.as_str()), "query($s: String) { companies(search: $s) { nodes { id } } }", json!({ "s": "Fir\u{0}ma" }), "search"),
        (Some(operator.as_str()), "{ companies(search: \"Fir\\u0000ma\") { nodes { id } } }", json!({}), "search"),
    ];
    for (token, query, variables, field) in cases {
        let answer = app.gql(token, query, variables).await;
        assert_eq!(code(&answer), "BAD_USER_INPUT", "{query}: {answer:#}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], field, "{query}");
    }
    assert_eq!(app.event_count().await, events, "nothing written");
}
