//! Webhook deliveries, signed as the Standard Webhooks specification describes: a JSON POST to
//! the endpoint's URL with `webhook-id` (`msg_` and the outbox message's id, the same on every
//! attempt, so receivers drop copies), `webhook-timestamp` (this attempt, Unix seconds) and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
//! base64-decoded part of the endpoint's `whsec_` secret. 2xx is delivered; 410 Gone is a
//! refusal for good (the endpoint is disabled); anything else is tried again after a back-off.

use std::time::Duration;

use axum::body::Bytes;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http_body_util::Full;
use hyper::header::CONTENT_TYPE;
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use ring::hmac;
use uuid::Uuid;

use super::NotificationError;

/// The prefix of a Standard Webhooks symmetric secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// The shortest and longest secret key the specification allows, in bytes.
pub const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

/// The key of a `whsec_<base64>` secret, when it is one of 24-64 bytes.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    SECRET_BYTES.contains(&key.len()).then_some(key)
}

/// A new random secret: 32 bytes from the operating system, as `whsec_<base64>`.
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The `webhook-id` of the outbox message `message_id`.
pub fn webhook_id(message_id: Uuid) -> String {
    format!("msg_{}", message_id.simple())
}

/// The `webhook-signature` value for `id`, `timestamp` (Unix seconds) and `body`.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut context = hmac::Context::with_key(&key);
    context.update(id.as_bytes());
    context.update(format!(".{timestamp}.").as_bytes());
    context.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
}

/// Sends webhook deliveries over HTTP or HTTPS (rustls, Mozilla's root certificates).
pub struct WebhookSender {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSender")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How a delivery that did not arrive ended.
#[derive(Debug)]
pub enum Refusal {
    /// The endpoint answered 410 Gone: it wants no more deliveries.
    Gone,
    /// Anything else: a send error.
    Failed(NotificationError),
}

impl WebhookSender {
    /// A sender whose requests may take `timeout` each.
    pub fn new(timeout: Duration) -> Self {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            timeout,
        }
    }

    /// Posts `body` to `url` as the message `message_id`, signed with `secret`.
    pub async fn send(
        &self,
        message_id: Uuid,
        url: &str,
        secret: &str,
        body: &str,
    ) -> Result<(), Refusal> {
        let permanent = |reason: String| Refusal::Failed(NotificationError::Permanent(reason));
        let key = secret_key(secret)
            .ok_or_else(|| permanent("the endpoint's secret is unusable".into()))?;
        let uri: Uri = url
            .parse()
            .map_err(|e| permanent(format!("the endpoint's URL is unusable: {e}")))?;
        let id = webhook_id(message_id);
        let timestamp = chrono::Utc::now().timestamp();
        let request = Request::post(uri)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&key, &id, timestamp, body))
            .body(Full::new(Bytes::from(body.to_owned())))
            .map_err(|e| permanent(format!("cannot build the request: {e}")))?;
        let transient = |reason: String| Refusal::Failed(NotificationError::Transient(reason));
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| transient(format!("endpoint unreachable: {e}")))?;
            match response.status() {
                status if status.is_success() => Ok(()),
                StatusCode::GONE => Err(Refusal::Gone),
                status => Err(transient(format!("endpoint answered {status}"))),
            }
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(transient(format!(
                "endpoint did not answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_specifications_example() {
        // The example of the Standard Webhooks reference libraries.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_whsec_base64_of_24_to_64_bytes() {
        let made = new_secret();
        assert_eq!(secret_key(&made).map(|k| k.len()), Some(32));
        assert_ne!(made, new_secret());
        assert!(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(secret_key("whsec_not base64!").is_none());
        assert!(secret_key(&format!("{SECRET_PREFIX}{}", STANDARD.encode([7u8; 16]))).is_none());
    }
}
