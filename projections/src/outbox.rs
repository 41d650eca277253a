//! Writing messages to the outbox (migration `20261127000300_outbox.sql`), always on the
//! transaction of their cause, so a message exists exactly when its cause was committed. The
//! dispatcher (crate `bedrift-api`) delivers them.

use std::fmt;

use sqlx::PgConnection;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A text message to a phone number.
    Sms,
    /// An e-mail.
    Email,
    /// A webhook delivery to an endpoint (queued by [`crate::webhooks`]).
    Webhook,
}

impl Channel {
    /// The stored form, `SMS`, `EMAIL` or `WEBHOOK`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Email => "EMAIL",
            Self::Webhook => "WEBHOOK",
        }
    }

    /// The channel of a stored form.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "SMS" => Some(Self::Sms),
            "EMAIL" => Some(Self::Email),
            "WEBHOOK" => Some(Self::Webhook),
            _ => None,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A message to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    /// How it travels.
    pub channel: Channel,
    /// An E.164 phone number or an e-mail address.
    pub recipient: &'a str,
    /// An e-mail's subject (none for an SMS).
    pub subject: Option<&'a str>,
    /// The text.
    pub body: &'a str,
    /// What caused it, when at most one message may exist per cause (`event:<position>`).
    pub cause: Option<&'a str>,
}

/// Queues `message` on `connection` (the transaction of its cause). Returns its row id, or
/// `None` when a message with the same cause is already queued.
pub async fn enqueue(
    connection: &mut PgConnection,
    message: NewMessage<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO outbox (channel, recipient, subject, body, cause) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cause) DO NOTHING RETURNING id",
    )
    .bind(message.channel.code())
    .bind(message.recipient)
    .bind(message.subject)
    .bind(message.body)
    .bind(message.cause)
    .fetch_optional(connection)
    .await
}

/// Queues `messages` in one statement on `connection` (the transaction of their cause).
/// Returns how many were queued: a message whose cause is already queued is not queued again.
pub async fn enqueue_all(
    connection: &mut PgConnection,
    messages: &[NewMessage<'_>],
) -> Result<u64, sqlx::Error> {
    if messages.is_empty() {
        return Ok(0);
    }
    let channels: Vec<&str> = messages.iter().map(|m| m.channel.code()).collect();
    let recipients: Vec<&str> = messages.iter().map(|m| m.recipient).collect();
    let subjects: Vec<Option<&str>> = messages.iter().map(|m| m.subject).collect();
    let bodies: Vec<&str> = messages.iter().map(|m| m.body).collect();
    let causes: Vec<Option<&str>> = messages.iter().map(|m| m.cause).collect();
    let done = sqlx::query(
        "INSERT INTO outbox (channel, recipient, subject, body, cause)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (cause) DO NOTHING",
    )
    .bind(&channels)
    .bind(&recipients)
    .bind(&subjects)
    .bind(&bodies)
    .bind(&causes)
    .execute(connection)
    .await?;
    Ok(done.rows_affected())
}
