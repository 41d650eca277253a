//! Commands on a subscription.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::company::{OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{
    AccountId, BoundedText, CompanyId, EmployeeNumber, Language, PersonName, PhoneNumber,
    TravellerCategory, ZoneSelection,
};

/// The order as typed on the order form or in the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDetails {
    /// The company that pays.
    pub company: CompanyId,
    /// The traveller's mobile number.
    pub phone: PhoneNumber,
    /// First name as on ID.
    pub first_name: PersonName,
    /// Last name as on ID.
    pub last_name: PersonName,
    /// Employee number, when the form asks for it.
    pub employee_number: Option<EmployeeNumber>,
    /// Answers to the company's extra fields, by label.
    pub extra_fields: BTreeMap<String, String>,
    /// Zones.
    pub zones: ZoneSelection,
    /// Traveller category; never changes (R9).
    pub category: TravellerCategory,
    /// The language the order was made in; the messages about it are written in it.
    pub language: Language,
}

/// Another subscription of the same phone at the same company, as R5 needs to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherSubscription {
    /// Pending or approved (rejected and withdrawn ones are not listed).
    pub live: bool,
    /// Its last day, if it has one.
    pub end_date: Option<NaiveDate>,
}

/// What the company says about an employee's order, read from the `Company` aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyTerms {
    /// The ordering policy in force now (R6).
    pub policy: OrderingPolicy,
    /// The order form in force now.
    pub form: OrderForm,
}

/// When a zone change takes effect (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
        /// The same phone's other subscriptions at the company (R5).
        others: Vec<OtherSubscription>,
    },
    /// An administrator creates an approved subscription starting on a date they choose (R2).
    Create {
        /// The order.
        details: OrderDetails,
        /// First day; today up to 12 months ahead. `None`: first of next month.
        start_date: Option<NaiveDate>,
        /// The same phone's other subscriptions at the company (R5).
        others: Vec<OtherSubscription>,
        /// The administrator.
        by: AccountId,
    },
    /// An administrator approves a pending order (R7).
    Approve {
        /// Who decides.
        by: Actor,
    },
    /// An administrator rejects a pending order with a reason (R7).
    Reject {
        /// Why; 1-500 characters.
        reason: BoundedText,
        /// Who decides.
        by: Actor,
    },
    /// Change the zones of an approved subscription that has not ended (R8).
    ChangeZones {
        /// The new zones.
        zones: ZoneSelection,
        /// From when.
        from: ZoneChangeFrom,
        /// Who changes them.
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
    /// Undo a cancellation before its end date (R11).
    Resume {
        /// Who resumes.
        by: Actor,
    },
    /// The employee withdraws a pending order (R10).
    WithdrawOrder {
        /// Who withdraws.
        by: Actor,
    },
}
