//! A subscription's audit trail (SPEC.md "Audit"): its events read straight from the log, each
//! with who caused it, when, and the change in words; and its state as of any instant, folded
//! from those events.
//!
//! "As of an instant" uses each event's `occurred_at` from its metadata: the instant of the
//! command on the service's clock (R1), the same time line as the dates the events carry.
//! Events without that metadata use the instant the database recorded them. The fold takes the
//! longest run of events, in sequence order, that occurred at or before the instant, so the
//! state is always one the subscription really passed through. Times are shown with the
//! microseconds the log holds, so an event's own `occurredAt` sent back to `stateAt` gives the
//! state with that event.

use std::collections::HashMap;

use async_graphql::{Enum, Object, SimpleObject, ID};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{OrderStatus, Subscription, SubscriptionEvent, ZoneChangeFrom};
use bedrift_projections::event::{keys_for, AnyEvent, StoredEvent, EVENT_COLUMNS};
use bedrift_store::sealing::{self, EventRef};
use chrono::Utc;
use cqrs_es::Aggregate;
use sqlx::{FromRow, PgPool, Row};
use uuid::Uuid;

use super::history_change::{account_people, HistoryChange, Person};
use crate::graphql::scalars::DateTime;
use crate::graphql::ApiError;

/// One event of a subscription, as the log holds it.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// The subscription's version after this event (1, 2, 3, ...).
    pub sequence: i64,
    /// The event's name.
    pub event_type: String,
    /// The version of the event's stored shape.
    pub event_version: String,
    /// When the database stored it.
    pub recorded_at: chrono::DateTime<Utc>,
    /// Who, when and in which request, when the event carries metadata.
    pub metadata: Option<Metadata>,
    /// The event, upcast to the current shape.
    pub event: SubscriptionEvent,
    /// The name (and e-mail) of who caused it, as known now: the account of an operator or
    /// administrator, or the ticket holder for the employee; none for the service itself.
    pub person: Option<Person>,
}

impl HistoryEntry {
    /// The instant it happened: the command's time, or when it was stored.
    pub fn instant(&self) -> chrono::DateTime<Utc> {
        self.metadata
            .as_ref()
            .map_or(self.recorded_at, |m| m.occurred_at)
    }
}

/// The events of subscription `id`, in order, with their personal data opened (or
/// `[slettet]` once erased).
pub async fn load(pool: &PgPool, id: Uuid) -> Result<Vec<HistoryEntry>, ApiError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS}, metadata::text AS metadata FROM events
         WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence"
    );
    let mut conn = pool.acquire().await?;
    let rows = sqlx::query(&sql)
        .bind(Subscription::TYPE)
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let stored = rows
        .iter()
        .map(|row| {
            Ok((
                StoredEvent::from_row(row)?,
                row.try_get::<String, _>("metadata")?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events: Vec<StoredEvent> = stored.iter().map(|(event, _)| event.clone()).collect();
    let keys = keys_for(&mut conn, &events).await?;
    let mut entries = stored
        .into_iter()
        .map(|(mut stored, metadata)| {
            let mut metadata: serde_json::Value =
                serde_json::from_str(&metadata).map_err(|e| ApiError::internal(&e))?;
            if stored.is_sealed() {
                let mut payload: serde_json::Value =
                    serde_json::from_str(&stored.payload).map_err(|e| ApiError::internal(&e))?;
                let reference = EventRef {
                    aggregate_type: &stored.aggregate_type,
                    aggregate_id: &stored.aggregate_id,
                    sequence: stored.sequence,
                    event_type: &stored.event_type,
                };
                sealing::open(reference, &mut payload, Some(&mut metadata), &keys)
                    .map_err(|e| ApiError::internal(&e))?;
                stored.payload = payload.to_string();
            }
            let metadata = serde_json::from_value::<HashMap<String, String>>(metadata)
                .ok()
                .and_then(|map| Metadata::from_map(&map));
            let (sequence, event_type, event_version, recorded_at) = (
                stored.sequence,
                stored.event_type.clone(),
                stored.event_version.clone(),
                stored.recorded_at,
            );
            let AnyEvent::Subscription(event) = stored.decode(&keys)?.event else {
                return Err(ApiError::Internal);
            };
            Ok(HistoryEntry {
                sequence,
                event_type,
                event_version,
                recorded_at,
                metadata,
                event,
                person: None,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    name_people(pool, &mut entries).await?;
    Ok(entries)
}

/// Fills in each entry's `person` from the actor recorded in its metadata.
async fn name_people(pool: &PgPool, entries: &mut [HistoryEntry]) -> Result<(), ApiError> {
    let accounts = account_people(
        pool,
        entries
            .iter()
            .filter_map(|e| e.metadata.as_ref().map(|m| &m.actor)),
    )
    .await?;
    // The holder by the phone of the order, named as the latest details have it (R18).
    let phone = entries.iter().find_map(|entry| match &entry.event {
        SubscriptionEvent::SubscriptionOrdered { details, .. } => Some(details.phone.clone()),
        _ => None,
    });
    let name = entries.iter().rev().find_map(|entry| match &entry.event {
        SubscriptionEvent::SubscriptionOrdered { details, .. } => {
            Some(format!("{} {}", details.first_name, details.last_name))
        }
        SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => {
            Some(format!("{} {}", details.first_name, details.last_name))
        }
        _ => None,
    });
    let holder = name.zip(phone);
    for entry in entries.iter_mut() {
        entry.person = match entry.metadata.as_ref().map(|m| &m.actor) {
            Some(Actor::Operator { account } | Actor::Administrator { account }) => {
                accounts.get(&account.as_uuid()).cloned()
            }
            Some(Actor::Employee { phone, .. }) => holder
                .as_ref()
                .filter(|(_, holder_phone)| holder_phone == phone)
                .map(|(name, _)| Person {
                    name: name.clone(),
                    email: None,
                }),
            Some(Actor::System) | None => None,
        };
    }
    Ok(())
}

/// The subscription folded from the events that occurred at or before `at`; `None` when it
/// had not been ordered by then.
pub fn state_at(entries: &[HistoryEntry], at: chrono::DateTime<Utc>) -> Option<Subscription> {
    let mut state = Subscription::default();
    for entry in entries.iter().take_while(|e| e.instant() <= at) {
        state.apply(entry.event.clone());
    }
    state.exists().then_some(state)
}

/// Where an order stands by its decision alone, regardless of dates (see `status` for the
/// status on a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OrderStatus")]
pub enum OrderStatusView {
    /// Waiting for an administrator.
    Pending,
    /// Approved: a ticket.
    Approved,
    /// Rejected by an administrator.
    Rejected,
    /// Withdrawn by the employee.
    Withdrawn,
}

impl From<OrderStatus> for OrderStatusView {
    fn from(status: OrderStatus) -> Self {
        match status {
            OrderStatus::Pending => Self::Pending,
            OrderStatus::Approved => Self::Approved,
            OrderStatus::Rejected => Self::Rejected,
            OrderStatus::Withdrawn => Self::Withdrawn,
        }
    }
}

/// What kind of party caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ActorKind {
    /// Operator staff.
    Operator,
    /// A company administrator.
    Administrator,
    /// An employee logged in through an order link.
    Employee,
    /// The service itself (automatic approval, command-line tools).
    System,
}

/// Who caused an event.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "Actor")]
pub struct ActorView {
    /// Operator, administrator, employee or the service itself.
    pub kind: ActorKind,
    /// The account of an operator or administrator.
    pub account_id: Option<ID>,
    /// The verified phone of an employee, E.164.
    pub phone: Option<String>,
    /// The company whose order link an employee used.
    pub company_id: Option<ID>,
    /// A short, stable text form, e.g. `administrator:<uuid>`.
    pub label: String,
    /// The person's name as known now: the account's name for an operator or administrator,
    /// the ticket holder's name for the employee; null for the service itself.
    pub name: Option<String>,
    /// The e-mail address of an operator or administrator.
    pub email: Option<String>,
}

impl From<&Actor> for ActorView {
    fn from(actor: &Actor) -> Self {
        let (kind, account_id, phone, company_id) = match actor {
            Actor::Operator { account } => {
                (ActorKind::Operator, Some(account.to_string()), None, None)
            }
            Actor::Administrator { account } => (
                ActorKind::Administrator,
                Some(account.to_string()),
                None,
                None,
            ),
            Actor::Employee { phone, company } => (
                ActorKind::Employee,
                None,
                Some(phone.to_string()),
                Some(company.to_string()),
            ),
            Actor::System => (ActorKind::System, None, None, None),
        };
        Self {
            kind,
            account_id: account_id.map(ID),
            phone,
            company_id: company_id.map(ID),
            label: actor.label(),
            name: None,
            email: None,
        }
    }
}

/// One event in a subscription's history.
#[Object(name = "HistoryEvent")]
impl HistoryEntry {
    /// The event's name, e.g. `ZonesChanged`.
    #[graphql(name = "type")]
    async fn kind(&self) -> &str {
        &self.event_type
    }

    /// The version of the event's stored shape (older shapes are upcast when read).
    async fn version(&self) -> &str {
        &self.event_version
    }

    /// The subscription's version after this event: 1 for the order, then 2, 3, ...
    async fn sequence(&self) -> i64 {
        self.sequence
    }

    /// When the database stored the event.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.recorded_at)
    }

    /// When the command that caused it was issued (the service's clock); the recording time
    /// for events without metadata.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.instant())
    }

    /// Who caused it, with their name and e-mail; null for events stored without metadata.
    async fn actor(&self) -> Option<ActorView> {
        self.metadata.as_ref().map(|m| ActorView {
            name: self.person.as_ref().map(|p| p.name.clone()),
            email: self.person.as_ref().and_then(|p| p.email.clone()),
            ..ActorView::from(&m.actor)
        })
    }

    /// The change as data (kind, values set), for pages to put into their own words.
    async fn change(&self) -> HistoryChange {
        HistoryChange::from(&self.event)
    }

    /// Ties the event to the request that caused it (and to that request's other events).
    async fn correlation_id(&self) -> Option<ID> {
        self.metadata
            .as_ref()
            .map(|m| ID(m.correlation_id.to_string()))
    }

    /// The change in English words, e.g. "Zones changed to kristiansand + vennesla from
    /// 2027-01-01", for logs and tools; pages use `change`.
    async fn summary(&self) -> String {
        summary(&self.event)
    }
}

/// The change an event made, in a short English sentence for people.
pub fn summary(event: &SubscriptionEvent) -> String {
    match event {
        SubscriptionEvent::SubscriptionOrdered {
            details,
            start_date,
            ..
        } => format!(
            "Ordered for {} {} ({}), {} ({}), zones {}, from {start_date}",
            details.first_name,
            details.last_name,
            details.phone,
            details.category.code().to_lowercase().replace('_', " "),
            details.category.norwegian().to_lowercase(),
            details.zones,
        ),
        SubscriptionEvent::SubscriptionApproved { valid_from, .. } => {
            format!("Approved, valid from {valid_from}")
        }
        SubscriptionEvent::SubscriptionRejected { reason, .. } => {
            format!("Rejected: {reason}")
        }
        SubscriptionEvent::ZonesChanged {
            zones,
            effective_from,
            previous_valid_through,
            ..
        } => format!(
            "Zones changed to {zones} from {effective_from} (the earlier zones valid through {previous_valid_through})"
        ),
        SubscriptionEvent::SubscriptionCancelled { end_date, .. } => {
            format!("Cancelled, valid through {end_date}")
        }
        SubscriptionEvent::CancellationWithdrawn { .. } => {
            "Cancellation withdrawn: the ticket continues".to_owned()
        }
        SubscriptionEvent::OrderWithdrawn { .. } => "Order withdrawn before a decision".to_owned(),
        SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => format!(
            "Employee details corrected: {} {}, employee number {}, {} form answer(s)",
            details.first_name,
            details.last_name,
            details
                .employee_number
                .as_ref()
                .map_or("none".to_owned(), ToString::to_string),
            details.extra_fields.len(),
        ),
        SubscriptionEvent::ZoneChangeRequested { zones, from, .. } => {
            let from = match from {
                ZoneChangeFrom::NextMonth => "the first of the month after approval",
                ZoneChangeFrom::Immediately => "the day of approval",
            };
            format!("Zones {zones} requested from {from}; waits for an administrator")
        }
        SubscriptionEvent::ZoneChangeApproved { .. } => "Zone change request approved".to_owned(),
        SubscriptionEvent::ZoneChangeRejected { reason, .. } => {
            format!("Zone change request rejected: {reason}")
        }
        SubscriptionEvent::PersonalDataErased { .. } => {
            "The holder's personal data erased: it reads [slettet] in every entry".to_owned()
        }
        SubscriptionEvent::ProcessingRestricted { kept_through, .. } => format!(
            "Kept for the accounts only, through {kept_through}, after the holder asked for erasure"
        ),
    }
}
