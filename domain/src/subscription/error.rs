//! Why a subscription command was refused.

use chrono::NaiveDate;
use thiserror::Error;

use crate::values::InvalidValue;

/// A refused subscription command. Each maps to one API error code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubscriptionError {
    /// R6: the company does not take employee orders.
    #[error("the company does not take orders through the order link; ask your administrator")]
    OrderingClosed,
    /// R5: the phone already has a live subscription at the company.
    #[error("this phone number already has a subscription at the company that has not ended by the new start date")]
    AlreadySubscribed,
    /// R9: categories never change.
    #[error(
        "the traveller category cannot be changed: cancel this subscription and order a new one"
    )]
    CategoryChangeRequiresNewSubscription,
    /// R2: an administrator's start date out of range.
    #[error("the start date must be between today and 12 months ahead")]
    StartDateOutOfRange,
    /// An order or form answer that breaks the company's form.
    #[error("{0}")]
    Invalid(#[from] InvalidValue),
    /// A command on a subscription that does not exist, or `Order` on one that does.
    #[error("there is no such subscription")]
    NotFound,
    /// `Order`/`Create` on an existing subscription.
    #[error("the subscription already exists")]
    AlreadyExists,
    /// R11: the holder tries to undo a cancellation an administrator made.
    #[error("an administrator cancelled this subscription; only an administrator can undo it")]
    CancelledByAdministrator,
    /// R8: under `CLOSED` only administrators change zones; the holder asks them.
    #[error(
        "the company's policy lets only its administrators change zones; ask your administrator"
    )]
    ZoneChangesClosed,
    /// R18: the employee's details are corrected by administrators and operators only.
    #[error("only the company's administrators can correct the employee's details")]
    DetailsByAdministratorsOnly,
    /// R10: a cancellation never ends a ticket in the past.
    #[error("the end date cannot be in the past")]
    EndDateInPast,
    /// The command does not fit the subscription's state (R7, R8, R10, R11).
    #[error("{0}")]
    InvalidState(StateProblem),
}

/// Which state rule a command broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StateProblem {
    /// R7: only pending orders (or, R8, pending zone change requests) are decided; R10: only
    /// pending orders are withdrawn.
    #[error("only a pending order or zone change request can be approved or rejected, and only a pending order withdrawn")]
    NotPending,
    /// R8/R10: zone changes and cancellations need an approved subscription.
    #[error("only an approved subscription can be changed or cancelled")]
    NotApproved,
    /// R8/R10/R11: the subscription has ended.
    #[error("the subscription ended on {0}")]
    Ended(NaiveDate),
    /// R8: the subscription ends before the change would take effect.
    #[error("the subscription ends on {0}, before the change would take effect")]
    EndsBeforeChange(NaiveDate),
    /// R10: already cancelled to end on or before the asked date.
    #[error("the subscription is already cancelled and ends on {0}")]
    AlreadyCancelled(NaiveDate),
    /// R11: a cancellation is undone only before its end date.
    #[error("the cancellation takes effect on {0}; it can only be undone before that day")]
    TooLateToResume(NaiveDate),
    /// R11: nothing to resume.
    #[error("the subscription is not cancelled")]
    NotCancelled,
    /// R10: employees cancel at the end of the month only.
    #[error("an employee's cancellation takes effect at the end of the month")]
    EmployeeCannotCancelImmediately,
    /// GDPR art. 17 against the holder's own ticket: a live order or ticket needs its data.
    #[error("the order or ticket is still live: withdraw or cancel it before its holder's data can be erased")]
    ErasureWhileLive,
    /// Bokføringsloven § 13: a charged subscription's data is kept through this day.
    #[error("the subscription was charged, and the accounts keep its holder's data through {0}")]
    KeptForAccounts(NaiveDate),
}
