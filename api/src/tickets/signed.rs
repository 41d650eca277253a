//! The signed ticket: a compact JWS (RFC 7515) with `alg: EdDSA` (RFC 8037, Ed25519) whose
//! payload names the ticket, its holder, category, zones, validity and issuer, so an
//! inspector's device verifies it offline against `/.well-known/jwks.json`. Signed afresh each
//! time the page is shown, valid from the ticket's first day (`nbf`) until its last day ends
//! or [`MAX_TICKET_LIFETIME`] after signing, whichever is first (`exp`).
//!
//! Payload (times in seconds since 1970, dates as `YYYY-MM-DD`, days in Europe/Oslo):
//! `iss` (the service's public URL), `sub` (the subscription id), `iat`, `nbf`, `exp`,
//! `name`, `category` (`ADULT`, ...), `zones` (zone codes; empty for the whole region),
//! `whole_region`, `valid_from`, `valid_through` (null while not cancelled), `company`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bedrift_domain::clock::start_of_oslo_day;
use chrono::{DateTime, Days, Utc};
use serde_json::{json, Value};

use super::card::{TicketCard, ZonesShown};
use super::keys::{SigningKey, MAX_TICKET_LIFETIME};

/// The claims of `card` signed at `now` by `issuer`, or `None` for a ticket that is not valid
/// now or later (ended, cancelled before start, not approved): those carry no signed ticket.
pub fn claims(card: &TicketCard, issuer: &str, now: DateTime<Utc>) -> Option<Value> {
    if !card.status.is_valid_now_or_later() {
        return None;
    }
    let valid_from = card.valid_from?;
    let nbf = start_of_oslo_day(valid_from);
    let latest = now + MAX_TICKET_LIFETIME;
    let exp = card
        .valid_through
        .and_then(|last| last.checked_add_days(Days::new(1)))
        .map_or(latest, |after| start_of_oslo_day(after).min(latest));
    Some(json!({
        "iss": issuer,
        "sub": card.subscription_id,
        "iat": now.timestamp(),
        "nbf": nbf.timestamp(),
        "exp": exp.timestamp(),
        "name": card.holder,
        "category": card.category.code(),
        "zones": card.zone_codes,
        "whole_region": card.zones == ZonesShown::WholeRegion,
        "valid_from": valid_from,
        "valid_through": card.valid_through,
        "company": card.company,
    }))
}

/// `claims` as a compact JWS signed by `key`: `header.payload.signature`, each base64url.
pub fn sign(key: &SigningKey, claims: &Value) -> String {
    let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": key.kid });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
