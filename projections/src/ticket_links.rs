//! Ticket links (migration `20261130100000_ticket_links.sql`): the random token in
//! `<PUBLIC_URL>/billett/<token>` that opens one ticket's page. Issued with the approval SMS (in
//! the projector's batch, once per approval event) and again when an administrator sends the
//! link anew, which revokes the old one. Only SHA-256 hashes of tokens are stored.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A new token: 64 lower-case hex characters carrying 244 random bits (two v4 UUIDs, from the
/// operating system's generator), so nobody can guess one or search the hashes.
pub fn new_token() -> String {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    format!("{}{}", a.simple(), b.simple())
}

/// The stored form of a token: its SHA-256 hash (unsalted is enough for 244 random bits).
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// Issues one link per `(subscription, cause)` on the batch's transaction and returns the new
/// tokens by cause. A cause that already has a link (the batch seen again) gets none, and its
/// message must not be queued again either.
pub(crate) async fn issue_for_causes(
    conn: &mut PgConnection,
    wanted: &[(Uuid, String)],
) -> Result<HashMap<String, String>, sqlx::Error> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut tokens: HashMap<String, String> = wanted
        .iter()
        .map(|(_, cause)| (cause.clone(), new_token()))
        .collect();
    let subscriptions: Vec<Uuid> = wanted.iter().map(|(s, _)| *s).collect();
    let causes: Vec<&str> = wanted.iter().map(|(_, c)| c.as_str()).collect();
    let hashes: Vec<Vec<u8>> = causes.iter().map(|c| token_hash(&tokens[*c])).collect();
    let issued: Vec<String> = sqlx::query_scalar(
        "INSERT INTO ticket_links (token_hash, subscription_id, cause)
         SELECT * FROM unnest($1::bytea[], $2::uuid[], $3::text[])
         ON CONFLICT DO NOTHING RETURNING cause",
    )
    .bind(&hashes)
    .bind(&subscriptions)
    .bind(&causes)
    .fetch_all(&mut *conn)
    .await?;
    tokens.retain(|cause, _| issued.contains(cause));
    Ok(tokens)
}

/// Revokes `subscription`'s live link (if any) and issues a new one, on the caller's
/// transaction; returns the new token, the only time it exists in plain text.
pub async fn reissue(conn: &mut PgConnection, subscription: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query(
        "UPDATE ticket_links SET revoked_at = now()
         WHERE subscription_id = $1 AND revoked_at IS NULL",
    )
    .bind(subscription)
    .execute(&mut *conn)
    .await?;
    let token = new_token();
    sqlx::query("INSERT INTO ticket_links (token_hash, subscription_id) VALUES ($1, $2)")
        .bind(token_hash(&token))
        .bind(subscription)
        .execute(&mut *conn)
        .await?;
    Ok(token)
}

/// The subscription whose live link has `token`; `None` for an unknown or revoked token.
pub async fn subscription_of(pool: &PgPool, token: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT subscription_id FROM ticket_links WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 32);
    }
}
