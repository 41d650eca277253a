//! The portal's ticket search finds people the way they are written down: phone numbers with
//! spaces or +47, and names in any order.

use serde_json::json;

use crate::helpers::{order, TestApp};

const SEARCH: &str = "query($c: ID!, $s: String) {
    company(id: $c) { tickets(search: $s) { nodes { firstName lastName } } } }";

#[tokio::test]
async fn ticket_search_finds_phones_with_spaces_or_country_code_and_names_in_any_order() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.create(&admin, &company, "98765432", order("Per", "Hansen"), None)
        .await;
    app.create(&admin, &company, "41234567", order("Anne", "Berg"), None)
        .await;
    for (typed, expected) in [
        ("98765432", vec!["Hansen"]),
        ("987 65 432", vec!["Hansen"]),
        ("+47 987 65 432", vec!["Hansen"]),
        ("hansen per", vec!["Hansen"]),
        ("Per Hansen", vec!["Hansen"]),
        ("berg", vec!["Berg"]),
        ("hansen anne", vec![]),
        ("   ", vec!["Hansen", "Berg"]),
    ] {
        let data = app
            .ok(Some(&admin), SEARCH, json!({ "c": company, "s": typed }))
            .await;
        let found: Vec<&str> = data["company"]["tickets"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["lastName"].as_str().unwrap())
            .collect();
        assert_eq!(found, expected, "search {typed:?}");
    }
}
