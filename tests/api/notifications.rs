//! Event-driven messages: the approval SMS (with the app link) and the rejection SMS (with the
//! reason) are queued with the projector's batch, once per event: not again when the batch's
//! events are seen again, and never by a rebuild.

use bedrift_projections::rebuild::rebuild;
use bedrift_projections::{apply_next_batch_notifying, NotificationSettings, ReadModel};

use crate::helpers::{order, ticket_token, TestApp};

/// (cause, recipient, body) of the event-driven SMS (the e-mails to administrators are
/// `notices.rs`'s).
async fn event_messages(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT cause, recipient, body FROM outbox WHERE cause IS NOT NULL AND channel = 'SMS'
         ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn approvals_and_rejections_are_queued_once_per_event_and_never_by_a_rebuild() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let bjorn = app.employee(&link, "48123456").await;
    let anne_sub = app.order(&anne, order("Anne", "Berg")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bjorn_sub = app.order(&bjorn, order("Bjørn", "Dahl")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.settle().await;
    assert!(
        event_messages(&app).await.is_empty(),
        "an order sends the employee nothing"
    );
    app.approve(&admin, &anne_sub).await;
    app.reject(&admin, &bjorn_sub, "Ikke ansatt her").await;
    // An administrator's subscription is approved at once, and says so too.
    let created = app
        .create(&admin, &company, "93456789", order("Dag", "Fjell"), None)
        .await;
    let dag_sub = created["id"].as_str().unwrap();
    app.settle().await;
    let messages = event_messages(&app).await;
    let recipients: Vec<&str> = messages.iter().map(|(_, r, _)| r.as_str()).collect();
    assert_eq!(recipients, ["+4791234567", "+4748123456", "+4793456789"]);
    assert_eq!(
        messages[0].2,
        format!(
            "Hei Anne! Månedsbilletten din fra arbeidsgiveren er godkjent og gjelder fra \
             01.01.2027. Åpne billetten: http://localhost:8080/billett/{}",
            ticket_token(&messages[0].2)
        )
    );
    assert_eq!(
        messages[1].2,
        "Hei Bjørn. Bestillingen av månedsbillett gjennom arbeidsgiveren ble avvist. \
         Begrunnelse: Ikke ansatt her"
    );
    let _ = (anne_sub, dag_sub);
    assert!(messages[2].2.contains("/billett/"));
    for (cause, _, _) in &messages {
        assert!(cause.starts_with("event:"), "{cause}");
    }

    // A rebuild of every read model queues nothing.
    let pool = app.db.pool();
    rebuild(pool, &ReadModel::ALL, &mut |_| {}).await.unwrap();
    assert_eq!(event_messages(&app).await, messages);

    // Seeing the events again (the checkpoint set back) queues nothing new either.
    sqlx::query(
        "UPDATE projection_checkpoints SET tx_id = 0, position = 0 WHERE name = 'notifications'",
    )
    .execute(pool)
    .await
    .unwrap();
    let settings = NotificationSettings::default();
    while apply_next_batch_notifying(pool, &[], Some(&settings), 1_000)
        .await
        .unwrap()
        .0
        > 0
    {}
    assert_eq!(event_messages(&app).await, messages);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE recipient LIKE '+47%'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(total, 2 + 3, "two codes and three decisions");
}
