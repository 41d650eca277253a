//! Outbound webhooks (Standard Webhooks): the live projector queues one delivery per event and
//! enabled endpoint that wants the event's type, as an outbox row of the channel `WEBHOOK`, in
//! the same transaction as its batch and under the notifications' checkpoint (migration
//! `20261201000100_webhooks.sql`). Each delivery's cause is
//! `webhook:<endpoint>:<position>:<type>` (unique), so an event is queued at most once per
//! endpoint and type. Like the messages, a rebuild never runs this: it never sends again. The
//! dispatcher (crate `bedrift-api`) signs and sends them.
//!
//! A ticket's end is no event in the log: the day simply passes. So `ticket.ended` is queued
//! with the cancellation, due at the first instant after the end date (Europe/Oslo), when the
//! ticket has ended; a later cancellation (an earlier end) or a withdrawn cancellation sets it
//! `WITHDRAWN` before it is due (R11 allows a withdrawal only before the end date, a day
//! before), so it is sent exactly when the ticket really ended.

use std::collections::HashMap;

use bedrift_domain::clock::start_of_oslo_day;
use bedrift_domain::subscription::{Subscription, SubscriptionEvent};
use chrono::{DateTime, Utc};
use cqrs_es::{Aggregate, DomainEvent as _};
use serde_json::{json, Value};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::{AnyEvent, Envelope, StoredEvent, EVENT_COLUMNS};
use crate::ProjectionError;

/// What a webhook tells; its code is the payload's `type` and what endpoints subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    /// `ticket.issued`: an order was approved (`SubscriptionApproved`).
    TicketIssued,
    /// `ticket.zones_changed`: `ZonesChanged`.
    ZonesChanged,
    /// `ticket.cancelled`: `SubscriptionCancelled`; `end_date` is the last valid day.
    Cancelled,
    /// `ticket.cancellation_withdrawn`: `CancellationWithdrawn` (the ticket runs on).
    CancellationWithdrawn,
    /// `ticket.ended`: a cancelled ticket's end date has passed. Queued with the cancellation
    /// and due at the first instant after the end date (Europe/Oslo); withdrawn, never sent,
    /// when the cancellation is withdrawn or replaced by an earlier end before then.
    Ended,
    /// `employee.details_changed`: an administrator corrected the holder's details (R18).
    EmployeeDetailsChanged,
}

impl WebhookEvent {
    /// Every event type.
    pub const ALL: [Self; 6] = [
        Self::TicketIssued,
        Self::ZonesChanged,
        Self::Cancelled,
        Self::CancellationWithdrawn,
        Self::Ended,
        Self::EmployeeDetailsChanged,
    ];

    /// The stored and payload form, e.g. `ticket.issued`.
    pub fn code(self) -> &'static str {
        match self {
            Self::TicketIssued => "ticket.issued",
            Self::ZonesChanged => "ticket.zones_changed",
            Self::Cancelled => "ticket.cancelled",
            Self::CancellationWithdrawn => "ticket.cancellation_withdrawn",
            Self::Ended => "ticket.ended",
            Self::EmployeeDetailsChanged => "employee.details_changed",
        }
    }

    /// The event type with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The webhook a subscription event causes at once, if any (a cancellation also schedules
    /// `ticket.ended`, see the module's documentation).
    fn of(event: &SubscriptionEvent) -> Option<Self> {
        match event {
            SubscriptionEvent::SubscriptionApproved { .. } => Some(Self::TicketIssued),
            SubscriptionEvent::ZonesChanged { .. } => Some(Self::ZonesChanged),
            SubscriptionEvent::SubscriptionCancelled { .. } => Some(Self::Cancelled),
            SubscriptionEvent::CancellationWithdrawn { .. } => Some(Self::CancellationWithdrawn),
            SubscriptionEvent::EmployeeDetailsUpdated { .. } => Some(Self::EmployeeDetailsChanged),
            // An employee's request approved: the zones change as an administrator's would.
            SubscriptionEvent::ZoneChangeApproved { .. } => Some(Self::ZonesChanged),
            SubscriptionEvent::SubscriptionOrdered { .. }
            | SubscriptionEvent::ZoneChangeRequested { .. }
            | SubscriptionEvent::ZoneChangeRejected { .. }
            | SubscriptionEvent::SubscriptionRejected { .. }
            | SubscriptionEvent::OrderWithdrawn { .. }
            | SubscriptionEvent::PersonalDataErased { .. }
            | SubscriptionEvent::ProcessingRestricted { .. } => None,
        }
    }
}

/// An enabled endpoint: its id and the event types it wants.
#[derive(Debug, Clone)]
struct Endpoint {
    id: Uuid,
    url: String,
    wants: Vec<WebhookEvent>,
}

/// One delivery to queue.
struct Delivery {
    endpoint: Uuid,
    url: String,
    body: String,
    cause: String,
    /// When it is due: now, or the end of a ticket.
    due: DateTime<Utc>,
    /// For a scheduled `ticket.ended`: its subscription.
    ends: Option<Uuid>,
}

/// Queues the webhooks `events` cause for every enabled endpoint that wants them, on the
/// batch's transaction, and withdraws the scheduled `ticket.ended` deliveries that a later
/// cancellation or a withdrawn one makes untrue. Returns how many were queued.
pub(crate) async fn apply(
    conn: &mut PgConnection,
    events: &[Envelope],
) -> Result<usize, ProjectionError> {
    let relevant: Vec<(&Envelope, &SubscriptionEvent)> = events
        .iter()
        .filter_map(|e| match &e.event {
            AnyEvent::Subscription(event) if WebhookEvent::of(event).is_some() => Some((e, event)),
            _ => None,
        })
        .collect();
    if relevant.is_empty() {
        return Ok(0);
    }
    let endpoints = enabled_endpoints(conn).await?;
    let mut ids: Vec<Uuid> = relevant.iter().map(|(e, _)| e.aggregate_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let histories = if endpoints.is_empty() {
        HashMap::new()
    } else {
        histories(conn, &ids).await?
    };
    let mut deliveries: Vec<Delivery> = Vec::new();
    // Subscriptions whose scheduled ends, queued before this batch, no longer hold.
    let mut superseded: Vec<Uuid> = Vec::new();
    for (envelope, event) in relevant {
        let subscription = envelope.aggregate_id;
        if matches!(
            event,
            SubscriptionEvent::SubscriptionCancelled { .. }
                | SubscriptionEvent::CancellationWithdrawn { .. }
        ) {
            deliveries.retain(|d| d.ends != Some(subscription));
            superseded.push(subscription);
        }
        if endpoints.is_empty() {
            continue;
        }
        let history = histories.get(&subscription).map_or(&[][..], |h| h);
        let mut after = Subscription::default();
        for earlier in history.iter().filter(|e| e.sequence <= envelope.sequence) {
            if let AnyEvent::Subscription(earlier) = &earlier.event {
                after.apply(earlier.clone());
            }
        }
        let mut kinds: Vec<(WebhookEvent, DateTime<Utc>)> = Vec::new();
        if let Some(kind) = WebhookEvent::of(event) {
            kinds.push((kind, envelope.recorded_at));
        }
        if let SubscriptionEvent::SubscriptionCancelled { end_date, .. } = event {
            if let Some(day_after) = end_date.succ_opt() {
                kinds.push((WebhookEvent::Ended, start_of_oslo_day(day_after)));
            }
        }
        for (kind, at) in kinds {
            let wanting: Vec<&Endpoint> = endpoints
                .iter()
                .filter(|endpoint| endpoint.wants.contains(&kind))
                .collect();
            if wanting.is_empty() {
                continue;
            }
            let body = payload(kind, at, envelope, event, &after).to_string();
            for endpoint in wanting {
                deliveries.push(Delivery {
                    endpoint: endpoint.id,
                    url: endpoint.url.clone(),
                    body: body.clone(),
                    cause: format!(
                        "webhook:{}:{}:{}",
                        endpoint.id,
                        envelope.position,
                        kind.code()
                    ),
                    due: at.max(envelope.recorded_at),
                    ends: (kind == WebhookEvent::Ended).then_some(subscription),
                });
            }
        }
    }
    let causes: Vec<&str> = deliveries.iter().map(|d| d.cause.as_str()).collect();
    if !superseded.is_empty() {
        // Not the deliveries this batch queues (again, when its events are seen again).
        sqlx::query(
            "UPDATE outbox SET status = 'WITHDRAWN', last_error = NULL
             WHERE ends_subscription = ANY($1) AND status = 'PENDING' AND cause <> ALL($2)",
        )
        .bind(&superseded)
        .bind(&causes)
        .execute(&mut *conn)
        .await?;
    }
    if deliveries.is_empty() {
        return Ok(0);
    }
    let endpoint_ids: Vec<Uuid> = deliveries.iter().map(|d| d.endpoint).collect();
    let urls: Vec<&str> = deliveries.iter().map(|d| d.url.as_str()).collect();
    let bodies: Vec<&str> = deliveries.iter().map(|d| d.body.as_str()).collect();
    let due: Vec<DateTime<Utc>> = deliveries.iter().map(|d| d.due).collect();
    let ends: Vec<Option<Uuid>> = deliveries.iter().map(|d| d.ends).collect();
    // One statement for the batch's deliveries: the projector's batches stay short.
    let queued = sqlx::query(
        "INSERT INTO outbox (channel, webhook_endpoint, recipient, body, cause, next_attempt_at,
                             ends_subscription)
         SELECT 'WEBHOOK', * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],
                                         $5::timestamptz[], $6::uuid[])
         ON CONFLICT (cause) DO NOTHING",
    )
    .bind(&endpoint_ids)
    .bind(&urls)
    .bind(&bodies)
    .bind(&causes)
    .bind(&due)
    .bind(&ends)
    .execute(conn)
    .await?
    .rows_affected();
    tracing::debug!(queued, "webhooks queued");
    Ok(usize::try_from(queued).unwrap_or(usize::MAX))
}

/// The payload: Standard Webhooks' `type`, `timestamp` (`at`: when the event was stored, or
/// when the ticket ended) and `data`: the event as the pull feed shows it (`cursor`,
/// `subscription_id`, `sequence`, `event_type`, `event`), and the ticket as it stands after it.
fn payload(
    kind: WebhookEvent,
    at: DateTime<Utc>,
    envelope: &Envelope,
    event: &SubscriptionEvent,
    after: &Subscription,
) -> Value {
    let ticket = after.ordered().map(|ordered| {
        let details = &ordered.details;
        let zones = ordered.current_zones();
        json!({
            "company_id": details.company,
            "holder": {
                "first_name": details.first_name.as_str(),
                "last_name": details.last_name.as_str(),
                "employee_number": details.employee_number.as_ref().map(|n| n.as_str()),
            },
            "category": details.category,
            "zones": zones.zones().iter().map(|z| z.as_str()).collect::<Vec<_>>(),
            "whole_region": zones.zones().is_empty(),
            "valid_from": ordered.valid_from(),
            "end_date": ordered.end_date(),
        })
    });
    json!({
        "type": kind.code(),
        "timestamp": at,
        "data": {
            "cursor": format!("{}.{}", envelope.at.tx_id, envelope.at.position),
            "subscription_id": envelope.aggregate_id,
            "sequence": envelope.sequence,
            "event_type": event.event_type(),
            "event": event,
            "ticket": ticket,
        },
    })
}

async fn enabled_endpoints(conn: &mut PgConnection) -> Result<Vec<Endpoint>, ProjectionError> {
    let rows: Vec<(Uuid, String, Vec<String>)> = sqlx::query_as(
        "SELECT id, url, event_types FROM webhook_endpoints WHERE disabled_at IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, url, codes)| {
            let wants = codes
                .iter()
                .map(|code| {
                    WebhookEvent::from_code(code).ok_or_else(|| {
                        ProjectionError::Corrupt(format!("unknown webhook event type {code}"))
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok(Endpoint { id, url, wants })
        })
        .collect()
}

/// The events of `subscriptions` in sequence order, read by the events table's primary key.
async fn histories(
    conn: &mut PgConnection,
    subscriptions: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Envelope>>, ProjectionError> {
    let ids: Vec<String> = subscriptions.iter().map(Uuid::to_string).collect();
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE aggregate_type = $1 AND aggregate_id = ANY($2) ORDER BY aggregate_id, sequence"
    ))
    .bind(Subscription::TYPE)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut histories: HashMap<Uuid, Vec<Envelope>> = HashMap::new();
    for envelope in crate::event::decode_all(conn, rows).await? {
        histories
            .entry(envelope.aggregate_id)
            .or_default()
            .push(envelope);
    }
    Ok(histories)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_reads_back_from_its_code() {
        for kind in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::from_code(kind.code()), Some(kind));
        }
        assert_eq!(WebhookEvent::from_code("ticket.lost"), None);
    }
}
