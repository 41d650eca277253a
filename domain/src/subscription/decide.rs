//! The rules: what a command on a subscription may do, as events. `decide` dispatches each
//! command to one function; the functions on an ordered subscription cannot be reached before
//! the order (`NotFound`).
//!
//! R5 (one live subscription per phone and company) is a rule over many subscriptions and is
//! kept where the events are appended, in the same transaction (the `subscription_claims`
//! exclusion constraint); a violation comes back as `AlreadySubscribed`.

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::{
    CancelAt, CompanyTerms, EmployeeDetails, OrderDetails, OrderState, OrderedSubscription,
    StateProblem, Subscription, SubscriptionCommand, SubscriptionError, SubscriptionEvent,
    ZoneChangeFrom,
};
use crate::clock::oslo_date;
use crate::company::{FieldRequirement, OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{
    AccountId, BoundedText, FormInput, FormProblem, InvalidValue, Month, ZoneSelection,
};

/// R2: an employee's order starts on the first day of next month.
pub fn employee_start_date(today: NaiveDate) -> NaiveDate {
    Month::of(today).next().first_day()
}

type Decided = Result<Vec<SubscriptionEvent>, SubscriptionError>;

impl Subscription {
    /// Decides what `command` does at `now`: the events to append, or why it is refused.
    /// Pure; the aggregate's `handle` calls it with the clock's time.
    pub fn decide(&self, command: SubscriptionCommand, now: DateTime<Utc>) -> Decided {
        use SubscriptionCommand as C;
        let today = oslo_date(now);
        match command {
            C::Order { details, terms } => self.order(details, &terms, now),
            C::Create {
                details,
                form,
                start_date,
                by,
            } => self.create(details, &form, start_date, by, now),
            C::Approve { by } => {
                let ordered = self.existing()?;
                match ordered.order {
                    OrderState::Approved(_) if ordered.zone_change_request().is_some() => {
                        ordered.approve_zone_change(by, now)
                    }
                    _ => ordered.approve(by, now),
                }
            }
            C::Reject { reason, by } => {
                let ordered = self.existing()?;
                match ordered.order {
                    OrderState::Approved(_) if ordered.zone_change_request().is_some() => {
                        ordered.reject_zone_change(reason, by, now)
                    }
                    _ => ordered.reject(reason, by, now),
                }
            }
            C::WithdrawOrder { by } => self.existing()?.withdraw_order(by, now),
            C::ChangeZones {
                zones,
                from,
                by,
                policy,
            } => self
                .existing()?
                .change_zones_as(zones, from, by, policy, now),
            C::UpdateEmployeeDetails { details, form, by } => {
                self.existing()?.update_details(details, &form, by, now)
            }
            C::ChangeCategory { .. } => {
                self.existing()?;
                Err(SubscriptionError::CategoryChangeRequiresNewSubscription)
            }
            C::Cancel { at, by } => self.existing()?.cancel(at, by, today, now),
            C::Resume { by } => self.existing()?.resume(by, today, now),
            C::RestrictProcessing { by, rules } => {
                Ok(self.existing()?.restrict_processing(by, &rules, today, now))
            }
            C::ErasePersonalData { by, rules } => {
                self.existing()?.erase_personal_data(by, &rules, today, now)
            }
        }
    }

    /// R2, R6 and the company's form: an employee's order, approved at once under
    /// `AUTOMATIC_APPROVAL`.
    fn order(&self, details: OrderDetails, terms: &CompanyTerms, now: DateTime<Utc>) -> Decided {
        self.must_not_exist()?;
        if terms.policy == OrderingPolicy::Closed {
            return Err(SubscriptionError::OrderingClosed);
        }
        let today = oslo_date(now);
        let start_date = employee_start_date(today);
        let details = apply_form(details, &terms.form)?;
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

    /// R2 and the company's form: an administrator's subscription, approved at once, from today
    /// up to 12 months ahead.
    fn create(
        &self,
        details: OrderDetails,
        form: &OrderForm,
        start_date: Option<NaiveDate>,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Decided {
        self.must_not_exist()?;
        let today = oslo_date(now);
        let start_date = start_date.unwrap_or_else(|| employee_start_date(today));
        let latest = today.checked_add_months(Months::new(12)).unwrap_or(today);
        if start_date < today || start_date > latest {
            return Err(SubscriptionError::StartDateOutOfRange);
        }
        let details = apply_form(details, form)?;
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

    fn existing(&self) -> Result<&OrderedSubscription, SubscriptionError> {
        self.ordered().ok_or(SubscriptionError::NotFound)
    }

    fn must_not_exist(&self) -> Result<(), SubscriptionError> {
        match self {
            Self::NotOrdered => Ok(()),
            Self::Ordered(_) => Err(SubscriptionError::AlreadyExists),
        }
    }
}

impl OrderedSubscription {
    /// R7: approve a pending order; valid from its start date, or today when that is later.
    fn approve(&self, by: Actor, now: DateTime<Utc>) -> Decided {
        self.pending()?;
        Ok(vec![SubscriptionEvent::SubscriptionApproved {
            decided_by: by,
            decided_at: now,
            valid_from: self.start_date.max(oslo_date(now)),
        }])
    }

    /// R7: reject a pending order with a reason.
    fn reject(&self, reason: BoundedText, by: Actor, now: DateTime<Utc>) -> Decided {
        self.pending()?;
        Ok(vec![SubscriptionEvent::SubscriptionRejected {
            reason,
            decided_by: by,
            decided_at: now,
        }])
    }

    /// R10: the employee withdraws a pending order.
    fn withdraw_order(&self, by: Actor, now: DateTime<Utc>) -> Decided {
        self.pending()?;
        Ok(vec![SubscriptionEvent::OrderWithdrawn {
            withdrawn_by: by,
            withdrawn_at: now,
        }])
    }

    /// R8: new zones from the first of next month, or from today; never into the past.
    pub(super) fn change_zones(
        &self,
        zones: ZoneSelection,
        from: ZoneChangeFrom,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Decided {
        let today = oslo_date(now);
        let valid_from = self.running(today)?;
        if *self.current_zones() == zones {
            return Ok(Vec::new());
        }
        let day_before = |day: NaiveDate| day.pred_opt().expect("not the first day of time");
        let (effective_from, previous_valid_through) = match from {
            ZoneChangeFrom::NextMonth => {
                let first = employee_start_date(today).max(valid_from);
                (first, day_before(first))
            }
            ZoneChangeFrom::Immediately if today >= valid_from => (today, today),
            ZoneChangeFrom::Immediately => (valid_from, day_before(valid_from)),
        };
        if let Some(end) = self.end_date().filter(|end| *end < effective_from) {
            return Err(problem(StateProblem::EndsBeforeChange(end)));
        }
        Ok(vec![SubscriptionEvent::ZonesChanged {
            zones,
            effective_from,
            previous_valid_through,
            changed_by: by,
            changed_at: now,
        }])
    }

    /// R10: employees cancel at the end of the month, administrators also today, operators
    /// ending a company's agreement on a day of their choice (never in the past); a
    /// cancellation never moves the end later.
    fn cancel(&self, at: CancelAt, by: Actor, today: NaiveDate, now: DateTime<Utc>) -> Decided {
        self.running(today)?;
        let end_date = match (at, &by) {
            (CancelAt::Immediately, Actor::Employee { .. }) => {
                return Err(problem(StateProblem::EmployeeCannotCancelImmediately))
            }
            (CancelAt::Immediately, _) => today,
            (CancelAt::EndOfMonth, _) => Month::of(today).last_day(),
            (CancelAt::On(_), Actor::Employee { .. }) => {
                return Err(problem(StateProblem::EmployeeCannotCancelImmediately))
            }
            (CancelAt::On(day), _) if day < today => return Err(SubscriptionError::EndDateInPast),
            (CancelAt::On(day), _) => day,
        };
        if let Some(end) = self.end_date().filter(|end| *end <= end_date) {
            return Err(problem(StateProblem::AlreadyCancelled(end)));
        }
        Ok(vec![SubscriptionEvent::SubscriptionCancelled {
            end_date,
            cancelled_by: by,
            cancelled_at: now,
        }])
    }

    /// R11: a cancellation is undone strictly before its end date; an employee undoes only
    /// their own, an administrator's (employment ended) only an administrator or operator.
    fn resume(&self, by: Actor, today: NaiveDate, now: DateTime<Utc>) -> Decided {
        self.running(today)?;
        let cancellation = self
            .approval()
            .and_then(|a| a.cancellation.as_ref())
            .ok_or(problem(StateProblem::NotCancelled))?;
        if today >= cancellation.end_date {
            return Err(problem(StateProblem::TooLateToResume(
                cancellation.end_date,
            )));
        }
        let employee = |actor: &Actor| matches!(actor, Actor::Employee { .. });
        if employee(&by) && !employee(&cancellation.by) {
            return Err(SubscriptionError::CancelledByAdministrator);
        }
        Ok(vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_by: by,
            withdrawn_at: now,
        }])
    }

    /// A pending order; R7 and R10's withdrawal need one.
    fn pending(&self) -> Result<(), SubscriptionError> {
        match self.order {
            OrderState::Pending => Ok(()),
            _ => Err(problem(StateProblem::NotPending)),
        }
    }

    /// An approved subscription that has not ended on `today`: its first valid day.
    pub(super) fn running(&self, today: NaiveDate) -> Result<NaiveDate, SubscriptionError> {
        let approval = self.approval().ok_or(problem(StateProblem::NotApproved))?;
        if let Some(end) = self.end_date().filter(|end| *end < today) {
            return Err(problem(StateProblem::Ended(end)));
        }
        Ok(approval.valid_from)
    }
}

pub(super) fn problem(problem: StateProblem) -> SubscriptionError {
    SubscriptionError::InvalidState(problem)
}

/// Checks an employee's order against the company's form: required answers, known fields, the
/// employee number as the form asks.
fn apply_form(
    mut details: OrderDetails,
    form: &OrderForm,
) -> Result<OrderDetails, SubscriptionError> {
    let checked = check_details(details.employee_details(), form)?;
    details.correct(checked);
    Ok(details)
}

/// The employee's details checked against the company's form, at ordering and at every
/// correction (R18): every required answer given, no unknown field, answers trimmed and at most
/// 200 characters, the employee number required, optional or left out as the form says.
pub(super) fn check_details(
    mut details: EmployeeDetails,
    form: &OrderForm,
) -> Result<EmployeeDetails, SubscriptionError> {
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
        details,
        start_date,
        ordered_by: by,
        ordered_at: now,
    }
}
