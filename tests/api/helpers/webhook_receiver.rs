//! A webhook receiver for tests: an axum server on a port of its own that checks each delivery
//! as a Standard Webhooks receiver does (the `webhook-signature` recomputed with an HMAC-SHA256
//! written here from SHA-256, independent of the service's signing code; a timestamp within
//! five minutes), refuses the first deliveries with 500, and records every delivery it took,
//! repeats included (a receiver drops those by their `webhook-id`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A delivery the receiver took.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// Its `webhook-id`.
    pub id: String,
    /// Its body.
    pub body: Value,
}

#[derive(Debug, Default)]
struct Record {
    requests: usize,
    refused: usize,
    bad: Vec<String>,
    taken: Vec<Delivered>,
}

#[derive(Debug, Clone)]
struct Behaviour {
    key: Arc<Mutex<Vec<u8>>>,
    fail_first: usize,
    delay: Duration,
    record: Arc<Mutex<Record>>,
}

/// The running receiver; it stops with the test's runtime.
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    /// Where to post.
    pub url: String,
    key: Arc<Mutex<Vec<u8>>>,
    record: Arc<Mutex<Record>>,
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The key of a `whsec_` secret.
pub fn whsec_key(secret: &str) -> Vec<u8> {
    STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64")
}

impl WebhookReceiver {
    /// A receiver for deliveries signed with `secret` that answers 500 to the first
    /// `fail_first` requests and answers `delay` after taking a delivery.
    pub async fn spawn(secret: &str, fail_first: usize, delay: Duration) -> Self {
        let record = Arc::new(Mutex::new(Record::default()));
        let key = Arc::new(Mutex::new(whsec_key(secret)));
        let behaviour = Behaviour {
            key: key.clone(),
            fail_first,
            delay,
            record: record.clone(),
        };
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(behaviour);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, key, record }
    }

    /// Checks later deliveries with `secret`.
    pub fn use_secret(&self, secret: &str) {
        *self.key.lock().unwrap() = whsec_key(secret);
    }

    /// The deliveries taken, in order, repeats included.
    pub fn taken(&self) -> Vec<Delivered> {
        self.record.lock().unwrap().taken.clone()
    }

    /// Requests received, refused ones included.
    pub fn requests(&self) -> usize {
        self.record.lock().unwrap().requests
    }

    /// Requests refused with 500 on purpose.
    pub fn refused(&self) -> usize {
        self.record.lock().unwrap().refused
    }

    /// What was wrong with requests that did not verify.
    pub fn bad(&self) -> Vec<String> {
        self.record.lock().unwrap().bad.clone()
    }

    /// The distinct deliveries taken (the first of each `webhook-id`), in order.
    pub fn distinct(&self) -> Vec<Delivered> {
        let mut seen = std::collections::HashSet::new();
        self.taken()
            .into_iter()
            .filter(|d| seen.insert(d.id.clone()))
            .collect()
    }

    /// Waits (at most 60 s) until `count` distinct deliveries were taken; returns them.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivered> {
        for _ in 0..1_200 {
            let distinct = self.distinct();
            if distinct.len() >= count {
                return distinct;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{count} webhooks expected; taken: {:#?}; bad: {:?}",
            self.taken(),
            self.bad()
        );
    }
}

async fn receive(
    State(behaviour): State<Behaviour>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let status = accept(&behaviour, &headers, &body);
    // The answer comes after the delivery was taken: a sender that dies meanwhile has had it
    // delivered without knowing it, and sends it again.
    tokio::time::sleep(behaviour.delay).await;
    status
}

fn accept(behaviour: &Behaviour, headers: &HeaderMap, body: &str) -> StatusCode {
    let mut record = behaviour.record.lock().unwrap();
    record.requests += 1;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signatures)) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    ) else {
        record.bad.push("missing headers".into());
        return StatusCode::BAD_REQUEST;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    match timestamp.parse::<i64>() {
        Ok(at) if (now - at).abs() <= 300 => {}
        _ => {
            record.bad.push(format!("timestamp {timestamp} is not now"));
            return StatusCode::BAD_REQUEST;
        }
    }
    let signed = format!("{id}.{timestamp}.{body}");
    let expected = format!(
        "v1,{}",
        STANDARD.encode(hmac_sha256(
            &behaviour.key.lock().unwrap(),
            signed.as_bytes()
        ))
    );
    if !signatures.split(' ').any(|s| s == expected) {
        record
            .bad
            .push(format!("signature {signatures} is not {expected}"));
        return StatusCode::UNAUTHORIZED;
    }
    if record.requests <= behaviour.fail_first {
        record.refused += 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let Ok(body) = serde_json::from_str(body) else {
        record.bad.push("not JSON".into());
        return StatusCode::BAD_REQUEST;
    };
    record.taken.push(Delivered {
        id: id.to_owned(),
        body,
    });
    StatusCode::NO_CONTENT
}

#[test]
fn the_hmac_gives_the_standard_webhooks_example_signature() {
    let key = whsec_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let signed = r#"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}"#;
    assert_eq!(
        STANDARD.encode(hmac_sha256(&key, signed.as_bytes())),
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}
