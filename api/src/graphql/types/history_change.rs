//! A history entry's change as data, for pages to put into words in their own language: what
//! kind of change, the values it set, and the names of the people behind it.

use std::collections::HashMap;

use async_graphql::{Enum, SimpleObject};
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::{SubscriptionEvent, ZoneChangeFrom as DomainFrom};
use bedrift_domain::values::ZoneSelection;
use sqlx::PgPool;
use uuid::Uuid;

use crate::graphql::scalars::Date;
use crate::graphql::types::enums::{TravellerCategory, ZoneChangeFrom};
use crate::graphql::types::subscription::FieldAnswer;
use crate::graphql::ApiError;

/// What kind of change a history entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum HistoryKind {
    /// Ordered (by the employee) or created (by an administrator).
    Ordered,
    /// Approved by an administrator, or automatically.
    Approved,
    /// Rejected by an administrator, with a reason.
    Rejected,
    /// Zones changed from a date.
    ZonesChanged,
    /// Cancelled to end on a date.
    Cancelled,
    /// A cancellation taken back: the ticket continues.
    CancellationWithdrawn,
    /// An order withdrawn by the employee before a decision.
    OrderWithdrawn,
    /// The employee's details corrected by an administrator or operator (R18).
    EmployeeDetailsUpdated,
    /// The holder asked for new zones; waits for an administrator (R8).
    ZoneChangeRequested,
    /// An administrator approved the holder's zone change request; the ZONES_CHANGED entry
    /// after it applies it (R8).
    ZoneChangeApproved,
    /// An administrator rejected the holder's zone change request, with a reason (R8).
    ZoneChangeRejected,
    /// The holder's personal data was erased (on request, or by retention): names, phone,
    /// employee number and answers read `[slettet]` in every entry.
    PersonalDataErased,
    /// The holder asked for erasure while the accounts keep the subscription: it is kept for
    /// them only through `date`, left out of lists and searches, then erased.
    ProcessingRestricted,
}

/// The values a change set; fields that do not belong to its kind are null.
#[derive(Debug, Clone, SimpleObject)]
pub struct HistoryChange {
    /// What kind of change.
    pub kind: HistoryKind,
    /// The date it is about: the start (ORDERED), first valid day (APPROVED), the first day of
    /// the new zones (ZONES_CHANGED), the last valid day (CANCELLED) or the last day the
    /// accounts keep it (PROCESSING_RESTRICTED).
    pub date: Option<Date>,
    /// The zone codes set (ORDERED, ZONES_CHANGED); empty for the whole region.
    pub zones: Vec<String>,
    /// Whether the zones set are the whole region.
    pub whole_region: bool,
    /// The last day of the earlier zones (ZONES_CHANGED).
    pub previous_valid_through: Option<Date>,
    /// The traveller category (ORDERED).
    pub category: Option<TravellerCategory>,
    /// The administrator's reason (REJECTED, ZONE_CHANGE_REJECTED).
    pub reason: Option<String>,
    /// From when a requested zone change is asked to apply (ZONE_CHANGE_REQUESTED).
    pub change_from: Option<ZoneChangeFrom>,
    /// The first name from then on (EMPLOYEE_DETAILS_UPDATED).
    pub first_name: Option<String>,
    /// The last name from then on (EMPLOYEE_DETAILS_UPDATED).
    pub last_name: Option<String>,
    /// The employee number from then on; null for none (EMPLOYEE_DETAILS_UPDATED).
    pub employee_number: Option<String>,
    /// Every answer to the company's form from then on (EMPLOYEE_DETAILS_UPDATED).
    pub extra_fields: Vec<FieldAnswer>,
}

impl HistoryChange {
    fn bare(kind: HistoryKind) -> Self {
        Self {
            kind,
            date: None,
            zones: Vec::new(),
            whole_region: false,
            previous_valid_through: None,
            category: None,
            reason: None,
            change_from: None,
            first_name: None,
            last_name: None,
            employee_number: None,
            extra_fields: Vec::new(),
        }
    }

    fn with_zones(mut self, zones: &ZoneSelection) -> Self {
        self.whole_region = matches!(zones, ZoneSelection::WholeRegion);
        self.zones = zones.zones().iter().map(ToString::to_string).collect();
        self
    }
}

impl From<&SubscriptionEvent> for HistoryChange {
    fn from(event: &SubscriptionEvent) -> Self {
        match event {
            SubscriptionEvent::SubscriptionOrdered {
                details,
                start_date,
                ..
            } => Self {
                date: Some(Date(*start_date)),
                category: Some(details.category.into()),
                ..Self::bare(HistoryKind::Ordered)
            }
            .with_zones(&details.zones),
            SubscriptionEvent::SubscriptionApproved { valid_from, .. } => Self {
                date: Some(Date(*valid_from)),
                ..Self::bare(HistoryKind::Approved)
            },
            SubscriptionEvent::SubscriptionRejected { reason, .. } => Self {
                reason: Some(reason.to_string()),
                ..Self::bare(HistoryKind::Rejected)
            },
            SubscriptionEvent::ZonesChanged {
                zones,
                effective_from,
                previous_valid_through,
                ..
            } => Self {
                date: Some(Date(*effective_from)),
                previous_valid_through: Some(Date(*previous_valid_through)),
                ..Self::bare(HistoryKind::ZonesChanged)
            }
            .with_zones(zones),
            SubscriptionEvent::SubscriptionCancelled { end_date, .. } => Self {
                date: Some(Date(*end_date)),
                ..Self::bare(HistoryKind::Cancelled)
            },
            SubscriptionEvent::CancellationWithdrawn { .. } => {
                Self::bare(HistoryKind::CancellationWithdrawn)
            }
            SubscriptionEvent::OrderWithdrawn { .. } => Self::bare(HistoryKind::OrderWithdrawn),
            SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => Self {
                first_name: Some(details.first_name.to_string()),
                last_name: Some(details.last_name.to_string()),
                employee_number: details.employee_number.as_ref().map(ToString::to_string),
                extra_fields: details
                    .extra_fields
                    .iter()
                    .map(|(label, value)| FieldAnswer {
                        label: label.clone(),
                        value: value.clone(),
                    })
                    .collect(),
                ..Self::bare(HistoryKind::EmployeeDetailsUpdated)
            },
            SubscriptionEvent::ZoneChangeRequested { zones, from, .. } => Self {
                change_from: Some(match from {
                    DomainFrom::NextMonth => ZoneChangeFrom::NextMonth,
                    DomainFrom::Immediately => ZoneChangeFrom::Immediately,
                }),
                ..Self::bare(HistoryKind::ZoneChangeRequested)
            }
            .with_zones(zones),
            SubscriptionEvent::ZoneChangeApproved { .. } => {
                Self::bare(HistoryKind::ZoneChangeApproved)
            }
            SubscriptionEvent::ZoneChangeRejected { reason, .. } => Self {
                reason: Some(reason.to_string()),
                ..Self::bare(HistoryKind::ZoneChangeRejected)
            },
            SubscriptionEvent::PersonalDataErased { .. } => {
                Self::bare(HistoryKind::PersonalDataErased)
            }
            SubscriptionEvent::ProcessingRestricted { kept_through, .. } => Self {
                date: Some(Date(*kept_through)),
                ..Self::bare(HistoryKind::ProcessingRestricted)
            },
        }
    }
}

/// A person's name and e-mail as the accounts table holds them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name.
    pub name: String,
    /// The e-mail address; none for employees (they log in by phone).
    pub email: Option<String>,
}

/// The operators' and administrators' names and e-mails for the accounts in `actors`.
pub async fn account_people(
    pool: &PgPool,
    actors: impl Iterator<Item = &Actor>,
) -> Result<HashMap<Uuid, Person>, ApiError> {
    let ids: Vec<Uuid> = actors
        .filter_map(|actor| match actor {
            Actor::Operator { account } | Actor::Administrator { account } => {
                Some(account.as_uuid())
            }
            Actor::Employee { .. } | Actor::System => None,
        })
        .collect();
    let rows: Vec<(Uuid, String, String)> =
        sqlx::query_as("SELECT id, name, email FROM accounts WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email)| {
            (
                id,
                Person {
                    name,
                    email: Some(email),
                },
            )
        })
        .collect())
}
