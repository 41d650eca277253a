//! What is stored: secrets only as hashes.

use bedrift_api::auth;
use bedrift_domain::values::CompanyId;

use crate::helpers::*;

/// Every row of `table` as text, all columns (bytea as hex, as PostgreSQL prints it).
async fn dump(pool: &sqlx::PgPool, table: &str) -> String {
    let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
        .fetch_all(pool)
        .await
        .unwrap();
    rows.join("\n")
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let (id, invitation) = invited_administrator(pool, &clock, "kari@firma.no").await;
    let mut connection = pool.acquire().await.unwrap();
    let reset =
        auth::request_password_reset(&mut connection, &clock, limits(), &email("kari@firma.no"))
            .await
            .unwrap()
            .unwrap();
    let session = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    let code = request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    let tokens = dump(pool, "one_time_tokens").await;
    let sessions = dump(pool, "sessions").await;
    let codes = dump(pool, "verification_codes").await;
    assert!(!tokens.is_empty() && !sessions.is_empty() && !codes.is_empty());
    let everything = format!("{tokens}\n{sessions}\n{codes}");
    for secret in [&invitation, &reset, &session] {
        assert!(
            !everything.contains(secret.as_str()),
            "a token is stored in plain text"
        );
    }
    assert!(!codes.contains(&code), "the code is stored in plain text");
    let hex_code: String = code.bytes().map(|b| format!("{b:02x}")).collect();
    assert!(
        !codes.contains(&hex_code),
        "the code is stored as plain bytes"
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    administrator(pool, &clock, "kari@firma.no").await;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM accounts")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"));
    assert!(!stored.contains(PASSWORD));
}

#[tokio::test]
async fn purging_removes_only_what_can_no_longer_be_used() {
    let (db, clock) = setup().await;
    let pool = db.pool();
    let id = administrator(pool, &clock, "kari@firma.no").await;
    let old = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let (company, mobile, client) = (CompanyId::new(), phone("91234567"), address("192.0.2.1"));
    request_code(pool, &clock, company, &mobile, client)
        .await
        .unwrap();
    advance(&clock, chrono::Duration::days(8));
    let fresh = auth::create_account_session(pool, &clock, id)
        .await
        .unwrap();
    let purged = auth::purge_expired(pool, &clock).await.unwrap();
    assert_eq!(purged.sessions, 1);
    assert_eq!(purged.tokens, 1, "the used invitation");
    assert_eq!(purged.codes, 1);
    assert_eq!(purged.rate_limits, 2, "the phone's and the address's");
    assert!(auth::authenticate(pool, &clock, &old).await.is_err());
    auth::authenticate(pool, &clock, &fresh).await.unwrap();
}
