//! The dispatcher: claims due messages from the outbox, sends them, and marks them sent, or
//! schedules another attempt with exponential back-off and jitter, or marks them failed after
//! the last attempt (or at once when the provider refuses a message for good).
//!
//! Any number of dispatchers may run against one database: a claim takes rows with
//! `FOR UPDATE SKIP LOCKED` and moves their `next_attempt_at` past the send timeout in one
//! statement, so each message is in one dispatcher's hands at a time. If a dispatcher dies
//! after sending and before marking, the claim runs out and the message is sent again with
//! the same `message_id`, which the provider uses to drop the copy (the SMS gateway's
//! `Idempotency-Key`, the e-mail's `Message-ID`, the webhook's `webhook-id`): at least once,
//! and exactly once where the provider or receiver honours the key.

use std::future::Future;
use std::time::Duration;

use bedrift_projections::outbox::Channel;
use futures::StreamExt;
use sqlx::postgres::PgListener;
use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::email::EmailProvider;
use super::settings::DeliverySettings;
use super::sms::SmsProvider;
use super::webhook::{Refusal, WebhookSender};
use super::NotificationError;

/// A claimed message.
#[derive(Debug, Clone, FromRow)]
struct Claimed {
    id: i64,
    message_id: Uuid,
    channel: String,
    recipient: String,
    subject: Option<String>,
    body: String,
    /// Including this one.
    attempts: i32,
    /// A webhook's endpoint: its secret and whether it is still enabled.
    webhook_endpoint: Option<Uuid>,
    webhook_secret: Option<String>,
    webhook_disabled: Option<bool>,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages claimed.
    pub claimed: usize,
    /// Sent and marked sent.
    pub sent: usize,
    /// Failed and scheduled again.
    pub retried: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Delivers the outbox.
#[derive(Debug)]
pub struct Dispatcher {
    pool: PgPool,
    settings: DeliverySettings,
    sms: SmsProvider,
    email: EmailProvider,
    webhooks: WebhookSender,
}

impl Dispatcher {
    /// A dispatcher over `pool` with the providers `settings` choose.
    pub fn new(pool: PgPool, settings: DeliverySettings) -> Result<Self, NotificationError> {
        Ok(Self {
            sms: SmsProvider::new(&settings.sms, settings.send_timeout)?,
            email: EmailProvider::new(&settings.email, settings.send_timeout)?,
            webhooks: WebhookSender::new(settings.send_timeout),
            pool,
            settings,
        })
    }

    /// Delivers until `shutdown` completes, then returns after the round in hand (its sends
    /// finish and are marked). Database errors are logged and retried after the poll interval.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), NotificationError> {
        tokio::pin!(shutdown);
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen("outbox").await?;
        tracing::info!(
            sms = provider_name(matches!(self.sms, SmsProvider::Log), "http"),
            email = provider_name(matches!(self.email, EmailProvider::Log), "smtp"),
            "dispatcher started"
        );
        loop {
            let busy = match self.dispatch_due().await {
                Ok(round) => round.claimed > 0,
                Err(error) => {
                    tracing::warn!(error = %error, cause = ?std::error::Error::source(&error), "dispatching failed; trying again");
                    false
                }
            };
            if ready(&mut shutdown) {
                break;
            }
            if busy {
                continue;
            }
            if let Err(error) = self.report_pending().await {
                tracing::warn!(%error, "cannot count the pending messages");
            }
            tokio::select! {
                () = &mut shutdown => break,
                notification = listener.try_recv() => {
                    if let Err(error) = notification {
                        tracing::warn!(%error, "lost the outbox notification connection; polling until it is back");
                        tokio::time::sleep(self.settings.poll_interval).await;
                    }
                }
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        tracing::info!("dispatcher stopped");
        Ok(())
    }

    /// One round: claims up to a batch of due messages, sends them side by side, and marks
    /// each as soon as its send returns.
    pub async fn dispatch_due(&self) -> Result<Round, NotificationError> {
        let claimed = self.claim().await?;
        let mut round = Round {
            claimed: claimed.len(),
            ..Round::default()
        };
        let concurrency = claimed.len().max(1);
        let outcomes: Vec<Result<Outcome, NotificationError>> = futures::stream::iter(claimed)
            .map(|message| self.deliver(message))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Sent => round.sent += 1,
                Outcome::Retry => round.retried += 1,
                Outcome::Failed => round.failed += 1,
            }
        }
        Ok(round)
    }

    /// Claims due messages: takes rows no other dispatcher holds, counts the attempt, and
    /// leaves them to this dispatcher for the claim duration.
    async fn claim(&self) -> Result<Vec<Claimed>, NotificationError> {
        let claimed = sqlx::query_as(
            "WITH claimed AS (
                 UPDATE outbox SET attempts = attempts + 1,
                     next_attempt_at = now() + make_interval(secs => $2)
                 WHERE id IN (SELECT id FROM outbox
                              WHERE status = 'PENDING' AND next_attempt_at <= now()
                              ORDER BY next_attempt_at LIMIT $1
                              FOR UPDATE SKIP LOCKED)
                 RETURNING id, message_id, channel, recipient, subject, body, attempts,
                           webhook_endpoint)
             SELECT claimed.*, w.secret AS webhook_secret,
                    w.disabled_at IS NOT NULL AS webhook_disabled
             FROM claimed LEFT JOIN webhook_endpoints w ON w.id = claimed.webhook_endpoint",
        )
        .bind(self.settings.batch)
        .bind(self.settings.claim_duration().as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        Ok(claimed)
    }

    async fn deliver(&self, message: Claimed) -> Result<Outcome, NotificationError> {
        let channel = Channel::from_code(&message.channel).unwrap_or(Channel::Sms);
        let sent = match channel {
            Channel::Sms => {
                self.sms
                    .send(message.message_id, &message.recipient, &message.body)
                    .await
            }
            Channel::Email => {
                let subject = message.subject.as_deref().unwrap_or("Bedriftsbillett");
                self.email
                    .send(
                        message.message_id,
                        &message.recipient,
                        subject,
                        &message.body,
                    )
                    .await
            }
            Channel::Webhook => self.deliver_webhook(&message).await,
        };
        let labels = [("channel", channel.code())];
        match sent {
            Ok(()) => {
                // Once sent, the secret (the code, the link's token) is no use to keep: the row
                // keeps the text with codes and links blanked out, for the record. A webhook's
                // payload (names) is not kept: the log and the pull feed hold its event.
                let kept = match channel {
                    Channel::Webhook => String::new(),
                    Channel::Sms | Channel::Email => crate::auth::redact(&message.body),
                };
                sqlx::query(
                    "UPDATE outbox SET status = 'SENT', sent_at = now(), last_error = NULL,
                            body = $2
                     WHERE id = $1 AND status = 'PENDING'",
                )
                .bind(message.id)
                .bind(kept)
                .execute(&self.pool)
                .await?;
                metrics::counter!("bedrift_outbox_sent_total", &labels).increment(1);
                tracing::debug!(id = message.id, %channel, "message sent");
                Ok(Outcome::Sent)
            }
            Err(error) => {
                let last = error.is_permanent() || message.attempts >= self.settings.max_attempts;
                let delay = backoff(
                    self.settings.retry_base,
                    self.settings.retry_max,
                    message.attempts,
                    jitter(),
                );
                sqlx::query(
                    "UPDATE outbox SET last_error = $2,
                         status = CASE WHEN $3 THEN 'FAILED' ELSE 'PENDING' END,
                         next_attempt_at = now() + make_interval(secs => $4)
                     WHERE id = $1 AND status = 'PENDING'",
                )
                .bind(message.id)
                .bind(error.to_string())
                .bind(last)
                .bind(delay.as_secs_f64())
                .execute(&self.pool)
                .await?;
                let outcome = if last { "failed" } else { "retry" };
                metrics::counter!(
                    "bedrift_outbox_failures_total",
                    "channel" => channel.code(),
                    "outcome" => outcome
                )
                .increment(1);
                if last {
                    tracing::error!(id = message.id, %channel, attempts = message.attempts, %error, "message failed for good");
                    Ok(Outcome::Failed)
                } else {
                    tracing::warn!(id = message.id, %channel, attempts = message.attempts, %error, retry_in_ms = delay.as_millis() as u64, "message not sent; will retry");
                    Ok(Outcome::Retry)
                }
            }
        }
    }

    /// Sends a webhook delivery to its endpoint; an endpoint that answers 410 Gone is disabled
    /// (Standard Webhooks: it wants no more), and a disabled endpoint is sent nothing.
    async fn deliver_webhook(&self, message: &Claimed) -> Result<(), NotificationError> {
        let (Some(endpoint), Some(secret), Some(disabled)) = (
            message.webhook_endpoint,
            message.webhook_secret.as_deref(),
            message.webhook_disabled,
        ) else {
            return Err(NotificationError::Permanent(
                "a webhook delivery without its endpoint".into(),
            ));
        };
        if disabled {
            return Err(NotificationError::Permanent(
                "the endpoint is disabled".into(),
            ));
        }
        match self
            .webhooks
            .send(
                message.message_id,
                &message.recipient,
                secret,
                &message.body,
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(Refusal::Failed(error)) => Err(error),
            Err(Refusal::Gone) => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET disabled_at = now()
                     WHERE id = $1 AND disabled_at IS NULL",
                )
                .bind(endpoint)
                .execute(&self.pool)
                .await?;
                tracing::warn!(%endpoint, "webhook endpoint answered 410 Gone; disabled");
                Err(NotificationError::Permanent(
                    "the endpoint answered 410 Gone and was disabled".into(),
                ))
            }
        }
    }

    /// Sets the `bedrift_outbox_pending` gauge.
    async fn report_pending(&self) -> Result<(), NotificationError> {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'PENDING'")
                .fetch_one(&self.pool)
                .await?;
        metrics::gauge!("bedrift_outbox_pending").set(pending as f64);
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Sent,
    Retry,
    Failed,
}

fn provider_name(log: bool, other: &'static str) -> &'static str {
    if log {
        "log"
    } else {
        other
    }
}

/// The wait before the attempt after `attempts` failed ones: `base` doubled per failure, at
/// most `max`, of which a random half (`jitter` in 0..=1) is taken off, so dispatchers that
/// failed together do not retry together.
pub fn backoff(base: Duration, max: Duration, attempts: i32, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(32);
    let full = base.saturating_mul(1u32 << doublings.min(31)).min(max);
    full.mul_f64(1.0 - jitter.clamp(0.0, 1.0) / 2.0)
}

/// A random number in 0..=1, from the operating system through a v4 UUID.
fn jitter() -> f64 {
    let random = Uuid::new_v4().as_u128() & ((1u128 << 53) - 1);
    random as f64 / ((1u64 << 53) - 1) as f64
}

/// Whether `future` has completed, without waiting for it.
fn ready<F: Future<Output = ()> + Unpin>(future: &mut F) -> bool {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    std::pin::Pin::new(future).poll(&mut context).is_ready()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(2);
    const MAX: Duration = Duration::from_secs(3600);

    #[test]
    fn the_back_off_doubles_with_each_failure_up_to_the_maximum() {
        assert_eq!(backoff(BASE, MAX, 1, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(BASE, MAX, 2, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(BASE, MAX, 5, 0.0), Duration::from_secs(32));
        assert_eq!(backoff(BASE, MAX, 12, 0.0), MAX);
        assert_eq!(backoff(BASE, MAX, i32::MAX, 0.0), MAX);
    }

    #[test]
    fn jitter_takes_off_at_most_half() {
        assert_eq!(backoff(BASE, MAX, 3, 1.0), Duration::from_secs(4));
        assert_eq!(backoff(BASE, MAX, 3, 0.5), Duration::from_secs(6));
        for _ in 0..1_000 {
            let j = jitter();
            assert!((0.0..=1.0).contains(&j), "{j}");
        }
        let draws: std::collections::HashSet<u64> = (0..100).map(|_| jitter().to_bits()).collect();
        assert!(draws.len() > 90, "jitter varies");
    }
}
