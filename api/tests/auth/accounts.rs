//! Accounts and passwords.

use bedrift_api::auth::{self, AccountKind, AuthError};
use bedrift_domain::values::AccountId;

use crate::helpers::*;

#[tokio::test]
async fn an_operator_logs_in_with_the_right_password_only() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = auth::create_operator(pool, &clock, COST, &email("ola@akt.no"), "Ola", PASSWORD)
        .await
        .unwrap();
    let account = auth::verify_password(pool, COST, &email("ola@akt.no"), PASSWORD)
        .await
        .unwrap();
    assert_eq!(account.id, id);
    assert_eq!(account.kind, AccountKind::Operator);
    let wrong = auth::verify_password(pool, COST, &email("ola@akt.no"), "feil passord 123").await;
    assert!(matches!(wrong, Err(AuthError::Unauthenticated)));
    assert_eq!(auth::operator_count(pool).await.unwrap(), 1);
}

#[tokio::test]
async fn an_unknown_email_is_refused_like_a_wrong_password() {
    let (db, _clock) = setup().await;
    let result = auth::verify_password(db.pool(), COST, &email("ingen@akt.no"), PASSWORD).await;
    assert!(matches!(result, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn email_addresses_are_case_insensitive_and_unique() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    auth::create_operator(pool, &clock, COST, &email("Ola@AKT.no"), "Ola", PASSWORD)
        .await
        .unwrap();
    let account = auth::verify_password(pool, COST, &email("ola@akt.no"), PASSWORD)
        .await
        .unwrap();
    assert_eq!(account.email.as_str(), "ola@akt.no");
    let upper = email("OLA@akt.no");
    let again = auth::create_operator(pool, &clock, COST, &upper, "Ola", PASSWORD);
    assert!(matches!(
        again.await,
        Err(AuthError::BadInput { field: "email", .. })
    ));
}

#[tokio::test]
async fn a_weak_password_is_refused_with_a_clear_message() {
    let (db, clock) = setup().await;
    for weak in ["kort", "aaaaaaaaaaaaaa"] {
        let result =
            auth::create_operator(db.pool(), &clock, COST, &email("a@akt.no"), "A", weak).await;
        let Err(AuthError::BadInput { field, message }) = result else {
            panic!("{weak} was accepted");
        };
        assert_eq!(field, "password");
        assert!(message.starts_with("a password must"), "{message}");
    }
    assert_eq!(auth::operator_count(db.pool()).await.unwrap(), 0);
}

#[tokio::test]
async fn creating_an_administrator_account_twice_changes_nothing() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = AccountId::new();
    let kari = email("kari@firma.no");
    auth::create_administrator_account(pool, &clock, id, &kari, "Kari")
        .await
        .unwrap();
    auth::create_administrator_account(pool, &clock, id, &kari, "Kari")
        .await
        .unwrap();
    let other_id = auth::create_administrator_account(pool, &clock, AccountId::new(), &kari, "K");
    assert!(matches!(other_id.await, Err(AuthError::BadInput { .. })));
    let per = email("per@firma.no");
    let other_email = auth::create_administrator_account(pool, &clock, id, &per, "Per");
    assert!(matches!(other_email.await, Err(AuthError::BadInput { .. })));
    let found = auth::find_account_by_email(pool, &kari).await.unwrap();
    assert_eq!(found.map(|a| a.id), Some(id));
}

#[tokio::test]
async fn an_administrator_cannot_log_in_before_accepting_the_invitation() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (_, token) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let before = auth::verify_password(pool, COST, &email("kari@firma.no"), PASSWORD).await;
    assert!(matches!(before, Err(AuthError::Unauthenticated)));
    auth::accept_invitation(pool, &clock, COST, &token, PASSWORD)
        .await
        .unwrap();
    let after = auth::verify_password(pool, COST, &email("kari@firma.no"), PASSWORD)
        .await
        .unwrap();
    assert_eq!(after.kind, AccountKind::Administrator);
}

#[tokio::test]
async fn the_first_operator_token_works_once_and_only_while_no_operator_exists() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let mut connection = pool.acquire().await.unwrap();
    let token = auth::issue_first_operator_token(&mut connection, &clock)
        .await
        .unwrap()
        .expect("no operator yet");
    let first = auth::create_first_operator(
        pool,
        &clock,
        COST,
        &token,
        &email("sjef@akt.no"),
        "Sjef",
        PASSWORD,
    )
    .await
    .unwrap();
    assert_eq!(first.kind, AccountKind::Operator);
    let again = auth::create_first_operator(
        pool,
        &clock,
        COST,
        &token,
        &email("nr2@akt.no"),
        "Nr 2",
        PASSWORD,
    )
    .await;
    assert!(matches!(again, Err(AuthError::LinkUsed)));
    let later = auth::issue_first_operator_token(&mut connection, &clock).await;
    assert_eq!(later.unwrap(), None);
    assert_eq!(auth::operator_count(pool).await.unwrap(), 1);
}
