//! Sessions: bearer tokens with expiry and logout.

use bedrift_api::auth::{self, AuthError, Principal};
use bedrift_domain::values::CompanyId;
use chrono::Duration;

use crate::helpers::*;

#[tokio::test]
async fn logging_out_ends_the_session() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = auth::create_operator(pool, &clock, COST, &email("ola@akt.no"), "Ola", PASSWORD)
        .await
        .unwrap();
    let token = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let other = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let Principal::Operator { account } = auth::authenticate(pool, &clock, &token).await.unwrap()
    else {
        panic!("not an operator");
    };
    assert_eq!(account.id, id);
    auth::log_out(pool, &clock, &token).await.unwrap();
    let after = auth::authenticate(pool, &clock, &token).await;
    assert!(matches!(after, Err(AuthError::Unauthenticated)));
    auth::authenticate(pool, &clock, &other)
        .await
        .expect("another session of the account lives on");
    auth::log_out(pool, &clock, &token)
        .await
        .expect("twice is fine");
}

#[tokio::test]
async fn an_account_session_expires_after_twelve_hours() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = administrator(pool, &clock, "kari@firma.no").await;
    let token = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    advance(&clock, Duration::hours(12) - Duration::seconds(1));
    auth::authenticate(pool, &clock, &token).await.unwrap();
    advance(&clock, Duration::seconds(1));
    let late = auth::authenticate(pool, &clock, &token).await;
    assert!(matches!(late, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn an_employee_session_names_phone_and_company_and_lasts_thirty_days() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let company = CompanyId::new();
    let mobile = phone("912 34 567");
    list_company(pool, company, LINK).await;
    let token = auth::create_employee_session(pool, &clock, company, LINK, &mobile)
        .await
        .unwrap();
    let principal = auth::authenticate(pool, &clock, &token).await.unwrap();
    assert_eq!(
        principal,
        Principal::Employee {
            phone: mobile,
            company
        }
    );
    advance(&clock, Duration::days(30));
    let late = auth::authenticate(pool, &clock, &token).await;
    assert!(matches!(late, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn an_unknown_or_malformed_token_is_unauthenticated() {
    let (db, clock) = setup().await;
    for token in ["", "nope", &"x".repeat(500)] {
        let result = auth::authenticate(db.pool(), &clock, token).await;
        assert!(matches!(result, Err(AuthError::Unauthenticated)), "{token}");
    }
}

#[tokio::test]
async fn an_employee_session_ends_when_the_company_rotates_its_order_link() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let company = CompanyId::new();
    let mobile = phone("912 34 567");
    list_company(pool, company, LINK).await;
    let token = auth::create_employee_session(pool, &clock, company, LINK, &mobile)
        .await
        .unwrap();
    assert!(auth::authenticate(pool, &clock, &token).await.is_ok());
    list_company(pool, company, "the-rotated-link").await;
    let after = auth::authenticate(pool, &clock, &token).await;
    assert!(
        matches!(after, Err(AuthError::Unauthenticated)),
        "{after:?}"
    );
    // Rotating back does not matter: the old link's sessions are bound to the old token,
    // which nobody gets again; a session through a link the company never had never works.
    let stranger = auth::create_employee_session(pool, &clock, company, "made-up", &mobile)
        .await
        .unwrap();
    let refused = auth::authenticate(pool, &clock, &stranger).await;
    assert!(matches!(refused, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn a_personal_login_names_only_the_phone_and_survives_rotation() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (mobile, client) = (phone("91234567"), address("192.0.2.1"));
    let company = CompanyId::new();
    list_company(pool, company, LINK).await;
    // A code for the order link does not log in personally, nor the other way round.
    let at_company = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let mut transaction = bedrift_store::begin(pool).await.unwrap();
    let personal = auth::request_verification_code(
        &mut transaction,
        &clock,
        limits(),
        auth::Login::Personal,
        &mobile,
        client,
    )
    .await
    .unwrap();
    transaction.commit().await.unwrap();
    if personal != at_company {
        let crossed = auth::verify_phone(
            pool,
            &clock,
            limits(),
            auth::Login::Personal,
            &mobile,
            &at_company,
            client,
        )
        .await;
        assert!(
            matches!(crossed, Err(AuthError::Unauthenticated)),
            "{crossed:?}"
        );
    }
    let token = auth::verify_phone(
        pool,
        &clock,
        limits(),
        auth::Login::Personal,
        &mobile,
        &personal,
        client,
    )
    .await
    .unwrap();
    list_company(pool, company, "the-rotated-link").await;
    let principal = auth::authenticate(pool, &clock, &token).await.unwrap();
    assert_eq!(principal, Principal::Holder { phone: mobile });
}
