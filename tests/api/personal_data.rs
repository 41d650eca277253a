//! The right of access: a holder logged in at `/mine` downloads everything the service holds
//! about their phone (subscriptions at every company with their whole stored history, the
//! messages sent to them, their sessions), and nothing about anyone else; other sessions are
//! refused. An operator's export for an e-mail address shows the account without its password.

use bedrift_domain::values::EmailAddress;
use serde_json::Value;

use crate::helpers::{http, order, TestApp};
use crate::personal_access::personal_login;

async fn download(app: &TestApp, token: Option<&str>) -> crate::helpers::HttpResponse {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("Authorization", b)])
        .unwrap_or_default();
    http(app.address, "GET", "/mine/data.json", &headers, "").await
}

#[tokio::test]
async fn a_holder_downloads_everything_about_their_phone_and_nothing_about_others() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (other, other_admin, _) = app
        .company(&operator, "982441366", "ola@annet.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let ordered = app.order(&anne, order("Anne", "Berg")).await;
    app.approve(&admin, ordered["id"].as_str().unwrap()).await;
    // The same phone at another company, and someone else at the first.
    app.create(
        &other_admin,
        &other,
        "91234567",
        order("Anne", "Berg"),
        None,
    )
    .await;
    app.create(&admin, &company, "92345678", order("Bo", "Dahl"), None)
        .await;
    app.settle().await;

    let holder = personal_login(&app, "+4791234567").await;
    let answer = download(&app, Some(&holder)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert!(answer.headers["content-disposition"].contains("mine-data.json"));
    let data: Value = answer.json();
    assert_eq!(data["about"]["phone"], "+4791234567");
    let subscriptions = data["subscriptions"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 2, "one at each company: {data:#}");
    for subscription in subscriptions {
        assert_eq!(subscription["first_name"], "Anne");
        let history = subscription["history"].as_array().unwrap();
        assert!(
            history.iter().any(|e| e["type"] == "SubscriptionOrdered"),
            "{subscription:#}"
        );
        assert!(history[0]["occurredAt"].is_string());
    }
    let texts: Vec<&str> = data["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("godkjent")), "{texts:?}");
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    let whole = data.to_string();
    for elsewhere in [
        "Bo",
        "Dahl",
        "92345678",
        "password",
        "token_hash",
        "code_hash",
    ] {
        assert!(!whole.contains(elsewhere), "{elsewhere} in {whole}");
    }

    // No session, an administrator's, or an employee's through an order link: refused.
    assert_eq!(download(&app, None).await.status, 401);
    assert_eq!(download(&app, Some(&admin)).await.status, 403);
    assert_eq!(download(&app, Some(&anne)).await.status, 403);

    // The operator's export for an e-mail address: the account, its company, its messages.
    let kari = bedrift_api::personal_data::for_email(
        app.db.pool(),
        &EmailAddress::parse("kari@firma.no").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(kari["account"]["kind"], "ADMINISTRATOR");
    assert_eq!(kari["account"]["hasPassword"], true);
    assert_eq!(kari["administratorOf"][0]["company"], "Firma AS");
    assert!(!kari["messages"].as_array().unwrap().is_empty());
    assert!(!kari.to_string().contains("argon2"), "{kari:#}");
}
