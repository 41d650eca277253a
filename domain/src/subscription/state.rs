//! A subscription's state, folded from its events, and what follows from it on a given day.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::SubscriptionEvent;
use crate::metadata::Actor;
use crate::values::{
    BoundedText, CompanyId, EmployeeNumber, Month, PersonName, PhoneNumber, TravellerCategory,
    ZoneSelection,
};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OrderStatus {
    /// Waiting for an administrator.
    #[default]
    Pending,
    /// Approved; a ticket.
    Approved,
    /// Rejected by an administrator.
    Rejected,
    /// Withdrawn by the employee.
    Withdrawn,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [
        Self::Pending,
        Self::Approved,
        Self::Rejected,
        Self::Withdrawn,
    ];

    /// The stored and API form, e.g. `APPROVED`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Approved => "APPROVED",
            Self::Rejected => "REJECTED",
            Self::Withdrawn => "WITHDRAWN",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Pending or approved: what R5 counts as live.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Approved)
    }
}

/// A ticket's status on a given day: derived, never stored, so it cannot go stale at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    /// Waiting for an administrator.
    Pending,
    /// Rejected.
    Rejected,
    /// Withdrawn by the employee.
    Withdrawn,
    /// Approved, not valid yet.
    Upcoming,
    /// Valid today, not cancelled.
    Active,
    /// Valid today, cancelled: ends on its end date.
    Ending,
    /// Past its end date, or cancelled before it started.
    Ended,
}

impl TicketStatus {
    /// The status on `today` of a subscription with this order status and dates.
    pub fn on(
        today: NaiveDate,
        status: OrderStatus,
        valid_from: Option<NaiveDate>,
        end_date: Option<NaiveDate>,
    ) -> Self {
        match status {
            OrderStatus::Pending => Self::Pending,
            OrderStatus::Rejected => Self::Rejected,
            OrderStatus::Withdrawn => Self::Withdrawn,
            OrderStatus::Approved => {
                let valid_from = valid_from.unwrap_or(today);
                match end_date {
                    Some(end) if end < today || end < valid_from => Self::Ended,
                    _ if today < valid_from => Self::Upcoming,
                    Some(_) => Self::Ending,
                    None => Self::Active,
                }
            }
        }
    }
}

/// An administrator's decision on an order (R7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Who decided.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The reason, for a rejection.
    pub reason: Option<BoundedText>,
}

/// Zones valid from one day through another (inclusive; open-ended when `through` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZonePeriod {
    /// The zones.
    pub zones: ZoneSelection,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if a later change ends it.
    pub through: Option<NaiveDate>,
}

/// A subscription, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// The company; `None` until ordered.
    pub company: Option<CompanyId>,
    /// The traveller's phone.
    pub phone: Option<PhoneNumber>,
    /// First name.
    pub first_name: Option<PersonName>,
    /// Last name.
    pub last_name: Option<PersonName>,
    /// Employee number.
    pub employee_number: Option<EmployeeNumber>,
    /// Extra field answers.
    pub extra_fields: BTreeMap<String, String>,
    /// Category.
    pub category: Option<TravellerCategory>,
    /// Start date as ordered.
    pub start_date: Option<NaiveDate>,
    /// When it was ordered.
    pub ordered_at: Option<DateTime<Utc>>,
    /// Who ordered it.
    pub ordered_by: Option<Actor>,
    /// Where the order stands.
    pub status: OrderStatus,
    /// The approval or rejection.
    pub decision: Option<Decision>,
    /// First valid day (approved subscriptions only).
    pub valid_from: Option<NaiveDate>,
    /// Zones over time, oldest first.
    pub zone_periods: Vec<ZonePeriod>,
    /// Last valid day, when cancelled.
    pub end_date: Option<NaiveDate>,
}

impl Subscription {
    /// Whether it has been ordered (the aggregate exists).
    pub fn exists(&self) -> bool {
        self.company.is_some()
    }

    /// Its status on `today`.
    pub fn status_on(&self, today: NaiveDate) -> TicketStatus {
        TicketStatus::on(today, self.status, self.valid_from, self.end_date)
    }

    /// Whether an approved subscription is past its last day on `today`.
    pub fn has_ended(&self, today: NaiveDate) -> bool {
        self.end_date.is_some_and(|end| end < today)
    }

    /// The zones in force on `date`'s latest period, or the latest zones overall.
    pub fn current_zones(&self) -> Option<&ZoneSelection> {
        self.zone_periods.last().map(|p| &p.zones)
    }

    /// The first and last day in `month` on which the ticket is valid: approved, on or after
    /// `valid_from`, on or before `end_date`. `None` when it is valid on no day of the month.
    pub fn valid_days_in(&self, month: Month) -> Option<(NaiveDate, NaiveDate)> {
        if self.status != OrderStatus::Approved {
            return None;
        }
        let first = month.first_day().max(self.valid_from?);
        let last = match self.end_date {
            Some(end) => month.last_day().min(end),
            None => month.last_day(),
        };
        (first <= last).then_some((first, last))
    }

    /// The zone selections valid on at least one day from `first` through `last`.
    pub fn zones_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = &ZoneSelection> {
        self.zone_periods
            .iter()
            .filter(move |p| p.from <= last && p.through.is_none_or(|through| through >= first))
            .map(|p| &p.zones)
    }

    /// Folds one event into the state.
    pub(super) fn evolve(&mut self, event: SubscriptionEvent) {
        match event {
            SubscriptionEvent::SubscriptionOrdered {
                company,
                phone,
                first_name,
                last_name,
                employee_number,
                extra_fields,
                zones,
                category,
                start_date,
                ordered_by,
                ordered_at,
                // The state needs no language; only the messages about the order do.
                language: _,
            } => {
                self.company = Some(company);
                self.phone = Some(phone);
                self.first_name = Some(first_name);
                self.last_name = Some(last_name);
                self.employee_number = employee_number;
                self.extra_fields = extra_fields;
                self.category = Some(category);
                self.start_date = Some(start_date);
                self.ordered_by = Some(ordered_by);
                self.ordered_at = Some(ordered_at);
                self.status = OrderStatus::Pending;
                self.zone_periods = vec![ZonePeriod {
                    zones,
                    from: start_date,
                    through: None,
                }];
            }
            SubscriptionEvent::SubscriptionApproved {
                decided_by,
                decided_at,
                valid_from,
            } => {
                self.status = OrderStatus::Approved;
                self.valid_from = Some(valid_from);
                self.decision = Some(Decision {
                    by: decided_by,
                    at: decided_at,
                    reason: None,
                });
            }
            SubscriptionEvent::SubscriptionRejected {
                reason,
                decided_by,
                decided_at,
            } => {
                self.status = OrderStatus::Rejected;
                self.decision = Some(Decision {
                    by: decided_by,
                    at: decided_at,
                    reason: Some(reason),
                });
            }
            SubscriptionEvent::ZonesChanged {
                zones,
                effective_from,
                previous_valid_through,
                ..
            } => {
                self.zone_periods
                    .retain(|p| p.from <= previous_valid_through);
                for period in &mut self.zone_periods {
                    period.through = Some(
                        period
                            .through
                            .map_or(previous_valid_through, |t| t.min(previous_valid_through)),
                    );
                }
                self.zone_periods.push(ZonePeriod {
                    zones,
                    from: effective_from,
                    through: None,
                });
            }
            SubscriptionEvent::SubscriptionCancelled { end_date, .. } => {
                self.end_date = Some(end_date)
            }
            SubscriptionEvent::CancellationWithdrawn { .. } => self.end_date = None,
            SubscriptionEvent::OrderWithdrawn { .. } => self.status = OrderStatus::Withdrawn,
        }
    }
}
