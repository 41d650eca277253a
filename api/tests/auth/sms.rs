//! Employee login with an SMS code: 10 minutes, 5 attempts, one company.

use bedrift_api::auth::{self, AuthError, Principal};
use bedrift_domain::values::CompanyId;
use chrono::Duration;
use futures::future::join_all;

use crate::helpers::*;

#[tokio::test]
async fn the_right_code_logs_the_employee_in_once() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    list_company(pool, company, LINK).await;
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let session = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await
    .unwrap();
    let principal = auth::authenticate(pool, &clock, &session).await.unwrap();
    assert_eq!(
        principal,
        Principal::Employee {
            phone: mobile.clone(),
            company
        }
    );
    let again = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await;
    assert!(matches!(again, Err(AuthError::NoCode)));
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    advance(&clock, Duration::minutes(10));
    let late = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await;
    assert!(matches!(late, Err(AuthError::CodeExpired)));
}

#[tokio::test]
async fn the_fifth_wrong_code_burns_it() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    for attempt in 1..=5 {
        let result = auth::verify_phone(
            pool,
            &clock,
            limits(),
            link(company),
            &mobile,
            &wrong(&code),
            client,
        )
        .await;
        match attempt {
            1..=4 => assert!(
                matches!(result, Err(AuthError::Unauthenticated)),
                "{attempt}"
            ),
            _ => assert!(matches!(result, Err(AuthError::TooManyAttempts))),
        }
    }
    let right = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await;
    assert!(matches!(right, Err(AuthError::TooManyAttempts)));
}

#[tokio::test]
async fn the_right_code_still_works_after_four_wrong_ones() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    for _ in 0..4 {
        let bad = wrong(&code);
        let result =
            auth::verify_phone(pool, &clock, limits(), link(company), &mobile, &bad, client);
        assert!(result.await.is_err());
    }
    auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_new_code_replaces_the_previous_one() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let first = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let second = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    if second != first {
        let old = auth::verify_phone(
            pool,
            &clock,
            limits(),
            link(company),
            &mobile,
            &first,
            client,
        );
        assert!(matches!(old.await, Err(AuthError::Unauthenticated)));
    }
    auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &second,
        client,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_code_works_only_at_its_company() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let elsewhere = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(CompanyId::new()),
        &mobile,
        &code,
        client,
    )
    .await;
    assert!(matches!(elsewhere, Err(AuthError::NoCode)));
    let other_phone = phone("41234567");
    let other = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &other_phone,
        &code,
        client,
    );
    assert!(matches!(other.await, Err(AuthError::NoCode)));
}

#[tokio::test]
async fn a_malformed_code_is_bad_input_and_costs_no_attempt() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    for bad in ["12345", "abcdef", "1234567"] {
        let result =
            auth::verify_phone(pool, &clock, limits(), link(company), &mobile, bad, client);
        assert!(matches!(
            result.await,
            Err(AuthError::BadInput { field: "code", .. })
        ));
    }
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &spaced,
        client,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_codes_cannot_exceed_five_attempts() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let bad = wrong(&code);
    let guesses = (0..20).map(|_| {
        let (pool, clock, mobile, bad) = (pool.clone(), clock.clone(), mobile.clone(), bad.clone());
        tokio::spawn(async move {
            auth::verify_phone(
                &pool,
                &clock,
                limits(),
                link(company),
                &mobile,
                &bad,
                client,
            )
            .await
        })
    });
    let results = join_all(guesses).await;
    let counted = results
        .iter()
        .filter(|r| {
            matches!(
                r.as_ref().unwrap(),
                Err(AuthError::Unauthenticated) | Err(AuthError::TooManyAttempts)
            )
        })
        .count();
    assert_eq!(counted, 20, "every guess is refused");
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM verification_codes")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(attempts, 5);
    let right = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(company),
        &mobile,
        &code,
        client,
    )
    .await;
    assert!(matches!(right, Err(AuthError::TooManyAttempts)));
}
