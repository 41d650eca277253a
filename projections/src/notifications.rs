//! The event-driven messages (SPEC.md flow step 7): the approval SMS with the app link and
//! the rejection SMS with the reason. Queued in the outbox by the live projector in the same
//! transaction as its batch, under a checkpoint of its own, and each with the cause
//! `event:<position>` (unique), so a message is queued exactly once per event. Unlike a read
//! model it has no tables to rebuild: a rebuild never runs it, so it never sends again.

use std::collections::HashMap;

use bedrift_domain::messages;
use bedrift_domain::subscription::{Subscription, SubscriptionEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::{AnyEvent, Envelope, StoredEvent, EVENT_COLUMNS};
use crate::outbox::{enqueue_all, Channel, NewMessage};
use crate::ProjectionError;

/// The checkpoint key of the notifications.
pub const CHECKPOINT: &str = "notifications";

/// How event-driven messages are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    /// `APP_LINK_TEMPLATE`: the link in the approval SMS that opens the ticket app;
    /// `{subscription}` becomes the subscription's id.
    pub app_link_template: String,
}

impl NotificationSettings {
    /// The default link: the service's own ticket page under `public_url`.
    pub fn for_public_url(public_url: &str) -> Self {
        Self {
            app_link_template: format!(
                "{}/app?abonnement={{subscription}}",
                public_url.trim_end_matches('/')
            ),
        }
    }
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self::for_public_url("http://localhost:8080")
    }
}

/// Who a subscription's messages go to: from its `SubscriptionOrdered` event.
#[derive(Debug, Clone)]
struct Recipient {
    phone: String,
    first_name: String,
}

/// Queues the messages that `events` cause, on the batch's transaction. Returns how many
/// were queued (a message already queued for its event is not queued again).
pub(crate) async fn apply(
    conn: &mut PgConnection,
    settings: &NotificationSettings,
    events: &[Envelope],
) -> Result<usize, ProjectionError> {
    let mut recipients: HashMap<Uuid, Recipient> = HashMap::new();
    let mut wanted = Vec::new();
    for envelope in events {
        match &envelope.event {
            AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered { details, .. }) => {
                recipients.insert(
                    envelope.aggregate_id,
                    Recipient {
                        phone: details.phone.as_str().to_owned(),
                        first_name: details.first_name.as_str().to_owned(),
                    },
                );
            }
            AnyEvent::Subscription(
                SubscriptionEvent::SubscriptionApproved { .. }
                | SubscriptionEvent::SubscriptionRejected { .. },
            ) => wanted.push(envelope),
            _ => {}
        }
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    let mut missing: Vec<Uuid> = wanted
        .iter()
        .map(|e| e.aggregate_id)
        .filter(|id| !recipients.contains_key(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        recipients.extend(ordered_recipients(conn, &missing).await?);
    }
    let mut texts = Vec::with_capacity(wanted.len());
    for envelope in wanted {
        let recipient = recipients.get(&envelope.aggregate_id).ok_or_else(|| {
            ProjectionError::Corrupt(format!(
                "subscription {} has no SubscriptionOrdered event",
                envelope.aggregate_id
            ))
        })?;
        let body = match &envelope.event {
            AnyEvent::Subscription(SubscriptionEvent::SubscriptionApproved {
                valid_from, ..
            }) => {
                let link = messages::app_link(
                    &settings.app_link_template,
                    &envelope.aggregate_id.to_string(),
                );
                messages::approval_sms(&recipient.first_name, *valid_from, &link)
            }
            AnyEvent::Subscription(SubscriptionEvent::SubscriptionRejected { reason, .. }) => {
                messages::rejection_sms(&recipient.first_name, reason.as_str())
            }
            _ => continue,
        };
        texts.push((recipient, body, format!("event:{}", envelope.position)));
    }
    let queue: Vec<NewMessage<'_>> = texts
        .iter()
        .map(|(recipient, body, cause)| NewMessage {
            channel: Channel::Sms,
            recipient: &recipient.phone,
            subject: None,
            body,
            cause: Some(cause),
        })
        .collect();
    // One statement for the batch's messages: the projector's batches stay short.
    let queued = usize::try_from(enqueue_all(conn, &queue).await?).unwrap_or_default();
    tracing::debug!(queued, "event-driven messages queued");
    Ok(queued)
}

/// The recipients of `subscriptions`, from each one's first event in the log (its
/// `SubscriptionOrdered`), read by the events table's primary key.
async fn ordered_recipients(
    conn: &mut PgConnection,
    subscriptions: &[Uuid],
) -> Result<HashMap<Uuid, Recipient>, ProjectionError> {
    let ids: Vec<String> = subscriptions.iter().map(Uuid::to_string).collect();
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE aggregate_type = $1 AND aggregate_id = ANY($2) AND sequence = 1"
    ))
    .bind(Subscription::TYPE)
    .bind(&ids)
    .fetch_all(conn)
    .await?;
    let mut recipients = HashMap::new();
    for row in rows {
        let envelope = row.decode()?;
        if let AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered { details, .. }) =
            envelope.event
        {
            recipients.insert(
                envelope.aggregate_id,
                Recipient {
                    phone: details.phone.as_str().to_owned(),
                    first_name: details.first_name.as_str().to_owned(),
                },
            );
        }
    }
    Ok(recipients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_app_link_is_under_the_public_url() {
        assert_eq!(
            NotificationSettings::for_public_url("https://billett.akt.no/").app_link_template,
            "https://billett.akt.no/app?abonnement={subscription}"
        );
    }
}
