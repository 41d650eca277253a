//! The outbox: an auth message exists exactly when its cause was committed, waiting for the
//! dispatcher.

use bedrift_api::auth::{self, Channel};
use bedrift_domain::values::CompanyId;

use crate::helpers::*;

async fn outbox(pool: &sqlx::PgPool) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT channel, recipient, body, status FROM outbox ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_code_sms_is_queued_with_its_cause() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let mobile = phone("91234567");
    let mut transaction = bedrift_store::begin(pool).await.unwrap();
    let code = auth::request_verification_code(
        &mut transaction,
        &clock,
        limits(),
        link(CompanyId::new()),
        &mobile,
        address("192.0.2.1"),
    )
    .await
    .unwrap();
    auth::enqueue_message(
        &mut transaction,
        Channel::Sms,
        mobile.as_str(),
        None,
        &auth::code_sms(&code),
    )
    .await
    .unwrap();
    transaction.commit().await.unwrap();
    let expected =
        format!("Din engangskode for Bedriftsbillett er {code}. Den er gyldig i 10 minutter.");
    assert_eq!(
        outbox(pool).await,
        vec![(
            "SMS".to_owned(),
            "+4791234567".to_owned(),
            expected,
            "PENDING".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_message_is_not_queued_when_its_cause_rolls_back() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (id, _) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let mut transaction = bedrift_store::begin(pool).await.unwrap();
    let token = auth::issue_invitation(&mut transaction, &clock, id, inviting_company())
        .await
        .unwrap();
    let link = format!("https://billett.example/invitasjon?token={token}");
    let text = auth::invitation_email("Kari", "Firma AS", &link);
    auth::enqueue_message(
        &mut transaction,
        Channel::Email,
        "kari@firma.no",
        Some(&text.subject),
        &text.body,
    )
    .await
    .unwrap();
    transaction.rollback().await.unwrap();
    assert!(outbox(pool).await.is_empty());
    let refused = auth::accept_invitation(pool, &clock, COST, &token, PASSWORD).await;
    assert!(
        refused.is_err(),
        "the rolled back invitation does not exist"
    );
}
