//! Commands on a subscription. R5 (one live subscription per phone and company) is not
//! decided here but where the events are appended: the `subscription_claims` table's
//! exclusion constraint, kept in the append's transaction (see the migration that creates it).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{EmployeeDetails, OrderDetails};
use crate::company::{OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{AccountId, BoundedText, TravellerCategory, ZoneSelection};

/// What the company says about an employee's order, read from the `Company` aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyTerms {
    /// The ordering policy in force now (R6).
    pub policy: OrderingPolicy,
    /// The order form in force now.
    pub form: OrderForm,
}

/// When a zone change takes effect (R8). Stored in a holder's request, so its form is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ZoneChangeFrom {
    /// From the first of next month.
    #[default]
    NextMonth,
    /// From today.
    Immediately,
}

/// When a cancellation ends the subscription (R10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CancelAt {
    /// On the last day of the current month.
    #[default]
    EndOfMonth,
    /// Today (administrators only, e.g. employment ended).
    Immediately,
    /// On this day, today or later (operators ending a company's agreement; never an
    /// employee).
    On(NaiveDate),
}

/// What can be done to a subscription. Authorisation (which company, which employee) happens
/// before a command is built; the rules here decide what the command may do.
#[derive(Debug, Clone)]
pub enum SubscriptionCommand {
    /// An employee orders through the order link; starts on the first of next month (R2).
    Order {
        /// The order.
        details: OrderDetails,
        /// The company's policy and form now.
        terms: CompanyTerms,
    },
    /// An administrator creates an approved subscription starting on a date they choose (R2).
    /// The answers are checked against the company's form as an employee's order is.
    Create {
        /// The order.
        details: OrderDetails,
        /// The company's order form now.
        form: OrderForm,
        /// First day; today up to 12 months ahead. `None`: first of next month.
        start_date: Option<NaiveDate>,
        /// The administrator.
        by: AccountId,
    },
    /// An administrator approves what the subscription waits for: its pending order (R7), or
    /// else the holder's pending zone change request (R8).
    Approve {
        /// Who decides.
        by: Actor,
    },
    /// An administrator rejects what the subscription waits for, with a reason: its pending
    /// order (R7), or else the holder's pending zone change request (R8).
    Reject {
        /// Why; 1-500 characters.
        reason: BoundedText,
        /// Who decides.
        by: Actor,
    },
    /// Change the zones of an approved subscription that has not ended (R8). An
    /// administrator's or operator's change applies at once; the holder's follows `policy`.
    ChangeZones {
        /// The new zones.
        zones: ZoneSelection,
        /// From when.
        from: ZoneChangeFrom,
        /// Who changes them.
        by: Actor,
        /// The company's ordering policy now, as it applies to its employees (R8): a request
        /// under `APPROVAL_REQUIRED`, at once under `AUTOMATIC_APPROVAL`, refused under `CLOSED`.
        policy: OrderingPolicy,
    },
    /// Correct the employee's details (R18), checked against the company's form as an order is.
    UpdateEmployeeDetails {
        /// The details from now on, whole.
        details: EmployeeDetails,
        /// The company's order form now.
        form: OrderForm,
        /// Who corrects them (an administrator or operator).
        by: Actor,
    },
    /// Change the traveller category: always refused (R9).
    ChangeCategory {
        /// The wanted category.
        category: TravellerCategory,
    },
    /// Cancel an approved subscription (R10). Employees always cancel at the end of the month.
    Cancel {
        /// When it ends.
        at: CancelAt,
        /// Who cancels.
        by: Actor,
    },
    /// Undo a cancellation strictly before its end date (R11); an administrator's cancellation
    /// only by an administrator or operator.
    Resume {
        /// Who resumes.
        by: Actor,
    },
    /// The employee withdraws a pending order (R10).
    WithdrawOrder {
        /// Who withdraws.
        by: Actor,
    },
    /// Restricts a subscription the accounts keep to the accounts' use, on its holder's
    /// request for erasure (GDPR art. 18); nothing to do for one that is live, erasable now,
    /// or restricted already.
    RestrictProcessing {
        /// An operator, or the service.
        by: Actor,
        /// The rules that say how long the books keep it.
        rules: super::RetentionRules,
    },
    /// Erases the holder's personal data from the subscription (GDPR art. 17), when no rule
    /// keeps it: never while it is live, not before the books' retention has run out once it
    /// was charged (see `super::erasure`).
    ErasePersonalData {
        /// An operator, or the service (retention).
        by: Actor,
        /// The rules that say how long the books keep a charged subscription.
        rules: super::RetentionRules,
    },
}
