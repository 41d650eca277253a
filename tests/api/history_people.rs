//! A subscription's history as data: each entry's kind and the values it set, and the people
//! behind it by name (the administrator's name and e-mail, the employee, the operator).

use serde_json::json;

use crate::helpers::{order, TestApp};

const HISTORY: &str = "query($id: ID!) { subscription(id: $id) { history {
    actor { kind name email }
    change { kind date zones wholeRegion previousValidThrough category reason } } } }";

#[tokio::test]
async fn history_entries_carry_their_kind_values_and_the_names_of_who_did_them() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let id = app.order(&anne, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.approve(&admin, &id).await;
    app.set_today("2027-01-15");
    let admin = app.log_in("kari@firma.no").await;
    app.change_zones(&admin, &id, &["kristiansand", "vennesla"], "NEXT_MONTH")
        .await;
    let created = app
        .create(&admin, &company, "41234567", order("Per", "Hansen"), None)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let data = app.ok(Some(&admin), HISTORY, json!({ "id": id })).await;
    let history = data["subscription"]["history"].as_array().unwrap();
    assert_eq!(
        history[0],
        json!({ "actor": { "kind": "EMPLOYEE", "name": "Anne Berg", "email": null },
                "change": { "kind": "ORDERED", "date": "2027-01-01", "zones": ["kristiansand"],
                    "wholeRegion": false, "previousValidThrough": null, "category": "ADULT",
                    "reason": null } })
    );
    assert_eq!(
        history[1]["actor"],
        json!({ "kind": "ADMINISTRATOR", "name": "Kari Nordmann", "email": "kari@firma.no" })
    );
    assert_eq!(history[1]["change"]["kind"], "APPROVED");
    assert_eq!(history[1]["change"]["date"], "2027-01-01");
    assert_eq!(history[2]["change"]["kind"], "ZONES_CHANGED");
    assert_eq!(history[2]["change"]["date"], "2027-02-01");
    assert_eq!(
        history[2]["change"]["zones"],
        json!(["kristiansand", "vennesla"])
    );
    assert_eq!(history[2]["change"]["previousValidThrough"], "2027-01-31");

    let data = app
        .ok(Some(&admin), HISTORY, json!({ "id": created }))
        .await;
    let history = data["subscription"]["history"].as_array().unwrap();
    assert_eq!(history[0]["actor"]["name"], "Kari Nordmann");
    assert_eq!(history[0]["change"]["kind"], "ORDERED");
}
