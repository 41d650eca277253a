//! The dispatcher against a real local SMS gateway and SMTP server: every message arrives once
//! even when the gateway refuses the first attempts, retries stop at the limit, a refusal for
//! good fails at once, two dispatchers share the outbox without sending twice, and e-mail
//! carries its subject and message id.

use std::time::Duration;

use bedrift_api::auth::{self, Channel};
use bedrift_api::notifications::settings::SmsSettings;
use bedrift_api::notifications::{DeliverySettings, Dispatcher};
use bedrift_store::testing::TestDatabase;
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use crate::helpers::{delivery_settings, SmsGateway, SmtpSink, TestApp};

/// Queues `count` SMS to distinct numbers.
pub async fn queue_sms(pool: &PgPool, count: i32) {
    sqlx::query(
        "INSERT INTO outbox (channel, recipient, body)
         SELECT 'SMS', '+479' || lpad(g::text, 7, '0'), 'Melding nr. ' || g
         FROM generate_series(1, $1) AS g",
    )
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
}

/// Runs `dispatcher` until the returned sender is told `true` (or dropped).
fn run(dispatcher: Dispatcher) -> watch::Sender<bool> {
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        dispatcher.run(shutdown).await.expect("the dispatcher runs");
    });
    stop
}

/// Waits until no message is PENDING; returns the count per status.
pub async fn settled(pool: &PgPool) -> Vec<(String, i64)> {
    for _ in 0..600 {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'PENDING'")
                .fetch_one(pool)
                .await
                .unwrap();
        if pending == 0 {
            return sqlx::query_as(
                "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status",
            )
            .fetch_all(pool)
            .await
            .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("messages still pending after 30 s");
}

/// Every message's id, sorted.
pub async fn message_ids(pool: &PgPool) -> Vec<String> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT message_id FROM outbox ORDER BY message_id")
        .fetch_all(pool)
        .await
        .unwrap();
    ids.iter().map(Uuid::to_string).collect()
}

/// The keys of the messages `gateway` delivered, sorted.
pub fn sorted_keys(gateway: &SmsGateway) -> Vec<String> {
    let mut keys: Vec<String> = gateway.delivered().into_iter().map(|s| s.key).collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn every_message_reaches_a_gateway_that_refuses_the_first_attempts_exactly_once() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    queue_sms(pool, 40).await;
    // This gateway does not drop repeats: any message sent twice would show.
    let gateway = SmsGateway::spawn(25, false, Duration::ZERO).await;
    let smtp = SmtpSink::spawn().await;
    let dispatcher = Dispatcher::new(pool.clone(), delivery_settings(&gateway, &smtp)).unwrap();
    let _stop = run(dispatcher);
    assert_eq!(settled(pool).await, [("SENT".to_owned(), 40)]);
    assert_eq!(sorted_keys(&gateway), message_ids(pool).await);
    assert_eq!(gateway.repeats(), 0, "no message was sent twice");
    assert_eq!(gateway.requests(), 40 + 25, "one request per attempt");
    let (attempts, retried): (i64, i64) =
        sqlx::query_as("SELECT sum(attempts), count(*) FILTER (WHERE attempts > 1) FROM outbox")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(attempts, 65, "every attempt is counted");
    assert_eq!(retried, 25, "each refused message was tried again");
    let text: Vec<String> = gateway.to("+4790000007");
    assert_eq!(text, ["Melding nr. 7"]);
}

#[tokio::test]
async fn a_message_the_gateway_keeps_refusing_fails_after_the_limit() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    queue_sms(pool, 1).await;
    let gateway = SmsGateway::spawn(usize::MAX, false, Duration::ZERO).await;
    let smtp = SmtpSink::spawn().await;
    let settings = DeliverySettings {
        max_attempts: 3,
        ..delivery_settings(&gateway, &smtp)
    };
    let _stop = run(Dispatcher::new(pool.clone(), settings).unwrap());
    assert_eq!(settled(pool).await, [("FAILED".to_owned(), 1)]);
    let (attempts, error, sent_at): (i32, String, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT attempts, last_error, sent_at FROM outbox")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(attempts, 3);
    assert!(error.contains("503"), "{error}");
    assert_eq!(sent_at, None);
    assert_eq!(gateway.requests(), 3);
    assert!(gateway.delivered().is_empty());
}

#[tokio::test]
async fn a_message_the_gateway_refuses_for_good_fails_at_once() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    queue_sms(pool, 1).await;
    let gateway = SmsGateway::spawn(0, false, Duration::ZERO).await;
    let smtp = SmtpSink::spawn().await;
    let mut settings = delivery_settings(&gateway, &smtp);
    let SmsSettings::Http(http) = &mut settings.sms else {
        unreachable!("the test settings use the gateway")
    };
    http.auth_value = Some("wrong-key".to_owned());
    let _stop = run(Dispatcher::new(pool.clone(), settings).unwrap());
    assert_eq!(settled(pool).await, [("FAILED".to_owned(), 1)]);
    let (attempts, error): (i32, String) =
        sqlx::query_as("SELECT attempts, last_error FROM outbox")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1, "a 401 is not tried again");
    assert!(error.contains("401"), "{error}");
    assert_eq!(gateway.unauthorised(), 1);
}

#[tokio::test]
async fn two_dispatchers_share_the_outbox_without_sending_twice() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    queue_sms(pool, 300).await;
    let gateway = SmsGateway::spawn(0, false, Duration::from_millis(2)).await;
    let smtp = SmtpSink::spawn().await;
    let settings = DeliverySettings {
        batch: 10,
        ..delivery_settings(&gateway, &smtp)
    };
    let _first = run(Dispatcher::new(pool.clone(), settings.clone()).unwrap());
    let _second = run(Dispatcher::new(pool.clone(), settings).unwrap());
    assert_eq!(settled(pool).await, [("SENT".to_owned(), 300)]);
    assert_eq!(gateway.repeats(), 0, "no message was sent twice");
    assert_eq!(sorted_keys(&gateway), message_ids(pool).await);
}

#[tokio::test]
async fn an_e_mail_arrives_over_smtp_with_its_subject_and_message_id() {
    let db = TestDatabase::create().await;
    let pool = db.pool();
    let link = "https://billett.example/nytt-passord?token=0123456789abcdef";
    let text = auth::password_reset_email(link);
    let mut transaction = bedrift_store::begin(pool).await.unwrap();
    auth::enqueue_message(
        &mut transaction,
        Channel::Email,
        "kari@firma.no",
        Some(&text.subject),
        &text.body,
    )
    .await
    .unwrap();
    transaction.commit().await.unwrap();
    let gateway = SmsGateway::spawn(0, false, Duration::ZERO).await;
    let smtp = SmtpSink::spawn().await;
    let _stop = run(Dispatcher::new(pool.clone(), delivery_settings(&gateway, &smtp)).unwrap());
    let mail = smtp.wait_for("kari@firma.no").await;
    assert_eq!(settled(pool).await, [("SENT".to_owned(), 1)]);
    let message_id: Uuid = sqlx::query_scalar("SELECT message_id FROM outbox")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<{message_id}@billett.test>"))
    );
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Nytt passord til Bedriftsbillett")
    );
    assert_eq!(
        mail.header("From").as_deref(),
        Some("Bedriftsbillett <ikke-svar@billett.test>")
    );
    assert!(mail.body.contains(link), "{}", mail.body);
    assert!(
        mail.body.contains("Vi har fått en forespørsel"),
        "{}",
        mail.body
    );
    assert_eq!(smtp.mails().len(), 1);
}

#[tokio::test]
async fn a_sent_message_keeps_no_code_or_link_in_the_outbox() {
    let app = TestApp::spawn_delivering("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.employee(&link, "41234567").await;
    let delivery = app.delivery.as_ref().unwrap();
    let sms = delivery.gateway.wait_for("+4741234567", "kode").await;
    let code: String = sms
        .split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("a code in {sms}"))
        .to_owned();
    let stored = settled(app.db.pool()).await;
    assert!(
        stored.iter().all(|(status, _)| status == "SENT"),
        "{stored:?}"
    );
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let invitation = delivery.smtp.wait_for("kari@firma.no").await;
    let token = crate::helpers::link_token(&invitation.body);
    for body in &bodies {
        assert!(!body.contains(&token), "{body}");
        assert!(!body.contains("token="), "{body}");
        assert!(!body.contains(&code), "{body}");
    }
}
