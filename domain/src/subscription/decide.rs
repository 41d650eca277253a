//! The rules: what a command on a subscription may do, as events.

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::{
    CancelAt, OrderDetails, OrderStatus, OtherSubscription, StateProblem, Subscription,
    SubscriptionCommand, SubscriptionError, SubscriptionEvent, ZoneChangeFrom,
};
use crate::clock::oslo_date;
use crate::company::{FieldRequirement, OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{FormInput, FormProblem, InvalidValue, Month};

/// R5: another subscription blocks a new one starting on `start` while it is pending or
/// approved and does not end before `start`.
pub fn blocks_new_subscription(other: &OtherSubscription, start: NaiveDate) -> bool {
    other.live && other.end_date.is_none_or(|end| end >= start)
}

/// R2: an employee's order starts on the first day of next month.
pub fn employee_start_date(today: NaiveDate) -> NaiveDate {
    Month::of(today).next().first_day()
}

impl Subscription {
    /// Decides what `command` does at `now`: the events to append, or why it is refused.
    /// Pure; the aggregate's `handle` calls it with the clock's time.
    pub fn decide(
        &self,
        command: SubscriptionCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<SubscriptionEvent>, SubscriptionError> {
        let today = oslo_date(now);
        match command {
            SubscriptionCommand::Order {
                details,
                terms,
                others,
            } => {
                self.must_not_exist()?;
                if terms.policy == OrderingPolicy::Closed {
                    return Err(SubscriptionError::OrderingClosed);
                }
                let start_date = employee_start_date(today);
                let details = apply_form(details, &terms.form)?;
                check_one_live_subscription(&others, start_date)?;
                let by = Actor::Employee {
                    phone: details.phone.clone(),
                    company: details.company,
                };
                let mut events = vec![ordered(details, start_date, by, now)];
                if terms.policy == OrderingPolicy::AutomaticApproval {
                    events.push(SubscriptionEvent::SubscriptionApproved {
                        decided_by: Actor::System,
                        decided_at: now,
                        valid_from: start_date.max(today),
                    });
                }
                Ok(events)
            }
            SubscriptionCommand::Create {
                details,
                start_date,
                others,
                by,
            } => {
                self.must_not_exist()?;
                let start_date = start_date.unwrap_or_else(|| employee_start_date(today));
                let latest = today.checked_add_months(Months::new(12)).unwrap_or(today);
                if start_date < today || start_date > latest {
                    return Err(SubscriptionError::StartDateOutOfRange);
                }
                check_one_live_subscription(&others, start_date)?;
                let by = Actor::Administrator { account: by };
                Ok(vec![
                    ordered(details, start_date, by.clone(), now),
                    SubscriptionEvent::SubscriptionApproved {
                        decided_by: by,
                        decided_at: now,
                        valid_from: start_date,
                    },
                ])
            }
            SubscriptionCommand::Approve { by } => {
                let start_date = self.pending()?;
                Ok(vec![SubscriptionEvent::SubscriptionApproved {
                    decided_by: by,
                    decided_at: now,
                    valid_from: start_date.max(today),
                }])
            }
            SubscriptionCommand::Reject { reason, by } => {
                self.pending()?;
                Ok(vec![SubscriptionEvent::SubscriptionRejected {
                    reason,
                    decided_by: by,
                    decided_at: now,
                }])
            }
            SubscriptionCommand::WithdrawOrder { by } => {
                self.pending()?;
                Ok(vec![SubscriptionEvent::OrderWithdrawn {
                    withdrawn_by: by,
                    withdrawn_at: now,
                }])
            }
            SubscriptionCommand::ChangeZones { zones, from, by } => {
                let valid_from = self.running(today)?;
                if self.current_zones() == Some(&zones) {
                    return Ok(Vec::new());
                }
                let (effective_from, previous_valid_through) = match from {
                    ZoneChangeFrom::NextMonth => {
                        let first = employee_start_date(today).max(valid_from);
                        (first, first.pred_opt().expect("not the first day of time"))
                    }
                    ZoneChangeFrom::Immediately if today >= valid_from => (today, today),
                    ZoneChangeFrom::Immediately => (
                        valid_from,
                        valid_from.pred_opt().expect("not the first day of time"),
                    ),
                };
                if let Some(end) = self.end_date.filter(|end| *end < effective_from) {
                    return Err(SubscriptionError::InvalidState(
                        StateProblem::EndsBeforeChange(end),
                    ));
                }
                Ok(vec![SubscriptionEvent::ZonesChanged {
                    zones,
                    effective_from,
                    previous_valid_through,
                    changed_by: by,
                    changed_at: now,
                }])
            }
            SubscriptionCommand::ChangeCategory { .. } => {
                self.must_exist()?;
                Err(SubscriptionError::CategoryChangeRequiresNewSubscription)
            }
            SubscriptionCommand::Cancel { at, by } => {
                self.running(today)?;
                let end_date = match (at, &by) {
                    (CancelAt::Immediately, Actor::Employee { .. }) => {
                        return Err(SubscriptionError::InvalidState(
                            StateProblem::EmployeeCannotCancelImmediately,
                        ))
                    }
                    (CancelAt::Immediately, _) => today,
                    (CancelAt::EndOfMonth, _) => Month::of(today).last_day(),
                };
                if let Some(end) = self.end_date.filter(|end| *end <= end_date) {
                    return Err(SubscriptionError::InvalidState(
                        StateProblem::AlreadyCancelled(end),
                    ));
                }
                Ok(vec![SubscriptionEvent::SubscriptionCancelled {
                    end_date,
                    cancelled_by: by,
                    cancelled_at: now,
                }])
            }
            SubscriptionCommand::Resume { by } => {
                self.running(today)?;
                if self.end_date.is_none() {
                    return Err(SubscriptionError::InvalidState(StateProblem::NotCancelled));
                }
                Ok(vec![SubscriptionEvent::CancellationWithdrawn {
                    withdrawn_by: by,
                    withdrawn_at: now,
                }])
            }
        }
    }

    fn must_exist(&self) -> Result<(), SubscriptionError> {
        if self.exists() {
            Ok(())
        } else {
            Err(SubscriptionError::NotFound)
        }
    }

    fn must_not_exist(&self) -> Result<(), SubscriptionError> {
        if self.exists() {
            Err(SubscriptionError::AlreadyExists)
        } else {
            Ok(())
        }
    }

    /// A pending order's start date; R7 and R10's withdrawal need one.
    fn pending(&self) -> Result<NaiveDate, SubscriptionError> {
        self.must_exist()?;
        match (self.status, self.start_date) {
            (OrderStatus::Pending, Some(start)) => Ok(start),
            _ => Err(SubscriptionError::InvalidState(StateProblem::NotPending)),
        }
    }

    /// An approved subscription that has not ended on `today`: its first valid day.
    fn running(&self, today: NaiveDate) -> Result<NaiveDate, SubscriptionError> {
        self.must_exist()?;
        let valid_from = match (self.status, self.valid_from) {
            (OrderStatus::Approved, Some(valid_from)) => valid_from,
            _ => return Err(SubscriptionError::InvalidState(StateProblem::NotApproved)),
        };
        if let Some(end) = self.end_date.filter(|end| *end < today) {
            return Err(SubscriptionError::InvalidState(StateProblem::Ended(end)));
        }
        Ok(valid_from)
    }
}

fn check_one_live_subscription(
    others: &[OtherSubscription],
    start: NaiveDate,
) -> Result<(), SubscriptionError> {
    if others
        .iter()
        .any(|other| blocks_new_subscription(other, start))
    {
        return Err(SubscriptionError::AlreadySubscribed);
    }
    Ok(())
}

/// Checks an employee's order against the company's form: required answers, known fields, the
/// employee number as the form asks.
fn apply_form(
    mut details: OrderDetails,
    form: &OrderForm,
) -> Result<OrderDetails, SubscriptionError> {
    details.extra_fields = form.check_answers(&details.extra_fields)?;
    match form.employee_number {
        FieldRequirement::Required if details.employee_number.is_none() => {
            return Err(InvalidValue::Form {
                input: FormInput::EmployeeNumber,
                problem: FormProblem::Missing,
            }
            .into())
        }
        FieldRequirement::Hidden => details.employee_number = None,
        _ => {}
    }
    Ok(details)
}

fn ordered(
    details: OrderDetails,
    start_date: NaiveDate,
    by: Actor,
    now: DateTime<Utc>,
) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionOrdered {
        company: details.company,
        phone: details.phone,
        first_name: details.first_name,
        last_name: details.last_name,
        employee_number: details.employee_number,
        extra_fields: details.extra_fields,
        zones: details.zones,
        category: details.category,
        start_date,
        ordered_by: by,
        ordered_at: now,
        language: details.language,
    }
}
