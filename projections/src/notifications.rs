//! The event-driven messages (SPEC.md flow step 7): the approval SMS with the ticket link (a
//! fresh ticket link token, see [`crate::ticket_links`]) and the rejection SMS with the reason;
//! and the notices of [`crate::notices`]: the SMS when the employer cancels a ticket or changes
//! its zones, the e-mails to administrators about waiting orders and new tariff prices. Queued in the outbox by the live projector in the same
//! transaction as its batch, under a checkpoint of its own, and each with the cause
//! `event:<position>` (unique), so a message is queued exactly once per event. Unlike a read
//! model it has no tables to rebuild: a rebuild never runs it, so it never sends again.

use std::collections::HashMap;

use bedrift_domain::messages;
use bedrift_domain::subscription::{OrderDetails, Subscription, SubscriptionEvent};
use bedrift_domain::values::{Language, TravellerCategory};
use cqrs_es::Aggregate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::{AnyEvent, Envelope, StoredEvent, EVENT_COLUMNS};
use crate::notices;
use crate::outbox::{enqueue_all, Channel, NewMessage};
use crate::ticket_links;
use crate::ProjectionError;

/// The checkpoint key of the notifications.
pub const CHECKPOINT: &str = "notifications";

/// How event-driven messages are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    /// `PUBLIC_URL` without a trailing slash: the approval SMS links to the ticket page
    /// `<public_url>/billett/<token>`.
    pub public_url: String,
    /// `APP_LINK_TEMPLATE`: when set, the operator's app deep link that the approval SMS carries
    /// instead (and the ticket page offers); `{subscription}` becomes the subscription's id and
    /// `{token}` the ticket link's token.
    pub app_link_template: Option<String>,
}

impl NotificationSettings {
    /// The default: the service's own ticket page under `public_url`, no app link.
    pub fn for_public_url(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            app_link_template: None,
        }
    }

    /// The ticket page of the link with `token`.
    pub fn ticket_page(&self, token: &str) -> String {
        format!("{}/billett/{token}", self.public_url)
    }

    /// The operator's app link for `subscription` with `token`, when `APP_LINK_TEMPLATE` is set.
    pub fn app_link(&self, subscription: Uuid, token: &str) -> Option<String> {
        self.app_link_template
            .as_deref()
            .map(|template| messages::app_link(template, &subscription.to_string(), token))
    }

    /// The link the approval SMS carries: the app link when set, else the ticket page.
    pub fn sms_link(&self, subscription: Uuid, token: &str) -> String {
        self.app_link(subscription, token)
            .unwrap_or_else(|| self.ticket_page(token))
    }
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self::for_public_url("http://localhost:8080")
    }
}

/// Who a subscription's messages go to: from its `SubscriptionOrdered` event.
#[derive(Debug, Clone)]
pub(crate) struct Recipient {
    pub phone: String,
    pub first_name: String,
    /// The language the order was made in; its messages are written in it.
    pub language: Language,
    /// The company that pays.
    pub company: Uuid,
    /// The traveller category (for the deduction after a zone change).
    pub category: TravellerCategory,
}

impl Recipient {
    fn of(details: &OrderDetails) -> Self {
        Self {
            phone: details.phone.as_str().to_owned(),
            first_name: details.first_name.as_str().to_owned(),
            language: details.language,
            company: details.company.as_uuid(),
            category: details.category,
        }
    }
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
                recipients.insert(envelope.aggregate_id, Recipient::of(details));
            }
            AnyEvent::Subscription(
                SubscriptionEvent::SubscriptionApproved { .. }
                | SubscriptionEvent::SubscriptionRejected { .. },
            ) => wanted.push(envelope),
            AnyEvent::Subscription(
                SubscriptionEvent::ZonesChanged { changed_by: by, .. }
                | SubscriptionEvent::SubscriptionCancelled {
                    cancelled_by: by, ..
                },
            ) if notices::for_employer(by) => wanted.push(envelope),
            // The holder's own request decided (R8); the approved zones are applied by the
            // holder's `ZonesChanged` that follows, which sends nothing itself.
            AnyEvent::Subscription(
                SubscriptionEvent::ZoneChangeApproved { .. }
                | SubscriptionEvent::ZoneChangeRejected { .. },
            ) => wanted.push(envelope),
            _ => {}
        }
    }
    let emails = notices::emails(conn, settings, events).await?;
    if wanted.is_empty() && emails.is_empty() {
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
    // One ticket link per approval, issued with its message; an approval whose link exists
    // already (the batch seen again) has had its message queued too.
    let approvals: Vec<(Uuid, String)> = wanted
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                AnyEvent::Subscription(SubscriptionEvent::SubscriptionApproved { .. })
            )
        })
        .map(|e| (e.aggregate_id, cause_of(e)))
        .collect();
    let tokens = ticket_links::issue_for_causes(conn, &approvals).await?;
    let zone_changes: Vec<Uuid> = wanted
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                AnyEvent::Subscription(
                    SubscriptionEvent::ZonesChanged { .. }
                        | SubscriptionEvent::ZoneChangeApproved { .. }
                )
            )
        })
        .map(|e| e.aggregate_id)
        .collect();
    let zone_context = if zone_changes.is_empty() {
        None
    } else {
        let companies: Vec<Uuid> = zone_changes
            .iter()
            .filter_map(|id| recipients.get(id).map(|r| r.company))
            .collect();
        Some(notices::ZoneChangeContext::load(conn, &zone_changes, &companies).await?)
    };
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
                let Some(token) = tokens.get(&cause_of(envelope)) else {
                    continue;
                };
                let link = settings.sms_link(envelope.aggregate_id, token);
                messages::approval_sms(
                    recipient.language,
                    &recipient.first_name,
                    *valid_from,
                    &link,
                )
            }
            AnyEvent::Subscription(SubscriptionEvent::SubscriptionRejected { reason, .. }) => {
                messages::rejection_sms(recipient.language, &recipient.first_name, reason.as_str())
            }
            AnyEvent::Subscription(SubscriptionEvent::SubscriptionCancelled {
                end_date, ..
            }) => messages::cancelled_by_employer_sms(
                recipient.language,
                &recipient.first_name,
                *end_date,
            ),
            AnyEvent::Subscription(SubscriptionEvent::ZoneChangeRejected { reason, .. }) => {
                messages::zone_change_rejected_sms(
                    recipient.language,
                    &recipient.first_name,
                    reason.as_str(),
                )
            }
            AnyEvent::Subscription(
                SubscriptionEvent::ZonesChanged { .. }
                | SubscriptionEvent::ZoneChangeApproved { .. },
            ) => {
                match zone_context
                    .as_ref()
                    .and_then(|c| c.sms(envelope, recipient))
                {
                    Some(body) => body,
                    None => continue,
                }
            }
            _ => continue,
        };
        texts.push((recipient, body, cause_of(envelope)));
    }
    let mut queue: Vec<NewMessage<'_>> = texts
        .iter()
        .map(|(recipient, body, cause)| NewMessage {
            channel: Channel::Sms,
            recipient: &recipient.phone,
            subject: None,
            body,
            cause: Some(cause),
        })
        .collect();
    queue.extend(emails.iter().map(|email| NewMessage {
        channel: Channel::Email,
        recipient: &email.recipient,
        subject: Some(&email.text.subject),
        body: &email.text.body,
        cause: Some(&email.cause),
    }));
    // One statement for the batch's messages: the projector's batches stay short.
    let queued = usize::try_from(enqueue_all(conn, &queue).await?).unwrap_or_default();
    tracing::debug!(queued, "event-driven messages queued");
    Ok(queued)
}

/// The outbox cause of the message an event causes: unique per event.
fn cause_of(envelope: &Envelope) -> String {
    format!("event:{}", envelope.position)
}

/// The recipients of `subscriptions`, from each one's first event in the log (its
/// `SubscriptionOrdered`), read by the events table's primary key.
async fn ordered_recipients(
    conn: &mut PgConnection,
    subscriptions: &[Uuid],
) -> Result<HashMap<Uuid, Recipient>, ProjectionError> {
    let ids: Vec<String> = subscriptions.iter().map(Uuid::to_string).collect();
    // One lookup by the whole primary key per subscription (LIMIT keeps each a lookup of its
    // own): `aggregate_id = ANY($2)` beside `sequence = 1` let PostgreSQL, before the log had
    // statistics, plan a scan of every subscription's first event instead.
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM unnest($2::text[]) AS wanted(id)
         CROSS JOIN LATERAL (
             SELECT * FROM events
             WHERE events.aggregate_type = $1 AND events.aggregate_id = wanted.id
               AND events.sequence = 1
             LIMIT 1) AS events"
    ))
    .bind(Subscription::TYPE)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut recipients = HashMap::new();
    for envelope in crate::event::decode_all(conn, rows).await? {
        if let AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered { details, .. }) =
            envelope.event
        {
            recipients.insert(envelope.aggregate_id, Recipient::of(&details));
        }
    }
    Ok(recipients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_link_is_the_ticket_page_under_the_public_url() {
        let settings = NotificationSettings::for_public_url("https://billett.akt.no/");
        assert_eq!(
            settings.sms_link(Uuid::nil(), "abc"),
            "https://billett.akt.no/billett/abc"
        );
        assert_eq!(settings.app_link(Uuid::nil(), "abc"), None);
    }

    #[test]
    fn an_app_link_template_replaces_the_page_in_the_sms() {
        let settings = NotificationSettings {
            app_link_template: Some("akt://billett/{token}?s={subscription}".to_owned()),
            ..NotificationSettings::for_public_url("https://billett.akt.no")
        };
        let link = settings.sms_link(Uuid::nil(), "abc");
        assert_eq!(link, format!("akt://billett/abc?s={}", Uuid::nil()));
    }
}
