//! The rules added to a running subscription after its order: a holder's zone change under the
//! company's policy (R8: a request in the approval queue, at once, or refused), an
//! administrator's decision on such a request, and corrections of the employee's details (R18).

use chrono::{DateTime, Utc};

use super::decide::{check_details, problem};
use super::{
    EmployeeDetails, OrderedSubscription, StateProblem, SubscriptionError, SubscriptionEvent,
    ZoneChangeFrom,
};
use crate::clock::oslo_date;
use crate::company::{OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{BoundedText, ZoneSelection};

type Decided = Result<Vec<SubscriptionEvent>, SubscriptionError>;

impl OrderedSubscription {
    /// R8: an administrator's or operator's change applies at once; the holder's follows the
    /// company's policy: refused under `CLOSED`, a request under `APPROVAL_REQUIRED`, at once
    /// under `AUTOMATIC_APPROVAL`.
    pub(super) fn change_zones_as(
        &self,
        zones: ZoneSelection,
        from: ZoneChangeFrom,
        by: Actor,
        policy: OrderingPolicy,
        now: DateTime<Utc>,
    ) -> Decided {
        if !matches!(by, Actor::Employee { .. }) {
            return self.change_zones(zones, from, by, now);
        }
        match policy {
            OrderingPolicy::Closed => {
                // The state rules first: a holder of an ended ticket learns that, not the policy.
                self.running(oslo_date(now))?;
                Err(SubscriptionError::ZoneChangesClosed)
            }
            OrderingPolicy::AutomaticApproval => self.change_zones(zones, from, by, now),
            OrderingPolicy::ApprovalRequired => self.request_zone_change(zones, from, by, now),
        }
    }

    /// R8 under `APPROVAL_REQUIRED`: the holder's change waits for an administrator. It must
    /// be one that could be applied now; asking for the zones the ticket has, with no other
    /// request pending, changes nothing.
    fn request_zone_change(
        &self,
        zones: ZoneSelection,
        from: ZoneChangeFrom,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Decided {
        let applied = self.change_zones(zones.clone(), from, by.clone(), now)?;
        let pending = self.zone_change_request();
        if applied.is_empty() && pending.is_none() {
            return Ok(Vec::new());
        }
        if pending.is_some_and(|p| p.zones == zones && p.from == from) {
            return Ok(Vec::new());
        }
        Ok(vec![SubscriptionEvent::ZoneChangeRequested {
            zones,
            from,
            requested_by: by,
            requested_at: now,
        }])
    }

    /// R8: an administrator approves the holder's request; it applies from the approval's
    /// day: the first of the month after it, or that day.
    pub(super) fn approve_zone_change(&self, by: Actor, now: DateTime<Utc>) -> Decided {
        let request = self
            .zone_change_request()
            .ok_or(problem(StateProblem::NotPending))?;
        let mut events = vec![SubscriptionEvent::ZoneChangeApproved {
            decided_by: by,
            decided_at: now,
        }];
        events.extend(self.change_zones(
            request.zones.clone(),
            request.from,
            request.by.clone(),
            now,
        )?);
        Ok(events)
    }

    /// R8: an administrator rejects the holder's request with a reason; the zones stay.
    pub(super) fn reject_zone_change(
        &self,
        reason: BoundedText,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Decided {
        self.zone_change_request()
            .ok_or(problem(StateProblem::NotPending))?;
        Ok(vec![SubscriptionEvent::ZoneChangeRejected {
            reason,
            decided_by: by,
            decided_at: now,
        }])
    }

    /// R18: an administrator or operator corrects the employee's details at any time, checked
    /// against the company's form as an order is; a correction that changes nothing is no
    /// event. Employees cannot (their order is what they typed).
    pub(super) fn update_details(
        &self,
        details: EmployeeDetails,
        form: &OrderForm,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Decided {
        if matches!(by, Actor::Employee { .. }) {
            return Err(SubscriptionError::DetailsByAdministratorsOnly);
        }
        let details = check_details(details, form)?;
        if details == self.details.employee_details() {
            return Ok(Vec::new());
        }
        Ok(vec![SubscriptionEvent::EmployeeDetailsUpdated {
            details,
            updated_by: by,
            updated_at: now,
        }])
    }
}
