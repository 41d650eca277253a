//! The retention rules (`bedrift_api::retention`): a month after a message went out, the
//! outbox keeps no text or recipient of it, only that it went; sessions, links and codes go a
//! week after they stopped working; what still waits to be sent is never touched; applying the
//! rules again changes nothing.

use bedrift_api::retention::{self, ERASED};
use bedrift_domain::clock::Clock;
use chrono::Duration;

use crate::helpers::{order, TestApp};

#[tokio::test]
async fn a_month_after_sending_the_outbox_keeps_no_text_or_recipient_and_waiting_messages_stay() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    app.order(&anne, order("Anne", "Berg")).await;
    app.settle().await;
    let pool = app.db.pool();
    // Everything so far went out 40 days before the rules run; one more message still waits.
    sqlx::query(
        "UPDATE outbox SET status = 'SENT', sent_at = now() - interval '40 days',
                           created_at = now() - interval '40 days'",
    )
    .execute(pool)
    .await
    .unwrap();
    let waiting = app.employee(&link, "92345678").await;
    assert!(!waiting.is_empty());
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'SENT'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(sent >= 3, "an invitation and two codes at least: {sent}");

    let now = app.clock.now();
    let done = retention::apply(pool, &app.clock, Duration::days(30))
        .await
        .unwrap();
    assert_eq!(done.outbox_texts, sent as u64);
    let rows: Vec<(String, String, Option<String>, String)> =
        sqlx::query_as("SELECT status, recipient, subject, body FROM outbox ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    for (status, recipient, subject, body) in &rows {
        let text = format!("{recipient} {subject:?} {body}");
        if status == "SENT" {
            assert_eq!(body, ERASED);
            assert_eq!(subject, &None);
            for personal in ["Anne", "Berg", "Kari", "91234567", "kari@firma.no"] {
                assert!(!text.contains(personal), "{personal} kept in {text}");
            }
            assert!(recipient.contains("***"), "masked: {recipient}");
        } else {
            assert_eq!(recipient, "+4792345678", "a waiting message is untouched");
            assert_ne!(body, ERASED);
        }
    }
    assert_eq!(
        rows.iter().filter(|(s, ..)| s == "PENDING").count(),
        1,
        "{rows:?}"
    );

    // Applied again, or by another replica at the same time: nothing more changes.
    let again = retention::apply(pool, &app.clock, Duration::days(30))
        .await
        .unwrap();
    assert_eq!(again.outbox_texts, 0);

    // A week after the sessions and codes ended, they are gone too.
    app.clock.set(now + Duration::days(400));
    let later = retention::apply(pool, &app.clock, Duration::days(30))
        .await
        .unwrap();
    assert!(later.auth.sessions >= 3, "{later:?}");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let codes: i64 = sqlx::query_scalar("SELECT count(*) FROM verification_codes")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(codes, 0);
}
