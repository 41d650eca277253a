//! Rate limits on SMS codes and verifications, per phone and per client address.

use bedrift_api::auth::{self, AuthError};
use bedrift_domain::values::CompanyId;
use chrono::Duration;
use futures::future::join_all;

use crate::helpers::*;

#[tokio::test]
async fn a_phone_gets_at_most_three_codes_in_ten_minutes() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let mobile = phone("91234567");
    for minute in 0..3 {
        let client = address(&format!("192.0.2.{minute}"));
        request_code(pool, &clock, CompanyId::new(), &mobile, client)
            .await
            .unwrap();
        advance(&clock, Duration::minutes(1));
    }
    let fourth = request_code(
        pool,
        &clock,
        CompanyId::new(),
        &mobile,
        address("198.51.100.1"),
    );
    let Err(AuthError::RateLimited { retry_after_secs }) = fourth.await else {
        panic!("a fourth code within ten minutes was sent");
    };
    assert_eq!(
        retry_after_secs,
        7 * 60,
        "the first code leaves the window at 10 minutes"
    );
    advance(&clock, Duration::minutes(7));
    request_code(
        pool,
        &clock,
        CompanyId::new(),
        &mobile,
        address("198.51.100.1"),
    )
    .await
    .expect("ten minutes after the first code, another may be sent");
}

#[tokio::test]
async fn an_address_gets_at_most_twenty_codes_an_hour() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let client = address("2001:db8::1");
    for n in 0..20 {
        let mobile = phone(&format!("9{:07}", n));
        request_code(pool, &clock, CompanyId::new(), &mobile, client)
            .await
            .unwrap();
    }
    let same_network = address("2001:db8::2");
    let other = phone("41234567");
    let next = request_code(pool, &clock, CompanyId::new(), &other, same_network);
    assert!(matches!(next.await, Err(AuthError::RateLimited { .. })));
    let elsewhere = request_code(pool, &clock, CompanyId::new(), &other, address("192.0.2.9"));
    elsewhere.await.expect("another address is not limited");
    advance(&clock, Duration::hours(1));
    request_code(pool, &clock, CompanyId::new(), &phone("41234568"), client)
        .await
        .expect("an hour later the address may ask again");
}

#[tokio::test]
async fn verification_attempts_are_limited_per_address() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let client = address("192.0.2.1");
    let limit = limits().verifications_per_address.max;
    for n in 0..limit {
        let mobile = phone(&format!("9{:07}", n));
        let result = auth::verify_phone(
            pool,
            &clock,
            limits(),
            link(CompanyId::new()),
            &mobile,
            "123456",
            client,
        );
        assert!(matches!(result.await, Err(AuthError::NoCode)));
    }
    let other = phone("41234567");
    let next = auth::verify_phone(
        pool,
        &clock,
        limits(),
        link(CompanyId::new()),
        &other,
        "123456",
        client,
    );
    assert!(matches!(next.await, Err(AuthError::RateLimited { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_code_requests_cannot_exceed_the_phone_limit() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let mobile = phone("91234567");
    let requests = (0..12).map(|n| {
        let (pool, clock, mobile) = (pool.clone(), clock.clone(), mobile.clone());
        let client = address(&format!("192.0.2.{n}"));
        tokio::spawn(
            async move { request_code(&pool, &clock, CompanyId::new(), &mobile, client).await },
        )
    });
    let sent = join_all(requests)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap().is_ok())
        .count();
    assert_eq!(sent, 3);
}
