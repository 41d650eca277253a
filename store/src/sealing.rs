//! Personal data in the event log, sealed per subscription (crypto-shredding).
//!
//! Before an event is appended, its personal values (`bedrift_domain::personal`) are moved
//! into one box, encrypted with AES-256-GCM under the subscription's data key, and their
//! places in the event read `[slettet]`. The box sits in the event's body as
//!
//! ```json
//! "sealed": { "subject": "<uuid>", "nonce": "<base64>", "box": "<base64>" }
//! ```
//!
//! bound (as associated data) to the event's aggregate, id and sequence, so it cannot be moved
//! to another event. Opening puts the values back; without the key (erased) the event keeps
//! reading `[slettet]`, which every value type reads back as its erased value. The hash chain
//! is computed over the sealed form, so deleting a key changes no stored byte. Events stored in
//! clear (before sealing, or by writers that do not seal) open as they are.
//!
//! Keys live in `data_keys`, by aggregate and subject: one per subscription, under its holder
//! (a phone at a company, `data_subjects`, the subject R5's claims use), and one per
//! administrator at each company, under their account; see migration `20261201000400`.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use bedrift_domain::personal::{actor_is_personal, erased_actor, personal_values};
use bedrift_domain::values::ERASED;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{json, Map, Value};
use sqlx::PgConnection;
use uuid::Uuid;

/// The body field that holds the sealed box.
pub const SEALED: &str = "sealed";

/// The metadata key of the acting party (`bedrift_domain::metadata`).
const ACTOR: &str = "actor";

/// What can go wrong sealing or opening.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key does not open the box: the event or the key was altered.
    #[error("the data key does not open event {sequence} of {aggregate_id}")]
    Tampered {
        /// The aggregate.
        aggregate_id: String,
        /// The event.
        sequence: i64,
    },
    /// A `sealed` field that is not a box this module wrote.
    #[error("event {sequence} of {aggregate_id} has a malformed sealed box: {reason}")]
    Malformed {
        /// The aggregate.
        aggregate_id: String,
        /// The event.
        sequence: i64,
        /// What is wrong.
        reason: &'static str,
    },
    /// Personal data to append to a subscription that has no data key and was never erased.
    #[error("subscription {0} has no data key for its personal data")]
    NoKey(String),
    /// The system's random source failed.
    #[error("the system's random source failed")]
    Random,
    /// The database.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One subscription's data key.
#[derive(Clone)]
pub struct DataKey {
    subject: Uuid,
    key: std::sync::Arc<LessSafeKey>,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl DataKey {
    /// A key as stored in `data_keys` (32 bytes).
    pub fn from_stored(subject: Uuid, bytes: &[u8]) -> Result<Self, SealError> {
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| SealError::Random)?;
        Ok(Self {
            subject,
            key: std::sync::Arc::new(LessSafeKey::new(unbound)),
        })
    }

    /// The subject the key belongs to.
    pub fn subject(&self) -> Uuid {
        self.subject
    }
}

/// 32 fresh random bytes for a new key.
fn fresh_key_bytes() -> Result<[u8; 32], SealError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| SealError::Random)?;
    Ok(bytes)
}

/// Which event a box belongs to: bound into it as associated data.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    /// The aggregate's type.
    pub aggregate_type: &'a str,
    /// The aggregate's id.
    pub aggregate_id: &'a str,
    /// The event's sequence in it.
    pub sequence: i64,
    /// The event's type: the name of the body's variant.
    pub event_type: &'a str,
}

impl EventRef<'_> {
    fn associated_data(&self) -> String {
        format!(
            "{}/{}/{}",
            self.aggregate_type, self.aggregate_id, self.sequence
        )
    }

    fn malformed(&self, reason: &'static str) -> SealError {
        SealError::Malformed {
            aggregate_id: self.aggregate_id.to_owned(),
            sequence: self.sequence,
            reason,
        }
    }
}

/// Whether the event holds personal values in clear (in its body or as its actor).
pub fn has_personal_data(event: EventRef<'_>, payload: &Value, metadata: Option<&Value>) -> bool {
    let body_personal = payload
        .get(event.event_type)
        .is_some_and(|body| !personal_values(event.aggregate_type, body).is_empty());
    let actor_personal = metadata
        .and_then(|m| m.get(ACTOR))
        .and_then(Value::as_str)
        .is_some_and(actor_is_personal);
    body_personal || actor_personal
}

/// Seals the event's personal values under `key` (or, with no key because the subscription
/// was erased, only erases them). Returns whether anything was personal.
pub fn seal(
    event: EventRef<'_>,
    payload: &mut Value,
    metadata: Option<&mut Value>,
    key: Option<&DataKey>,
) -> Result<bool, SealError> {
    let mut boxed_payload = Map::new();
    if let Some(body) = payload.get_mut(event.event_type) {
        for pointer in personal_values(event.aggregate_type, body) {
            if let Some(value) = body.pointer_mut(&pointer) {
                let value = std::mem::replace(value, Value::from(ERASED));
                boxed_payload.insert(pointer, value);
            }
        }
    }
    let mut boxed_metadata = Map::new();
    if let Some(Value::Object(metadata)) = metadata {
        if let Some(Value::String(actor)) = metadata.get_mut(ACTOR) {
            if actor_is_personal(actor) {
                let erased = erased_actor(actor);
                boxed_metadata.insert(
                    ACTOR.to_owned(),
                    Value::String(std::mem::replace(actor, erased)),
                );
            }
        }
    }
    if boxed_payload.is_empty() && boxed_metadata.is_empty() {
        return Ok(false);
    }
    let Some(key) = key else {
        return Ok(true);
    };
    let mut plain = serde_json::to_vec(&json!({
        "payload": boxed_payload,
        "metadata": boxed_metadata,
    }))
    .map_err(|_| event.malformed("unserialisable values"))?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| SealError::Random)?;
    key.key
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(event.associated_data()),
            &mut plain,
        )
        .map_err(|_| SealError::Random)?;
    let body = payload
        .get_mut(event.event_type)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| event.malformed("no body to hold the box"))?;
    body.insert(
        SEALED.to_owned(),
        json!({
            "subject": key.subject,
            "nonce": BASE64.encode(nonce),
            "box": BASE64.encode(&plain),
        }),
    );
    Ok(true)
}

/// The subject a sealed event names, if it is sealed.
pub fn sealed_subject(event: EventRef<'_>, payload: &Value) -> Option<Uuid> {
    payload
        .get(event.event_type)?
        .get(SEALED)?
        .get("subject")?
        .as_str()?
        .parse()
        .ok()
}

/// Opens a sealed event with `keys`: its personal values return to their places (and its
/// actor to `metadata`, when given). Without its key it stays erased. The box is removed
/// either way; an event stored in clear is left as it is.
pub fn open(
    event: EventRef<'_>,
    payload: &mut Value,
    metadata: Option<&mut Value>,
    keys: &Keys,
) -> Result<(), SealError> {
    let Some(body) = payload
        .get_mut(event.event_type)
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    let Some(sealed) = body.remove(SEALED) else {
        return Ok(());
    };
    let subject: Uuid = sealed
        .get("subject")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| event.malformed("no subject"))?;
    let Some(key) = keys.get(event.aggregate_id, subject) else {
        return Ok(());
    };
    let field = |name: &str| {
        sealed
            .get(name)
            .and_then(Value::as_str)
            .and_then(|text| BASE64.decode(text).ok())
    };
    let nonce: [u8; NONCE_LEN] = field("nonce")
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| event.malformed("no nonce"))?;
    let mut sealed_box = field("box").ok_or_else(|| event.malformed("no box"))?;
    let plain = key
        .key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(event.associated_data()),
            &mut sealed_box,
        )
        .map_err(|_| SealError::Tampered {
            aggregate_id: event.aggregate_id.to_owned(),
            sequence: event.sequence,
        })?;
    let values: Value =
        serde_json::from_slice(plain).map_err(|_| event.malformed("the box is not JSON"))?;
    let mut body = Value::Object(std::mem::take(body));
    if let Some(Value::Object(values)) = values.get("payload") {
        for (pointer, value) in values {
            if let Some(place) = body.pointer_mut(pointer) {
                *place = value.clone();
            }
        }
    }
    payload[event.event_type] = body;
    if let (Some(Value::Object(metadata)), Some(Value::Object(values))) =
        (metadata, values.get("metadata"))
    {
        for (name, value) in values {
            metadata.insert(name.clone(), value.clone());
        }
    }
    Ok(())
}

/// Data keys by (aggregate id, subject), for opening.
#[derive(Debug, Default, Clone)]
pub struct Keys(HashMap<(String, Uuid), DataKey>);

impl Keys {
    /// The keys of `aggregate_ids` that still exist.
    pub async fn fetch(conn: &mut PgConnection, aggregate_ids: &[&str]) -> Result<Self, SealError> {
        if aggregate_ids.is_empty() {
            return Ok(Self::default());
        }
        let rows: Vec<(String, Uuid, Vec<u8>)> = sqlx::query_as(
            "SELECT aggregate_id, subject, key FROM data_keys WHERE aggregate_id = ANY($1)",
        )
        .bind(aggregate_ids)
        .fetch_all(conn)
        .await?;
        rows.into_iter()
            .map(|(aggregate, subject, bytes)| {
                Ok(((aggregate, subject), DataKey::from_stored(subject, &bytes)?))
            })
            .collect::<Result<HashMap<_, _>, SealError>>()
            .map(Self)
    }

    /// The key of a subscription's subject, unless erased.
    pub fn get(&self, aggregate_id: &str, subject: Uuid) -> Option<&DataKey> {
        self.0.get(&(aggregate_id.to_owned(), subject))
    }

    /// Adds a key (for a reader that fetched it another way).
    pub fn insert(&mut self, aggregate_id: &str, key: DataKey) {
        self.0.insert((aggregate_id.to_owned(), key.subject), key);
    }
}

/// Whose data a key made by [`make_key`] seals.
#[derive(Debug, Clone, Copy)]
pub enum KeyFor<'a> {
    /// A new subscription's holder: a phone at a company (the subject is made on the
    /// phone's first subscription there).
    Holder {
        /// The company.
        company: Uuid,
        /// The phone, E.164.
        phone: &'a str,
    },
    /// An administrator, by their account, at the company the aggregate is.
    Account(Uuid),
}

/// The data key of `aggregate_id` for `owner`, made on first use inside the append's
/// transaction (so a refused append leaves none). Deleting it erases what it sealed.
pub async fn make_key(
    conn: &mut PgConnection,
    aggregate_id: &str,
    owner: KeyFor<'_>,
) -> Result<DataKey, SealError> {
    let (account, company, phone) = match owner {
        KeyFor::Holder { company, phone } => (None, Some(company), Some(phone)),
        KeyFor::Account(account) => (Some(account), None, None),
    };
    let fresh = fresh_key_bytes()?;
    // COALESCE stops at the account, so only a holder's phone makes a subject.
    let (subject, bytes): (Uuid, Vec<u8>) = sqlx::query_as(
        "WITH s AS (SELECT coalesce($2::uuid, data_subject_of($3, $4)) AS subject),
              made AS (INSERT INTO data_keys (aggregate_id, subject, key)
                       SELECT $1, subject, $5 FROM s
                       ON CONFLICT (aggregate_id, subject) DO NOTHING
                       RETURNING subject, key)
         SELECT subject, key FROM made
         UNION ALL
         SELECT k.subject, k.key FROM data_keys k JOIN s ON k.subject = s.subject
         WHERE k.aggregate_id = $1
         LIMIT 1",
    )
    .bind(aggregate_id)
    .bind(account)
    .bind(company)
    .bind(phone)
    .bind(&fresh[..])
    .fetch_one(conn)
    .await?;
    DataKey::from_stored(subject, &bytes)
}

/// The data key of an existing subscription: `Ok(None)` when it was erased (its personal data
/// is not written again), [`SealError::NoKey`] when it never had one.
pub async fn key_of(
    conn: &mut PgConnection,
    aggregate_id: &str,
) -> Result<Option<DataKey>, SealError> {
    let found: Option<(Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT subject, key FROM data_keys WHERE aggregate_id = $1 LIMIT 1")
            .bind(aggregate_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((subject, bytes)) = found {
        return Ok(Some(DataKey::from_stored(subject, &bytes)?));
    }
    let erased: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM erasures WHERE aggregate_id = $1)")
            .bind(aggregate_id)
            .fetch_one(conn)
            .await?;
    if erased {
        Ok(None)
    } else {
        Err(SealError::NoKey(aggregate_id.to_owned()))
    }
}

/// The company and phone an order's body names, in clear (before sealing).
pub fn order_holder(body: &Value) -> Option<(Uuid, &str)> {
    let company = body.get("company")?.as_str()?.parse().ok()?;
    let phone = body.get("phone")?.as_str()?;
    Some((company, phone))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_stored(Uuid::new_v4(), &fresh_key_bytes().unwrap()).unwrap()
    }

    const EVENT: EventRef<'static> = EventRef {
        aggregate_type: "Subscription",
        aggregate_id: "0d7b9e2c-3f1a-4c55-9d7e-2f1c0a9b8e11",
        sequence: 1,
        event_type: "SubscriptionOrdered",
    };

    fn order() -> (Value, Value) {
        let actor = r#"{"kind":"employee","phone":"+4791234567","company":"6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55"}"#;
        (
            json!({ "SubscriptionOrdered": {
                "company": "6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55",
                "phone": "+4791234567",
                "first_name": "Kari",
                "last_name": "Nordmann",
                "employee_number": "A-17",
                "extra_fields": { "Avdeling": "Økonomi" },
                "start_date": "2026-12-01",
            }}),
            json!({ "actor": actor, "correlation_id": "x" }),
        )
    }

    #[test]
    fn a_sealed_event_holds_no_personal_value_in_clear_and_opens_to_the_original() {
        let key = key();
        let (original_payload, original_metadata) = order();
        let (mut payload, mut metadata) = order();
        assert!(seal(EVENT, &mut payload, Some(&mut metadata), Some(&key)).unwrap());
        let stored = format!("{payload}{metadata}");
        for personal in ["4791234567", "Kari", "Nordmann", "A-17", "Økonomi"] {
            assert!(!stored.contains(personal), "{personal} in {stored}");
        }
        assert!(stored.contains("Avdeling"), "labels stay readable");
        assert_eq!(sealed_subject(EVENT, &payload), Some(key.subject()));
        let mut keys = Keys::default();
        keys.insert(EVENT.aggregate_id, key);
        open(EVENT, &mut payload, Some(&mut metadata), &keys).unwrap();
        assert_eq!(payload, original_payload);
        assert_eq!(metadata, original_metadata);
    }

    #[test]
    fn without_its_key_a_sealed_event_reads_as_erased() {
        let (mut payload, mut metadata) = order();
        seal(EVENT, &mut payload, Some(&mut metadata), Some(&key())).unwrap();
        open(EVENT, &mut payload, Some(&mut metadata), &Keys::default()).unwrap();
        let body = &payload["SubscriptionOrdered"];
        assert_eq!(body["first_name"], ERASED);
        assert_eq!(body["phone"], ERASED);
        assert_eq!(body["extra_fields"]["Avdeling"], ERASED);
        assert!(body.get(SEALED).is_none());
        assert!(!metadata.to_string().contains("4791234567"));
    }

    #[test]
    fn a_box_moved_to_another_event_or_altered_does_not_open() {
        let key = key();
        let (mut payload, _) = order();
        seal(EVENT, &mut payload, None, Some(&key)).unwrap();
        let mut keys = Keys::default();
        keys.insert(EVENT.aggregate_id, key);
        let moved = EventRef {
            sequence: 2,
            ..EVENT
        };
        assert!(matches!(
            open(moved, &mut payload.clone(), None, &keys),
            Err(SealError::Tampered { .. })
        ));
    }
}
