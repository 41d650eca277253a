//! R5 race-free: of N concurrent orders for one phone at one company exactly one succeeds.

use serde_json::json;

use crate::helpers::{code, order, TestApp, ORDER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_orders_for_one_phone_exactly_one_succeeds() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(
            &operator,
            "974760673",
            "kari@firma.no",
            "AUTOMATIC_APPROVAL",
        )
        .await;
    let anne = app.employee(&link, "91234567").await;
    let app = std::sync::Arc::new(app);
    let orders = (0..6).map(|_| {
        let app = app.clone();
        let anne = anne.clone();
        tokio::spawn(async move {
            app.gql(
                Some(&anne),
                ORDER,
                json!({ "input": order("Anne", "Berg") }),
            )
            .await
        })
    });
    let mut succeeded = 0;
    let mut refused = 0;
    for response in futures::future::join_all(orders).await {
        let response = response.expect("the task ran");
        if response.get("errors").is_none() {
            succeeded += 1;
        } else {
            assert_eq!(code(&response), "ALREADY_SUBSCRIBED", "{response:#}");
            refused += 1;
        }
    }
    assert_eq!((succeeded, refused), (1, 5));
    let mine = app
        .ok(Some(&anne), "{ mySubscriptions { id } }", json!({}))
        .await;
    assert_eq!(mine["mySubscriptions"].as_array().unwrap().len(), 1);
}
