//! Typed delivery settings, read once from the environment (each is documented in the README's
//! settings section): which provider sends SMS and e-mail, how to reach them, and how the
//! dispatcher retries.

use std::time::Duration;

use super::NotificationError;

/// How SMS are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsSettings {
    /// `SMS_PROVIDER=log` (the default): written to the log, codes and links blanked out.
    Log,
    /// `SMS_PROVIDER=http`: a JSON POST to an SMS gateway.
    Http(HttpGatewaySettings),
}

/// An HTTP SMS gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpGatewaySettings {
    /// `SMS_HTTP_URL`: where to POST (`http://` or `https://`).
    pub url: String,
    /// `SMS_HTTP_AUTH_HEADER`: the name of the header that carries the credentials
    /// (default `Authorization`).
    pub auth_header: String,
    /// `SMS_HTTP_AUTH_VALUE`: its value, e.g. `Bearer <key>`; no header when unset.
    pub auth_value: Option<String>,
    /// `SMS_HTTP_BODY_TEMPLATE`: the JSON body, in which `{recipient}`, `{text}` and
    /// `{message_id}` are replaced by their JSON-escaped values (put them inside quotes).
    pub body_template: String,
}

/// The default gateway body.
pub const DEFAULT_SMS_BODY_TEMPLATE: &str = r#"{"to":"{recipient}","text":"{text}"}"#;

/// How e-mail is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailSettings {
    /// `EMAIL_PROVIDER=log` (the default): written to the log, links blanked out.
    Log,
    /// `EMAIL_PROVIDER=smtp`: through an SMTP server.
    Smtp(SmtpSettings),
}

/// An SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `SMTP_URL`: `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://...`
    /// (TLS from the start), or `smtp://host:25` (no TLS, for a local relay).
    pub url: String,
    /// `EMAIL_FROM`: the sender, e.g. `Bedriftsbillett <ikke-svar@akt.no>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("SmtpSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Everything the dispatcher needs besides the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverySettings {
    /// The SMS provider.
    pub sms: SmsSettings,
    /// The e-mail provider.
    pub email: EmailSettings,
    /// `OUTBOX_MAX_ATTEMPTS`: attempts before a message is marked failed (default 10).
    pub max_attempts: i32,
    /// `OUTBOX_RETRY_BASE_MS`: the first back-off; it doubles with each failed attempt, with
    /// jitter (default 2 s).
    pub retry_base: Duration,
    /// `OUTBOX_RETRY_MAX_MS`: the longest back-off (default 1 hour).
    pub retry_max: Duration,
    /// `OUTBOX_SEND_TIMEOUT_MS`: how long one send may take (default 20 s). A claimed message
    /// is left alone for three times this; after that (the dispatcher died) another claims it.
    pub send_timeout: Duration,
    /// `OUTBOX_BATCH`: messages claimed, and sent side by side, at a time (default 32).
    pub batch: i64,
    /// `OUTBOX_POLL_MS`: the slow poll beside the wake-up on insert (default 1 s); also when
    /// retries become due at the latest.
    pub poll_interval: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            sms: SmsSettings::Log,
            email: EmailSettings::Log,
            max_attempts: 10,
            retry_base: Duration::from_secs(2),
            retry_max: Duration::from_secs(3600),
            send_timeout: Duration::from_secs(20),
            batch: 32,
            poll_interval: Duration::from_secs(1),
        }
    }
}

impl DeliverySettings {
    /// Reads the settings; unset or empty values keep their defaults.
    pub fn from_env() -> Result<Self, NotificationError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, NotificationError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let defaults = Self::default();
        let sms = match var("SMS_PROVIDER").as_deref().map(str::trim) {
            None | Some("log") => SmsSettings::Log,
            Some("http") => SmsSettings::Http(HttpGatewaySettings {
                url: var("SMS_HTTP_URL").ok_or_else(|| {
                    NotificationError::setting("SMS_HTTP_URL", "required with SMS_PROVIDER=http")
                })?,
                auth_header: var("SMS_HTTP_AUTH_HEADER")
                    .unwrap_or_else(|| "Authorization".to_owned()),
                auth_value: var("SMS_HTTP_AUTH_VALUE"),
                body_template: var("SMS_HTTP_BODY_TEMPLATE")
                    .unwrap_or_else(|| DEFAULT_SMS_BODY_TEMPLATE.to_owned()),
            }),
            Some(other) => {
                return Err(NotificationError::setting(
                    "SMS_PROVIDER",
                    format!("expected log or http, got {other:?}"),
                ))
            }
        };
        let email = match var("EMAIL_PROVIDER").as_deref().map(str::trim) {
            None | Some("log") => EmailSettings::Log,
            Some("smtp") => EmailSettings::Smtp(SmtpSettings {
                url: var("SMTP_URL").ok_or_else(|| {
                    NotificationError::setting("SMTP_URL", "required with EMAIL_PROVIDER=smtp")
                })?,
                from: var("EMAIL_FROM").ok_or_else(|| {
                    NotificationError::setting("EMAIL_FROM", "required with EMAIL_PROVIDER=smtp")
                })?,
            }),
            Some(other) => {
                return Err(NotificationError::setting(
                    "EMAIL_PROVIDER",
                    format!("expected log or smtp, got {other:?}"),
                ))
            }
        };
        let number = |name: &'static str, default: u64| -> Result<u64, NotificationError> {
            match var(name) {
                None => Ok(default),
                Some(text) => text.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    NotificationError::setting(
                        name,
                        format!("expected a positive number, got {text:?}"),
                    )
                }),
            }
        };
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let duration = |name: &'static str, default: Duration| {
            number(name, millis(default)).map(Duration::from_millis)
        };
        Ok(Self {
            sms,
            email,
            max_attempts: i32::try_from(number(
                "OUTBOX_MAX_ATTEMPTS",
                defaults.max_attempts as u64,
            )?)
            .map_err(|_| NotificationError::setting("OUTBOX_MAX_ATTEMPTS", "too large"))?,
            retry_base: duration("OUTBOX_RETRY_BASE_MS", defaults.retry_base)?,
            retry_max: duration("OUTBOX_RETRY_MAX_MS", defaults.retry_max)?,
            send_timeout: duration("OUTBOX_SEND_TIMEOUT_MS", defaults.send_timeout)?,
            batch: i64::try_from(number("OUTBOX_BATCH", defaults.batch as u64)?)
                .map_err(|_| NotificationError::setting("OUTBOX_BATCH", "too large"))?,
            poll_interval: duration("OUTBOX_POLL_MS", defaults.poll_interval)?,
        })
    }

    /// How long a claimed message is left to its dispatcher.
    pub fn claim_duration(&self) -> Duration {
        self.send_timeout * 3
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<DeliverySettings, NotificationError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        DeliverySettings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn without_settings_messages_are_logged() {
        assert_eq!(read(&[]).unwrap(), DeliverySettings::default());
    }

    #[test]
    fn the_http_gateway_needs_a_url_and_takes_its_header_and_body() {
        let error = read(&[("SMS_PROVIDER", "http")]).unwrap_err();
        assert!(error.to_string().starts_with("SMS_HTTP_URL"), "{error}");
        let settings = read(&[
            ("SMS_PROVIDER", "http"),
            ("SMS_HTTP_URL", "https://sms.example/send"),
            ("SMS_HTTP_AUTH_HEADER", "X-Api-Key"),
            ("SMS_HTTP_AUTH_VALUE", "hemmelig"),
            (
                "SMS_HTTP_BODY_TEMPLATE",
                r#"{"msisdn":"{recipient}","message":"{text}"}"#,
            ),
        ])
        .unwrap();
        assert_eq!(
            settings.sms,
            SmsSettings::Http(HttpGatewaySettings {
                url: "https://sms.example/send".into(),
                auth_header: "X-Api-Key".into(),
                auth_value: Some("hemmelig".into()),
                body_template: r#"{"msisdn":"{recipient}","message":"{text}"}"#.into(),
            })
        );
    }

    #[test]
    fn smtp_needs_a_url_and_a_sender() {
        let error =
            read(&[("EMAIL_PROVIDER", "smtp"), ("SMTP_URL", "smtp://localhost")]).unwrap_err();
        assert!(error.to_string().starts_with("EMAIL_FROM"), "{error}");
    }

    #[test]
    fn unknown_providers_and_bad_numbers_are_refused() {
        assert!(read(&[("SMS_PROVIDER", "pigeon")]).is_err());
        assert!(read(&[("EMAIL_PROVIDER", "fax")]).is_err());
        assert!(read(&[("OUTBOX_MAX_ATTEMPTS", "0")]).is_err());
        assert!(read(&[("OUTBOX_RETRY_BASE_MS", "soon")]).is_err());
        let settings = read(&[("OUTBOX_MAX_ATTEMPTS", "3"), ("OUTBOX_RETRY_BASE_MS", "50")]);
        let settings = settings.unwrap();
        assert_eq!(settings.max_attempts, 3);
        assert_eq!(settings.retry_base, Duration::from_millis(50));
    }
}
