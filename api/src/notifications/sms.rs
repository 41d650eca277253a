//! SMS providers: the log (default), and an HTTP gateway reached with a JSON POST whose URL,
//! auth header and body shape are settings. The message's id goes along as the
//! `Idempotency-Key` header, so a gateway that honours it delivers a message resent after a
//! crash only once.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use uuid::Uuid;

use super::settings::{HttpGatewaySettings, SmsSettings};
use super::NotificationError;
use crate::auth::redact;

/// Sends SMS.
#[derive(Debug)]
pub enum SmsProvider {
    /// Writes them to the log.
    Log,
    /// Posts them to a gateway.
    Http(Box<HttpGateway>),
}

impl SmsProvider {
    /// The provider `settings` choose.
    pub fn new(settings: &SmsSettings, timeout: Duration) -> Result<Self, NotificationError> {
        Ok(match settings {
            SmsSettings::Log => Self::Log,
            SmsSettings::Http(gateway) => Self::Http(Box::new(HttpGateway::new(gateway, timeout)?)),
        })
    }

    /// Sends `text` to `recipient` as the message `message_id`.
    pub async fn send(
        &self,
        message_id: Uuid,
        recipient: &str,
        text: &str,
    ) -> Result<(), NotificationError> {
        match self {
            Self::Log => {
                // The text may hold names: at INFO only that it was sent; its text (codes and links
                // blanked out) at DEBUG, for development.
                tracing::info!(%message_id, recipient = %crate::auth::Masked(recipient), "SMS (log provider)");
                tracing::debug!(%message_id, text = %redact(text), "SMS text (log provider)");
                Ok(())
            }
            Self::Http(gateway) => gateway.send(message_id, recipient, text).await,
        }
    }
}

/// An SMS gateway over HTTP or HTTPS (rustls, Mozilla's root certificates).
pub struct HttpGateway {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    uri: Uri,
    auth: Option<(HeaderName, HeaderValue)>,
    body_template: String,
    timeout: Duration,
}

impl std::fmt::Debug for HttpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGateway")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

/// How much of a gateway's refusal is kept as the message's last error.
const ERROR_BODY_LIMIT: usize = 2_000;

impl HttpGateway {
    /// A client for the gateway in `settings`; checks the URL, the header and that the body
    /// template gives JSON.
    pub fn new(
        settings: &HttpGatewaySettings,
        timeout: Duration,
    ) -> Result<Self, NotificationError> {
        let uri: Uri = settings
            .url
            .parse()
            .map_err(|e| NotificationError::setting("SMS_HTTP_URL", format!("{e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(NotificationError::setting(
                "SMS_HTTP_URL",
                "expected an http:// or https:// URL",
            ));
        }
        let auth = match &settings.auth_value {
            None => None,
            Some(value) => {
                let name = HeaderName::from_bytes(settings.auth_header.trim().as_bytes()).map_err(
                    |e| NotificationError::setting("SMS_HTTP_AUTH_HEADER", format!("{e}")),
                )?;
                let mut value = HeaderValue::from_str(value.trim()).map_err(|e| {
                    NotificationError::setting("SMS_HTTP_AUTH_VALUE", format!("{e}"))
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };
        let sample = render(
            &settings.body_template,
            "+4791234567",
            "Hei \"deg\"\n",
            Uuid::nil(),
        );
        if let Err(error) = serde_json::from_str::<serde_json::Value>(&sample) {
            return Err(NotificationError::setting(
                "SMS_HTTP_BODY_TEMPLATE",
                format!("does not give JSON ({error}): {sample}"),
            ));
        }
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            uri,
            auth,
            body_template: settings.body_template.clone(),
            timeout,
        })
    }

    async fn send(
        &self,
        message_id: Uuid,
        recipient: &str,
        text: &str,
    ) -> Result<(), NotificationError> {
        let body = render(&self.body_template, recipient, text, message_id);
        let mut request = Request::post(self.uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("idempotency-key", message_id.to_string());
        if let Some((name, value)) = &self.auth {
            request = request.header(name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| NotificationError::Permanent(format!("cannot build the request: {e}")))?;
        let exchange = async {
            let response =
                self.client.request(request).await.map_err(|e| {
                    NotificationError::Transient(format!("gateway unreachable: {e}"))
                })?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            let text = match Limited::new(response.into_body(), ERROR_BODY_LIMIT)
                .collect()
                .await
            {
                Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
                Err(_) => String::new(),
            };
            let reason = format!("gateway answered {status}: {}", text.trim());
            // Timeouts, throttling and server errors pass; other refusals are the message's.
            if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                Err(NotificationError::Transient(reason))
            } else {
                Err(NotificationError::Permanent(reason))
            }
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(NotificationError::Transient(format!(
                "gateway did not answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }
}

/// The request body: `template` with `{recipient}`, `{text}` and `{message_id}` replaced by
/// their values, JSON-escaped (without quotes).
pub fn render(template: &str, recipient: &str, text: &str, message_id: Uuid) -> String {
    template
        .replace("{recipient}", &json_escaped(recipient))
        .replace("{message_id}", &message_id.to_string())
        .replace("{text}", &json_escaped(text))
}

fn json_escaped(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_carries_recipient_and_text_json_escaped() {
        let body = render(
            r#"{"to":"{recipient}","text":"{text}","ref":"{message_id}"}"#,
            "+4791234567",
            "Begrunnelse: \"ikke ansatt\"\nHilsen {text}",
            Uuid::nil(),
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["to"], "+4791234567");
        assert_eq!(
            parsed["text"],
            "Begrunnelse: \"ikke ansatt\"\nHilsen {text}"
        );
        assert_eq!(parsed["ref"], Uuid::nil().to_string());
    }

    #[test]
    fn a_template_that_does_not_give_json_is_refused() {
        let settings = HttpGatewaySettings {
            url: "http://127.0.0.1:9/sms".into(),
            auth_header: "Authorization".into(),
            auth_value: None,
            body_template: r#"{"to":{recipient}}"#.into(),
        };
        let error = HttpGateway::new(&settings, Duration::from_secs(1)).unwrap_err();
        assert!(
            error.to_string().starts_with("SMS_HTTP_BODY_TEMPLATE"),
            "{error}"
        );
    }

    #[test]
    fn only_http_urls_are_accepted() {
        let settings = HttpGatewaySettings {
            url: "ftp://sms.example/".into(),
            auth_header: "Authorization".into(),
            auth_value: None,
            body_template: r#"{"to":"{recipient}"}"#.into(),
        };
        assert!(HttpGateway::new(&settings, Duration::from_secs(1)).is_err());
    }
}
