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
