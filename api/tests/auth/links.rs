//! Invitation and password reset links: single use, expiring.

use bedrift_api::auth::{self, AuthError, Principal};
use chrono::Duration;

use crate::helpers::*;

#[tokio::test]
async fn an_invitation_token_works_once() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (id, token) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let account = auth::accept_invitation(pool, &clock, COST, &token, PASSWORD)
        .await
        .unwrap();
    assert_eq!(account.id, id);
    let again = auth::accept_invitation(pool, &clock, COST, &token, "et annet passord").await;
    assert!(matches!(again, Err(AuthError::LinkUsed)));
    auth::verify_password(pool, COST, &email("kari@firma.no"), PASSWORD)
        .await
        .expect("the first password stands");
}

#[tokio::test]
async fn an_invitation_expires_after_seven_days() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (_, token) = invited_administrator(pool, &clock, "kari@firma.no").await;
    advance(&clock, Duration::days(7));
    let late = auth::accept_invitation(pool, &clock, COST, &token, PASSWORD).await;
    assert!(matches!(late, Err(AuthError::LinkExpired)));
}

#[tokio::test]
async fn a_weak_password_does_not_use_up_the_invitation() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (_, token) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let weak = auth::accept_invitation(pool, &clock, COST, &token, "kort").await;
    assert!(matches!(
        weak,
        Err(AuthError::BadInput {
            field: "password",
            ..
        })
    ));
    auth::accept_invitation(pool, &clock, COST, &token, PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_invitation_replaces_the_previous_one() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (id, old) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let mut connection = pool.acquire().await.unwrap();
    let new = auth::issue_invitation(&mut connection, &clock, id, inviting_company())
        .await
        .unwrap();
    let with_old = auth::accept_invitation(pool, &clock, COST, &old, PASSWORD).await;
    assert!(matches!(with_old, Err(AuthError::LinkReplaced)));
    auth::accept_invitation(pool, &clock, COST, &new, PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_invitation_from_another_company_leaves_the_first_one_working() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (id, first) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let other = bedrift_domain::values::CompanyId::new();
    let mut connection = pool.acquire().await.unwrap();
    let second = auth::issue_invitation(&mut connection, &clock, id, other)
        .await
        .unwrap();
    auth::accept_invitation(pool, &clock, COST, &first, PASSWORD)
        .await
        .unwrap();
    let with_second = auth::accept_invitation(pool, &clock, COST, &second, PASSWORD).await;
    assert!(
        matches!(with_second, Err(AuthError::LinkUsed)),
        "once the password is set, the other company's link has done its work: {with_second:?}"
    );
}

async fn reset_token(
    db: &bedrift_store::testing::TestDatabase,
    clock: &impl bedrift_domain::clock::Clock,
    mail: &str,
) -> Option<String> {
    let mut transaction = bedrift_store::begin(db.pool()).await.unwrap();
    let token = auth::request_password_reset(&mut transaction, clock, limits(), &email(mail))
        .await
        .unwrap();
    transaction.commit().await.unwrap();
    token
}

#[tokio::test]
async fn an_expired_reset_token_is_refused() {
    let (db, clock) = setup().await;
    administrator(db.pool(), &clock, "kari@firma.no").await;
    let token = reset_token(&db, &clock, "kari@firma.no").await.unwrap();
    advance(&clock, Duration::hours(1));
    let late = auth::reset_password(db.pool(), &clock, COST, &token, "nytt passord 2027").await;
    assert!(matches!(late, Err(AuthError::LinkExpired)));
}

#[tokio::test]
async fn a_reset_token_sets_a_new_password_once() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    administrator(pool, &clock, "kari@firma.no").await;
    let token = reset_token(&db, &clock, "Kari@Firma.no").await.unwrap();
    advance(&clock, Duration::minutes(59));
    auth::reset_password(pool, &clock, COST, &token, "nytt passord 2027")
        .await
        .unwrap();
    let kari = email("kari@firma.no");
    let old = auth::verify_password(pool, COST, &kari, PASSWORD).await;
    assert!(matches!(old, Err(AuthError::Unauthenticated)));
    auth::verify_password(pool, COST, &kari, "nytt passord 2027")
        .await
        .unwrap();
    let again = auth::reset_password(pool, &clock, COST, &token, "tredje passord!").await;
    assert!(matches!(again, Err(AuthError::LinkUsed)));
}

#[tokio::test]
async fn a_password_reset_revokes_sessions() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = administrator(pool, &clock, "kari@firma.no").await;
    let session = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let principal = auth::authenticate(pool, &clock, &session).await.unwrap();
    assert!(matches!(principal, Principal::Administrator { .. }));
    let token = reset_token(&db, &clock, "kari@firma.no").await.unwrap();
    auth::reset_password(pool, &clock, COST, &token, "nytt passord 2027")
        .await
        .unwrap();
    let after = auth::authenticate(pool, &clock, &session).await;
    assert!(matches!(after, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn a_reset_for_an_unknown_email_gives_no_token() {
    let (db, clock) = setup().await;
    assert_eq!(reset_token(&db, &clock, "ingen@firma.no").await, None);
}

#[tokio::test]
async fn reset_requests_for_one_address_are_limited() {
    let (db, clock) = setup().await;
    administrator(db.pool(), &clock, "kari@firma.no").await;
    for _ in 0..3 {
        assert!(reset_token(&db, &clock, "kari@firma.no").await.is_some());
    }
    let mut transaction = bedrift_store::begin(db.pool()).await.unwrap();
    let fourth =
        auth::request_password_reset(&mut transaction, &clock, limits(), &email("kari@firma.no"))
            .await;
    assert!(matches!(fourth, Err(AuthError::RateLimited { .. })));
}
