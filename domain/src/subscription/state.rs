//! A subscription's state, folded from its events. "Not yet ordered" is the outer case, so an
//! ordered subscription always has its company, phone, names and category; where the order
//! stands is an enum, so an approval's first valid day or a rejection's reason cannot be
//! missing or present in the wrong state.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{OrderDetails, OrderStatus, SubscriptionEvent, TicketStatus, ZoneChangeFrom};
use crate::metadata::Actor;
use crate::values::{BoundedText, Month, ZoneSelection};

/// A subscription, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Subscription {
    /// No event yet: only `Order` and `Create` apply.
    #[default]
    NotOrdered,
    /// Ordered by an employee or created by an administrator.
    Ordered(Box<OrderedSubscription>),
}

/// A subscription that exists: the order and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderedSubscription {
    /// The order as placed; the zones in it are the first zone period's.
    pub details: OrderDetails,
    /// Start date as ordered.
    pub start_date: NaiveDate,
    /// Who ordered it.
    pub ordered_by: Actor,
    /// When it was ordered.
    pub ordered_at: DateTime<Utc>,
    /// Where the order stands.
    pub order: OrderState,
    /// Zones over time, oldest first; never empty (the first is the ordered zones).
    pub zone_periods: Vec<ZonePeriod>,
    /// Whether `PersonalDataErased` is recorded. The data may read erased without it: when
    /// the key was deleted again after restoring a backup older than the erasure.
    #[serde(default)]
    pub erasure_recorded: bool,
    /// Whether its holder asked for erasure while the accounts keep it: used for the accounts
    /// only, left out of lists and searches (GDPR art. 18).
    #[serde(default)]
    pub restricted: bool,
}

/// Where an order stands, with what each state needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OrderState {
    /// Waiting for an administrator (R7).
    Pending,
    /// Approved: a ticket.
    Approved(Approval),
    /// Rejected by an administrator, with the reason the employee receives (R7).
    Rejected {
        /// Who rejected, when.
        decision: Decision,
        /// Why.
        reason: BoundedText,
    },
    /// Withdrawn by the employee before a decision (R10).
    Withdrawn {
        /// Who withdrew it.
        by: Actor,
        /// When.
        at: DateTime<Utc>,
    },
}

/// An administrator's (or the automatic) decision on an order (R7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Who decided.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// An approved order: the ticket's first valid day and its cancellation, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// Who approved, when.
    pub decision: Decision,
    /// First valid day: the start date, or the approval day when that is later.
    pub valid_from: NaiveDate,
    /// The cancellation in force, until it is withdrawn (R11).
    pub cancellation: Option<Cancellation>,
    /// The holder's zone change waiting for an administrator (R8), until it is decided or an
    /// administrator changes the zones. Absent in states stored before requests existed.
    #[serde(default)]
    pub zone_change_request: Option<ZoneChangeRequest>,
}

/// A holder's zone change waiting in the approval queue (R8, under `APPROVAL_REQUIRED`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneChangeRequest {
    /// The zones asked for.
    pub zones: ZoneSelection,
    /// From when, counted from the day it is approved.
    pub from: ZoneChangeFrom,
    /// Who asked.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A cancellation (R10): the last valid day and who asked for it, since R11 lets only an
/// administrator undo an administrator's cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    /// Last valid day (inclusive).
    pub end_date: NaiveDate,
    /// Who cancelled.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
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

impl Subscription {
    /// Whether it has been ordered (the aggregate exists).
    pub fn exists(&self) -> bool {
        matches!(self, Self::Ordered(_))
    }

    /// The ordered subscription, `None` before the order.
    pub fn ordered(&self) -> Option<&OrderedSubscription> {
        match self {
            Self::NotOrdered => None,
            Self::Ordered(ordered) => Some(ordered),
        }
    }

    /// Folds one event into the state. Only `SubscriptionOrdered` applies to a subscription
    /// that was never ordered; the rules refuse every other command on it (`NotFound`), so no
    /// other event can follow nothing in the log.
    pub(super) fn evolve(&mut self, event: SubscriptionEvent) {
        match (self, event) {
            (
                this @ Self::NotOrdered,
                SubscriptionEvent::SubscriptionOrdered {
                    details,
                    start_date,
                    ordered_by,
                    ordered_at,
                },
            ) => {
                let first = ZonePeriod {
                    zones: details.zones.clone(),
                    from: start_date,
                    through: None,
                };
                *this = Self::Ordered(Box::new(OrderedSubscription {
                    details,
                    start_date,
                    ordered_by,
                    ordered_at,
                    order: OrderState::Pending,
                    zone_periods: vec![first],
                    erasure_recorded: false,
                    restricted: false,
                }));
            }
            (Self::Ordered(ordered), event) => ordered.evolve(event),
            (Self::NotOrdered, _) => {}
        }
    }
}

impl OrderedSubscription {
    /// The order's status by its decision alone.
    pub fn status(&self) -> OrderStatus {
        match self.order {
            OrderState::Pending => OrderStatus::Pending,
            OrderState::Approved(_) => OrderStatus::Approved,
            OrderState::Rejected { .. } => OrderStatus::Rejected,
            OrderState::Withdrawn { .. } => OrderStatus::Withdrawn,
        }
    }

    /// The approval, when approved.
    pub fn approval(&self) -> Option<&Approval> {
        match &self.order {
            OrderState::Approved(approval) => Some(approval),
            _ => None,
        }
    }

    /// First valid day, when approved.
    pub fn valid_from(&self) -> Option<NaiveDate> {
        self.approval().map(|a| a.valid_from)
    }

    /// Last valid day, when approved and cancelled.
    pub fn end_date(&self) -> Option<NaiveDate> {
        self.approval()
            .and_then(|a| a.cancellation.as_ref())
            .map(|c| c.end_date)
    }

    /// The approval or rejection.
    pub fn decision(&self) -> Option<&Decision> {
        match &self.order {
            OrderState::Approved(approval) => Some(&approval.decision),
            OrderState::Rejected { decision, .. } => Some(decision),
            OrderState::Pending | OrderState::Withdrawn { .. } => None,
        }
    }

    /// The holder's zone change waiting for an administrator, if any (R8).
    pub fn zone_change_request(&self) -> Option<&ZoneChangeRequest> {
        self.approval().and_then(|a| a.zone_change_request.as_ref())
    }

    /// Why it was rejected.
    pub fn rejection_reason(&self) -> Option<&BoundedText> {
        match &self.order {
            OrderState::Rejected { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Its status on `today`.
    pub fn status_on(&self, today: NaiveDate) -> TicketStatus {
        TicketStatus::on(today, self.status(), self.valid_from(), self.end_date())
    }

    /// The latest zones.
    pub fn current_zones(&self) -> &ZoneSelection {
        self.zone_periods
            .last()
            .map_or(&self.details.zones, |p| &p.zones)
    }

    /// The first day of the latest zones.
    pub fn current_zones_from(&self) -> NaiveDate {
        self.zone_periods.last().map_or(self.start_date, |p| p.from)
    }

    /// The first and last day in `month` on which the ticket is valid: approved, on or after
    /// its first valid day, on or before its end date. `None` when valid on no day of it.
    pub fn valid_days_in(&self, month: Month) -> Option<(NaiveDate, NaiveDate)> {
        let first = month.first_day().max(self.valid_from()?);
        let last = match self.end_date() {
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

    fn evolve(&mut self, event: SubscriptionEvent) {
        match event {
            // A second order of one aggregate is refused (`AlreadyExists`), never stored.
            SubscriptionEvent::SubscriptionOrdered { .. } => {}
            SubscriptionEvent::SubscriptionApproved {
                decided_by,
                decided_at,
                valid_from,
            } => {
                self.order = OrderState::Approved(Approval {
                    decision: Decision {
                        by: decided_by,
                        at: decided_at,
                    },
                    valid_from,
                    cancellation: None,
                    zone_change_request: None,
                });
            }
            SubscriptionEvent::SubscriptionRejected {
                reason,
                decided_by,
                decided_at,
            } => {
                self.order = OrderState::Rejected {
                    decision: Decision {
                        by: decided_by,
                        at: decided_at,
                    },
                    reason,
                };
            }
            SubscriptionEvent::ZonesChanged {
                zones,
                effective_from,
                previous_valid_through,
                ..
            } => {
                if let OrderState::Approved(approval) = &mut self.order {
                    // Applied, or superseded by an administrator's own change.
                    approval.zone_change_request = None;
                }
                let through = previous_valid_through;
                self.zone_periods.retain(|p| p.from <= through);
                for period in &mut self.zone_periods {
                    period.through = Some(period.through.map_or(through, |t| t.min(through)));
                }
                self.zone_periods.push(ZonePeriod {
                    zones,
                    from: effective_from,
                    through: None,
                });
            }
            SubscriptionEvent::SubscriptionCancelled {
                end_date,
                cancelled_by,
                cancelled_at,
            } => {
                if let OrderState::Approved(approval) = &mut self.order {
                    approval.cancellation = Some(Cancellation {
                        end_date,
                        by: cancelled_by,
                        at: cancelled_at,
                    });
                }
            }
            SubscriptionEvent::CancellationWithdrawn { .. } => {
                if let OrderState::Approved(approval) = &mut self.order {
                    approval.cancellation = None;
                }
            }
            SubscriptionEvent::OrderWithdrawn {
                withdrawn_by,
                withdrawn_at,
            } => {
                self.order = OrderState::Withdrawn {
                    by: withdrawn_by,
                    at: withdrawn_at,
                };
            }
            SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => {
                self.details.correct(details);
            }
            SubscriptionEvent::ZoneChangeRequested {
                zones,
                from,
                requested_by,
                requested_at,
            } => {
                if let OrderState::Approved(approval) = &mut self.order {
                    approval.zone_change_request = Some(ZoneChangeRequest {
                        zones,
                        from,
                        by: requested_by,
                        at: requested_at,
                    });
                }
            }
            SubscriptionEvent::ZoneChangeApproved { .. }
            | SubscriptionEvent::ZoneChangeRejected { .. } => {
                if let OrderState::Approved(approval) = &mut self.order {
                    approval.zone_change_request = None;
                }
            }
            SubscriptionEvent::PersonalDataErased { .. } => {
                self.erase();
                self.erasure_recorded = true;
            }
            SubscriptionEvent::ProcessingRestricted { .. } => self.restricted = true,
        }
    }
}
