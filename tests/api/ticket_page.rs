//! The ticket page `/billett/<token>` that the approval SMS links to: it shows the holder's own
//! ticket (and nothing else) in bokmål or English with today's status, an administrator can
//! send a fresh link that replaces the old one, and `APP_LINK_TEMPLATE` puts the operator's app
//! link in the SMS and on the page.

use serde_json::json;

use crate::helpers::{code, order, ticket_token, TestApp};

/// The newest approval or ticket-link SMS to `phone` (written with the projector's batch).
async fn ticket_sms(app: &TestApp, phone: &str) -> String {
    for _ in 0..500 {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = $1 AND body LIKE '%billett%'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(phone)
        .fetch_optional(app.db.pool())
        .await
        .unwrap();
        if let Some(body) = body {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no ticket SMS to {phone}");
}

#[tokio::test]
async fn the_approval_sms_opens_the_holders_own_ticket_with_todays_status() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let anne_sub = app.order(&anne, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.approve(&admin, &anne_sub).await;
    let whole = json!({ "firstName": "Bjørn", "lastName": "Dahl", "zones": [],
        "wholeRegion": true, "category": "SENIOR" });
    let bjorn_sub = app.create(&admin, &company, "48123456", whole, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let sms = ticket_sms(&app, "+4791234567").await;
    assert!(
        sms.contains("http://localhost:8080/billett/"),
        "the default link is the service's own page: {sms}"
    );
    let token = ticket_token(&sms);
    assert_eq!(token.len(), 64, "{sms}");
    let page = app.get(&format!("/billett/{token}")).await;
    assert_eq!(page.status, 200);
    let text = page.text();
    for shown in [
        "lang=\"nb\"",
        "Anne Berg",
        "Voksen",
        "Kristiansand",
        "01.01.2027",
        "Godkjent, ikke startet",
        "Firma AS",
        "Løpende",
    ] {
        assert!(text.contains(shown), "{shown} missing from {text}");
    }
    for hidden in ["Bjørn", "Dahl", &bjorn_sub, &anne_sub, "+4791234567"] {
        assert!(!text.contains(hidden), "{hidden} shown on {text}");
    }
    assert_eq!(page.headers["cache-control"], "no-store");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert!(page.headers["content-security-policy"].contains("default-src 'self'"));
    assert!(page.headers["content-type"].starts_with("text/html"));
    assert!(text.contains("/web/billett.css?v="));
    assert_eq!(
        app.get("/web/billett.css").await.status,
        200,
        "its style sheet"
    );

    // In English, and on a later day in its own status.
    let chosen = app.get(&format!("/billett/{token}?lang=en")).await;
    let remembered = chosen
        .headers
        .get("set-cookie")
        .cloned()
        .unwrap_or_default();
    assert!(remembered.starts_with("billett_sprak=en"), "{remembered}");
    let english = chosen.text();
    for shown in [
        "lang=\"en\"",
        "Approved, not started",
        "Adult",
        "Valid from",
    ] {
        assert!(english.contains(shown), "{shown} missing from {english}");
    }
    // The choice is remembered: the next visit without ?lang= is in English too.
    let again = crate::helpers::http(
        app.address,
        "GET",
        &format!("/billett/{token}"),
        &[("Cookie", "billett_sprak=en")],
        "",
    )
    .await
    .text();
    assert!(again.contains("lang=\"en\""), "{again}");
    app.set_today("2027-01-15");
    let active = app.get(&format!("/billett/{token}")).await.text();
    assert!(active.contains("<strong>Aktiv</strong>"), "{active}");
    app.set_today("2026-12-10");

    // Bjørn's page shows the whole region; cancelled before its start, it says so.
    let bjorn_token = ticket_token(&ticket_sms(&app, "+4748123456").await);
    app.cancel(&admin, &bjorn_sub, "IMMEDIATELY").await;
    // The page reads the tickets read model, which follows the log within the projection lag.
    app.settle().await;
    let bjorn = app.get(&format!("/billett/{bjorn_token}")).await.text();
    for shown in [
        "Bjørn Dahl",
        "Honnør",
        "Hele regionen",
        "Sagt opp før start",
    ] {
        assert!(bjorn.contains(shown), "{shown} missing from {bjorn}");
    }
    assert!(!bjorn.contains("Anne"));
}

#[tokio::test]
async fn sending_the_link_again_gives_a_fresh_token_and_the_old_one_stops_working() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, _) = app
        .company(&operator, "923609016", "ola@annet.no", "APPROVAL_REQUIRED")
        .await;
    let created = app
        .create(&admin, &company, "91234567", order("Anne", "Berg"), None)
        .await;
    let sub = created["id"].as_str().unwrap().to_owned();
    let old = ticket_token(&ticket_sms(&app, "+4791234567").await);
    assert_eq!(app.get(&format!("/billett/{old}")).await.status, 200);

    let resend = "mutation($id: ID!) { resendTicketLink(id: $id) { id status } }";
    let anne = app.employee(&link, "91234567").await;
    for (token, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some(anne.as_str()), "FORBIDDEN"),
        (Some(other_admin.as_str()), "NOT_FOUND"),
    ] {
        let refused = app.gql(token, resend, json!({ "id": sub })).await;
        assert_eq!(code(&refused), expected);
    }
    assert_eq!(
        app.get(&format!("/billett/{old}")).await.status,
        200,
        "a refused resend changes nothing"
    );

    let data = app.ok(Some(&admin), resend, json!({ "id": sub })).await;
    assert_eq!(data["resendTicketLink"]["id"], sub.as_str());
    let sms = app.last_message("+4791234567").await;
    assert!(sms.contains("ny lenke"), "{sms}");
    let new = ticket_token(&sms);
    assert_ne!(new, old);
    let gone = app.get(&format!("/billett/{old}")).await;
    assert_eq!(gone.status, 404);
    assert!(gone.text().contains("Lenken virker ikke"));
    let page = app.get(&format!("/billett/{new}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Anne Berg"));

    // Made-up and malformed tokens find nothing.
    for path in ["/billett/0000", &format!("/billett/{}", "ab".repeat(32))] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }

    // A ticket that has ended has no link to send.
    app.cancel(&admin, &sub, "IMMEDIATELY").await;
    let ended = app.gql(Some(&admin), resend, json!({ "id": sub })).await;
    assert_eq!(code(&ended), "INVALID_STATE");
}

#[tokio::test]
async fn an_app_link_template_goes_in_the_sms_and_on_the_page() {
    let app = TestApp::spawn_with("2026-12-10", |settings| {
        settings.notifications.app_link_template =
            Some("akt://billett?t={token}&s={subscription}".to_owned());
    })
    .await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let created = app
        .create(&admin, &company, "91234567", order("Anne", "Berg"), None)
        .await;
    let sub = created["id"].as_str().unwrap();
    let sms = ticket_sms(&app, "+4791234567").await;
    let start = sms.find("akt://billett?t=").expect("the app link") + "akt://billett?t=".len();
    let token: String = sms[start..].chars().take(64).collect();
    assert!(
        sms.ends_with(&format!("akt://billett?t={token}&s={sub}")),
        "{sms}"
    );
    let page = app.get(&format!("/billett/{token}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains(&format!("href=\"akt://billett?t={token}&amp;s={sub}\"")),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn the_page_dates_only_zones_that_change_after_the_ticket_has_started() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    // Starting on 1 January: its zones apply from its first day, which "valid from" says.
    app.create(&admin, &company, "91234567", order("Anne", "Berg"), None)
        .await;
    let upcoming = ticket_token(&ticket_sms(&app, "+4791234567").await);
    let page = app.get(&format!("/billett/{upcoming}")).await.text();
    assert!(page.contains("Kristiansand"), "{page}");
    assert!(!page.contains("(fra "), "no date of the zones' own: {page}");

    // Running since today; from January, Arendal instead of Kristiansand.
    let running = app
        .create(
            &admin,
            &company,
            "92345678",
            order("Per", "Dahl"),
            Some("2026-12-10"),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = ticket_token(&ticket_sms(&app, "+4792345678").await);
    app.change_zones(&admin, &running, &["arendal"], "NEXT_MONTH")
        .await;
    app.settle().await;
    let page = app.get(&format!("/billett/{token}")).await.text();
    assert!(page.contains("Arendal (fra 01.01.2027)"), "{page}");
}
