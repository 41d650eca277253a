//! Bulk approval over GraphQL (`approveSubscriptions`): every pending order given is approved
//! as one approval would be, repeats once; those that cannot be (no longer pending, another
//! company's) are reported with their code and do not stop the rest.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp};

const APPROVE: &str = "mutation($ids: [ID!]!) { approveSubscriptions(ids: $ids) {
    approved { id status orderStatus } failed { id code message } } }";

#[tokio::test]
async fn selected_orders_are_approved_and_those_that_cannot_be_are_reported() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, _, other_link) = app
        .company(&operator, "982441366", "ola@annet.no", "APPROVAL_REQUIRED")
        .await;
    let mut ids = Vec::new();
    for (phone, first) in [
        ("91000001", "Anne"),
        ("91000002", "Bjørn"),
        ("91000003", "Cato"),
    ] {
        let employee = app.employee(&link, phone).await;
        ids.push(
            app.order(&employee, order(first, "Berg")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let outsider = app.employee(&other_link, "91000009").await;
    let foreign = app.order(&outsider, order("Dina", "Dahl")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.reject(&admin, &ids[2], "Sluttet").await;
    assert_eq!(app.queue(&admin, &company).await.len(), 2);

    let given = json!([ids[0], ids[1], ids[0], ids[2], foreign]);
    let data = app.ok(Some(&admin), APPROVE, json!({ "ids": given })).await;
    let result = &data["approveSubscriptions"];
    let approved: Vec<&str> = result["approved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["orderStatus"], "APPROVED");
            s["id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        approved,
        [ids[0].as_str(), ids[1].as_str()],
        "each once, in order"
    );
    let failed: Vec<(&str, &str)> = result["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        failed[0],
        (ids[2].as_str(), "INVALID_STATE"),
        "rejected, not pending"
    );
    assert_eq!(failed[1].0, foreign);
    assert!(
        ["FORBIDDEN", "NOT_FOUND"].contains(&failed[1].1),
        "another company's order stays untouched: {failed:?}"
    );
    assert!(app.queue(&admin, &company).await.is_empty());
    let other_admin = app.log_in("ola@annet.no").await;
    let still: Vec<Value> = app
        .ok(
            Some(&other_admin),
            "query($id: ID!) { subscription(id: $id) { orderStatus } }",
            json!({ "id": foreign }),
        )
        .await
        .as_object()
        .map(|o| o.values().cloned().collect())
        .unwrap();
    assert_eq!(still[0]["orderStatus"], "PENDING");

    let again = app
        .ok(Some(&admin), APPROVE, json!({ "ids": [ids[0]] }))
        .await;
    assert_eq!(
        again["approveSubscriptions"]["failed"][0]["code"], "INVALID_STATE",
        "approving twice records nothing twice"
    );
}

#[tokio::test]
async fn a_bulk_approval_takes_one_to_five_hundred_ids_from_someone_logged_in() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let none = app
        .gql(Some(&operator), APPROVE, json!({ "ids": [] }))
        .await;
    assert_eq!(code(&none), "BAD_USER_INPUT");
    let many: Vec<String> = (0..501).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let too_many = app
        .gql(Some(&operator), APPROVE, json!({ "ids": many }))
        .await;
    assert_eq!(code(&too_many), "BAD_USER_INPUT");
    let anonymous = app
        .gql(
            None,
            APPROVE,
            json!({ "ids": [uuid::Uuid::new_v4().to_string()] }),
        )
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
}
