//! E-mail providers: the log (default), and SMTP through `lettre` (STARTTLS or TLS with rustls).
//! The message's id becomes the e-mail's `Message-ID`, so a copy resent after a crash is
//! recognisable as the same e-mail.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use super::settings::{EmailSettings, SmtpSettings};
use super::NotificationError;
use crate::auth::redact;

/// Sends e-mail.
#[derive(Debug)]
pub enum EmailProvider {
    /// Writes them to the log.
    Log,
    /// Sends them through an SMTP server.
    Smtp(Box<SmtpMailer>),
}

impl EmailProvider {
    /// The provider `settings` choose.
    pub fn new(settings: &EmailSettings, timeout: Duration) -> Result<Self, NotificationError> {
        Ok(match settings {
            EmailSettings::Log => Self::Log,
            EmailSettings::Smtp(smtp) => Self::Smtp(Box::new(SmtpMailer::new(smtp, timeout)?)),
        })
    }

    /// Sends the e-mail `message_id` to `recipient`.
    pub async fn send(
        &self,
        message_id: Uuid,
        recipient: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), NotificationError> {
        match self {
            Self::Log => {
                // The text may hold names: at INFO only that it was sent; its text (links blanked
                // out) at DEBUG, for development.
                tracing::info!(%message_id, recipient = %crate::auth::Masked(recipient), subject, "e-mail (log provider)");
                tracing::debug!(%message_id, body = %redact(body), "e-mail text (log provider)");
                Ok(())
            }
            Self::Smtp(mailer) => mailer.send(message_id, recipient, subject, body).await,
        }
    }
}

/// An SMTP server, a new connection per e-mail.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the server and sender in `settings`.
    pub fn new(settings: &SmtpSettings, timeout: Duration) -> Result<Self, NotificationError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| NotificationError::setting("SMTP_URL", e.to_string()))?
            .timeout(Some(timeout))
            .build();
        let from = settings
            .from
            .parse()
            .map_err(|e| NotificationError::setting("EMAIL_FROM", format!("{e}")))?;
        Ok(Self { transport, from })
    }

    async fn send(
        &self,
        message_id: Uuid,
        recipient: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), NotificationError> {
        let to: Mailbox = recipient
            .parse()
            .map_err(|e| NotificationError::Permanent(format!("invalid recipient: {e}")))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{message_id}@{}>", self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| NotificationError::Permanent(format!("cannot build the e-mail: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(NotificationError::Permanent(format!(
                "SMTP server refused: {error}"
            ))),
            Err(error) => Err(NotificationError::Transient(format!("SMTP: {error}"))),
        }
    }
}
