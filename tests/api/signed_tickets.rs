//! Signed tickets: the ticket page carries a compact JWS (`alg: EdDSA`) that verifies against
//! `/.well-known/jwks.json` with an Ed25519 implementation independent of the signer's
//! (ed25519-dalek here, ring in the service), fails when tampered with, and keeps verifying
//! after the signing key is rotated, until the old key's tickets have expired.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{json, Value};

use crate::helpers::{order, ticket_token, TestApp};

/// The JWS on the ticket page of the newest ticket SMS to `phone`, if it shows one.
async fn page_jws(app: &TestApp, phone: &str) -> Option<String> {
    // Settled first; the newest SMS with a ticket link (a cancellation's notice has none).
    app.last_message(phone).await;
    let sms: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE recipient = $1 AND body LIKE '%/billett/%'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(phone)
    .fetch_one(app.db.pool())
    .await
    .expect("a ticket SMS");
    let page = app
        .get(&format!("/billett/{}", ticket_token(&sms)))
        .await
        .text();
    let start = page.find("data-jws=\"")? + "data-jws=\"".len();
    let end = start + page[start..].find('"')?;
    assert!(page.contains("<svg"), "the QR code is drawn on the page");
    Some(page[start..end].to_owned())
}

async fn jwks(app: &TestApp) -> Value {
    let response = app.get("/.well-known/jwks.json").await;
    assert_eq!(response.status, 200);
    response.json()
}

fn decode(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(part).expect("base64url")
}

/// Verifies `jws` against the key set from raw Ed25519, and returns (header, payload).
fn verify(jws: &str, key_set: &Value) -> Result<(Value, Value), String> {
    let parts: Vec<&str> = jws.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err("not three parts".into());
    };
    let header_json: Value = serde_json::from_slice(&decode(header)).map_err(|e| e.to_string())?;
    if header_json["alg"] != "EdDSA" {
        return Err(format!("alg {}", header_json["alg"]));
    }
    let key = key_set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header_json["kid"])
        .ok_or("no published key with that kid")?;
    assert_eq!(
        (&key["kty"], &key["crv"]),
        (&json!("OKP"), &json!("Ed25519"))
    );
    let x: [u8; 32] = decode(key["x"].as_str().unwrap()).try_into().unwrap();
    let public = VerifyingKey::from_bytes(&x).map_err(|e| e.to_string())?;
    let signature = Signature::from_slice(&decode(signature)).map_err(|e| e.to_string())?;
    public
        .verify_strict(format!("{header}.{payload}").as_bytes(), &signature)
        .map_err(|e| e.to_string())?;
    let payload_json = serde_json::from_slice(&decode(payload)).map_err(|e| e.to_string())?;
    Ok((header_json, payload_json))
}

#[tokio::test]
async fn the_signed_ticket_verifies_against_the_published_keys_and_a_tampered_one_does_not() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let created = app
        .create(&admin, &company, "91234567", order("Anne", "Berg"), None)
        .await;
    let sub = created["id"].as_str().unwrap();
    let jws = page_jws(&app, "+4791234567")
        .await
        .expect("a signed ticket");
    let keys = jwks(&app).await;
    let (header, payload) = verify(&jws, &keys).expect("a valid signature");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(payload["sub"], sub);
    assert_eq!(payload["iss"], "http://localhost:8080");
    assert_eq!(payload["name"], "Anne Berg");
    assert_eq!(payload["category"], "ADULT");
    assert_eq!(payload["zones"], json!(["kristiansand"]));
    assert_eq!(payload["whole_region"], false);
    assert_eq!(payload["valid_from"], "2027-01-01");
    assert_eq!(payload["valid_through"], Value::Null);
    assert_eq!(payload["company"], "Firma AS");
    // Valid from the first day in Oslo (1 January 2027, 00:00 CET) for at most 31 days.
    assert_eq!(payload["nbf"], 1_798_758_000);
    let (iat, exp) = (
        payload["iat"].as_i64().unwrap(),
        payload["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 31 * 24 * 3600);

    // Another name in the payload, or one changed bit of the signature: refused.
    let parts: Vec<&str> = jws.split('.').collect();
    let mut forged = payload.clone();
    forged["name"] = json!("Ola Berg");
    let forged_payload = URL_SAFE_NO_PAD.encode(forged.to_string());
    let tampered = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    assert!(verify(&tampered, &keys).is_err());
    let mut signature = decode(parts[2]);
    signature[10] ^= 1;
    let flipped = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        URL_SAFE_NO_PAD.encode(signature)
    );
    assert!(verify(&flipped, &keys).is_err());

    // A ticket cancelled before it started carries no signed ticket.
    app.cancel(&admin, sub, "IMMEDIATELY").await;
    assert_eq!(page_jws(&app, "+4791234567").await, None);
}

#[tokio::test]
async fn after_key_rotation_old_tickets_verify_until_they_expire() {
    let app = TestApp::spawn("2027-01-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let start = Some("2027-01-10");
    app.create(&admin, &company, "91234567", order("Anne", "Berg"), start)
        .await;
    let old = page_jws(&app, "+4791234567").await.unwrap();
    let (old_header, old_payload) = verify(&old, &jwks(&app).await).unwrap();

    let new_kid = bedrift_api::tickets::keys::rotate(app.db.pool(), &*app.state.clock)
        .await
        .unwrap();
    assert_ne!(json!(new_kid), old_header["kid"]);
    let new = page_jws(&app, "+4791234567").await.unwrap();
    let keys = jwks(&app).await;
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);
    let (new_header, _) = verify(&new, &keys).unwrap();
    assert_eq!(new_header["kid"], json!(new_kid));
    verify(&old, &keys).expect("a ticket signed before the rotation still verifies");

    // Once every ticket the old key signed has expired, it is no longer published.
    app.set_today("2027-02-11");
    let later = app.state.clock.now().timestamp();
    assert!(old_payload["exp"].as_i64().unwrap() < later);
    let keys = jwks(&app).await;
    let kids: Vec<&Value> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["kid"])
        .collect();
    assert_eq!(kids, [&json!(new_kid)]);
}
