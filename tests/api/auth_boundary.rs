//! The authentication boundary tells "no valid session" from "cannot tell": a database failure
//! while looking up a session is `INTERNAL` (HTTP 500 on the reports), never an anonymous caller
//! that the portal would take for a logout.

use serde_json::json;

use crate::helpers::{code, http, TestApp};

#[tokio::test]
async fn a_failing_session_lookup_is_internal_not_anonymous() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let anonymous = app.ok(None, "{ viewer { kind } }", json!({})).await;
    assert!(anonymous["viewer"].is_null());

    // The session table disappears from under the service: every lookup fails.
    sqlx::query("ALTER TABLE sessions RENAME TO sessions_elsewhere")
        .execute(app.db.pool())
        .await
        .unwrap();
    let answer = app
        .gql(Some(&operator), "{ viewer { kind } }", json!({}))
        .await;
    assert_eq!(code(&answer), "INTERNAL", "{answer:#}");
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("sessions"), "no internals: {message}");

    let authorization = format!("Bearer {operator}");
    let report = http(
        app.address,
        "GET",
        "/reports/invoice/2026-12.csv",
        &[("Authorization", &authorization)],
        "",
    )
    .await;
    assert_eq!(report.status, 500, "{}", report.text());

    // Without a token nothing is looked up: still anonymous.
    let anonymous = app.ok(None, "{ viewer { kind } }", json!({})).await;
    assert!(anonymous["viewer"].is_null());
}
