//! A real SMS gateway for tests: an axum server on a port of its own that takes the JSON POST
//! the dispatcher sends, refuses the first requests with 503 (as a gateway under load does),
//! and, like a real gateway, accepts each `Idempotency-Key` once: a repeat is answered 200 but
//! not delivered again. It records every request and every delivered message.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

/// A message the gateway delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    /// The `Idempotency-Key` it came with.
    pub key: String,
    /// The body's `to`.
    pub to: String,
    /// The body's `text`.
    pub text: String,
}

#[derive(Debug, Default)]
struct Record {
    requests: usize,
    repeats: usize,
    delivered: Vec<Sms>,
    keys: HashSet<String>,
    unauthorised: usize,
}

#[derive(Debug, Clone)]
struct Behaviour {
    fail_first: usize,
    honour_keys: bool,
    delay: Duration,
    record: Arc<Mutex<Record>>,
}

/// The running gateway; it stops with the test's runtime.
#[derive(Debug, Clone)]
pub struct SmsGateway {
    /// Where to POST.
    pub url: String,
    record: Arc<Mutex<Record>>,
}

/// The header and value the gateway requires.
pub const GATEWAY_AUTH: (&str, &str) = ("x-api-key", "test-key");

/// The body the dispatcher is set up to send.
pub const GATEWAY_BODY: &str = r#"{"to":"{recipient}","text":"{text}","ref":"{message_id}"}"#;

impl SmsGateway {
    /// A gateway that answers 503 to the first `fail_first` requests, honours idempotency
    /// keys when `honour_keys`, and answers `delay` after taking a message.
    pub async fn spawn(fail_first: usize, honour_keys: bool, delay: Duration) -> Self {
        let record = Arc::new(Mutex::new(Record::default()));
        let behaviour = Behaviour {
            fail_first,
            honour_keys,
            delay,
            record: record.clone(),
        };
        let app = Router::new()
            .route("/sms", post(receive))
            .with_state(behaviour);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, record }
    }

    /// The messages delivered, in order.
    pub fn delivered(&self) -> Vec<Sms> {
        self.record.lock().unwrap().delivered.clone()
    }

    /// Requests received, including refused ones and repeats.
    pub fn requests(&self) -> usize {
        self.record.lock().unwrap().requests
    }

    /// Requests with an already delivered key (answered, not delivered again).
    pub fn repeats(&self) -> usize {
        self.record.lock().unwrap().repeats
    }

    /// Requests without the right credentials.
    pub fn unauthorised(&self) -> usize {
        self.record.lock().unwrap().unauthorised
    }

    /// The messages delivered to `to`.
    pub fn to(&self, to: &str) -> Vec<String> {
        self.delivered()
            .into_iter()
            .filter(|s| s.to == to)
            .map(|s| s.text)
            .collect()
    }

    /// Waits (at most 20 s) until a message to `to` containing `needle` is delivered.
    pub async fn wait_for(&self, to: &str, needle: &str) -> String {
        for _ in 0..400 {
            if let Some(text) = self.to(to).into_iter().find(|t| t.contains(needle)) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no SMS to {to} containing {needle:?}; delivered: {:#?}",
            self.delivered()
        );
    }
}

async fn receive(
    State(behaviour): State<Behaviour>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let status = accept(&behaviour, &headers, &body);
    // The answer is slow, after the message was taken: a sender that dies meanwhile has had
    // its message delivered without knowing it, and sends it again.
    tokio::time::sleep(behaviour.delay).await;
    status
}

fn accept(behaviour: &Behaviour, headers: &HeaderMap, body: &str) -> StatusCode {
    let mut record = behaviour.record.lock().unwrap();
    record.requests += 1;
    if headers.get(GATEWAY_AUTH.0).and_then(|v| v.to_str().ok()) != Some(GATEWAY_AUTH.1) {
        record.unauthorised += 1;
        return StatusCode::UNAUTHORIZED;
    }
    if record.requests <= behaviour.fail_first {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return StatusCode::BAD_REQUEST;
    };
    let (Some(to), Some(text), Some(reference)) = (
        json["to"].as_str(),
        json["text"].as_str(),
        json["ref"].as_str(),
    ) else {
        return StatusCode::BAD_REQUEST;
    };
    if reference != key {
        return StatusCode::BAD_REQUEST;
    }
    if !record.keys.insert(key.to_owned()) {
        record.repeats += 1;
        if behaviour.honour_keys {
            return StatusCode::OK;
        }
    }
    record.delivered.push(Sms {
        key: key.to_owned(),
        to: to.to_owned(),
        text: text.to_owned(),
    });
    StatusCode::OK
}
