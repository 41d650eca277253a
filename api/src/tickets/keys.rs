//! The ticket signing keys (migration `20261130100200_ticket_signing_keys.sql`): Ed25519, made
//! in the database on first use, rotated by `bedrift keys rotate`, and published as a JWKS
//! (RFC 7517, `OKP`/`Ed25519` keys of RFC 8037) with their RFC 7638 thumbprints as key ids.
//!
//! A signed ticket lives at most [`MAX_TICKET_LIFETIME`] (see `super::signed`), so a retired
//! key stays published that long after it stopped signing: every ticket it signed can still be
//! verified until it expires.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bedrift_domain::clock::Clock;
use chrono::Duration;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair as _};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::TicketError;

/// The longest a signed ticket is valid after it was signed.
pub const MAX_TICKET_LIFETIME: Duration = Duration::days(31);

/// The key that signs now. Its private half is never printed: `Debug` shows the key id only.
pub struct SigningKey {
    /// The key id (RFC 7638 thumbprint).
    pub kid: String,
    pair: Ed25519KeyPair,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// The Ed25519 signature of `message` (64 bytes).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// The RFC 7638 thumbprint of an Ed25519 public key: base64url SHA-256 of its canonical JWK.
pub fn thumbprint(public_key: &[u8]) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(public_key)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// The key that signs now; made (and stored) when there is none yet. Concurrent first calls
/// agree on one key: the unique index on the signing key lets only one insert win.
pub async fn signing_key(pool: &PgPool, clock: &dyn Clock) -> Result<SigningKey, TicketError> {
    if let Some(key) = load_signing(pool).await? {
        return Ok(key);
    }
    let (kid, pkcs8, public) = generate()?;
    sqlx::query(
        "INSERT INTO ticket_signing_keys (kid, private_key, public_key, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(&kid)
    .bind(&pkcs8)
    .bind(&public)
    .bind(clock.now())
    .execute(pool)
    .await?;
    load_signing(pool).await?.ok_or(TicketError::NoSigningKey)
}

/// Retires the signing key (if any) and makes a new one, in one transaction; returns the new
/// key id. Tickets shown from now on are signed with the new key.
pub async fn rotate(pool: &PgPool, clock: &dyn Clock) -> Result<String, TicketError> {
    let (kid, pkcs8, public) = generate()?;
    let now = clock.now();
    let mut tx = bedrift_store::begin(pool).await?;
    sqlx::query("UPDATE ticket_signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO ticket_signing_keys (kid, private_key, public_key, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&kid)
    .bind(&pkcs8)
    .bind(&public)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(kid = %kid, "ticket signing key rotated");
    Ok(kid)
}

/// The published keys as a JWKS document: the signing key and every key retired less than
/// [`MAX_TICKET_LIFETIME`] ago, newest first.
pub async fn jwks(pool: &PgPool, clock: &dyn Clock) -> Result<Value, TicketError> {
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT kid, public_key FROM ticket_signing_keys
         WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC",
    )
    .bind(clock.now() - MAX_TICKET_LIFETIME)
    .fetch_all(pool)
    .await?;
    let keys: Vec<Value> = rows
        .into_iter()
        .map(|(kid, public)| {
            json!({
                "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(public),
                "kid": kid, "alg": "EdDSA", "use": "sig",
            })
        })
        .collect();
    Ok(json!({ "keys": keys }))
}

async fn load_signing(pool: &PgPool) -> Result<Option<SigningKey>, TicketError> {
    let row: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT kid, private_key FROM ticket_signing_keys WHERE retired_at IS NULL")
            .fetch_optional(pool)
            .await?;
    row.map(|(kid, pkcs8)| {
        let pair =
            Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|e| TicketError::BadKey(e.to_string()))?;
        Ok(SigningKey { kid, pair })
    })
    .transpose()
}

/// A new key pair: (key id, PKCS#8 document, public key), from the system's random source.
fn generate() -> Result<(String, Vec<u8>, Vec<u8>), TicketError> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| TicketError::BadKey("the system random source failed".to_owned()))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|e| TicketError::BadKey(e.to_string()))?;
    let public = pair.public_key().as_ref().to_vec();
    Ok((thumbprint(&public), pkcs8.as_ref().to_vec(), public))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thumbprint_is_that_of_rfc_8037s_example_key() {
        // RFC 8037 appendix A.3: the thumbprint of its example Ed25519 public key.
        let x = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .unwrap();
        assert_eq!(
            thumbprint(&x),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn a_signing_key_never_shows_its_private_half() {
        let (kid, pkcs8, _) = generate().unwrap();
        let key = SigningKey {
            kid: kid.clone(),
            pair: Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap(),
        };
        assert_eq!(
            format!("{key:?}"),
            format!("SigningKey {{ kid: {kid:?}, .. }}")
        );
    }
}
