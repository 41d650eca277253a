//! Facts about a subscription. Stored forever: change a shape only with a new version and an
//! upcaster (see `crate::upcasting`).

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{EmployeeDetails, OrderDetails, ZoneChangeFrom};
use crate::metadata::Actor;
use crate::values::{BoundedText, ZoneSelection};

/// The current version of `SubscriptionOrdered`; version 1 stored zones as a list of codes.
pub const ORDERED_VERSION: &str = "2";

/// Something that happened to a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubscriptionEvent {
    /// An employee ordered, or an administrator created, a subscription.
    SubscriptionOrdered {
        /// The order: company, traveller, zones, category. Flattened, so the stored JSON keeps
        /// the field names it had before the event carried one `OrderDetails` (version 2).
        #[serde(flatten)]
        details: OrderDetails,
        /// First day.
        start_date: NaiveDate,
        /// Who ordered.
        ordered_by: Actor,
        /// When.
        ordered_at: DateTime<Utc>,
    },
    /// The order was approved: by an administrator, or automatically.
    SubscriptionApproved {
        /// Who decided.
        decided_by: Actor,
        /// When.
        decided_at: DateTime<Utc>,
        /// The first day it is valid: its start date, or the approval day if that is later.
        valid_from: NaiveDate,
    },
    /// The order was rejected.
    SubscriptionRejected {
        /// Why.
        reason: BoundedText,
        /// Who decided.
        decided_by: Actor,
        /// When.
        decided_at: DateTime<Utc>,
    },
    /// The zones changed. The earlier zones stay valid through `previous_valid_through`, the new
    /// ones are valid from `effective_from` (the two overlap on the day of an immediate change).
    ZonesChanged {
        /// The new zones.
        zones: ZoneSelection,
        /// First day of the new zones.
        effective_from: NaiveDate,
        /// Last day of the earlier zones.
        previous_valid_through: NaiveDate,
        /// Who changed them.
        changed_by: Actor,
        /// When.
        changed_at: DateTime<Utc>,
    },
    /// The subscription was cancelled; it is valid through `end_date`.
    SubscriptionCancelled {
        /// The last day.
        end_date: NaiveDate,
        /// Who cancelled.
        cancelled_by: Actor,
        /// When.
        cancelled_at: DateTime<Utc>,
    },
    /// A cancellation was undone before its end date.
    CancellationWithdrawn {
        /// Who resumed.
        withdrawn_by: Actor,
        /// When.
        withdrawn_at: DateTime<Utc>,
    },
    /// The employee withdrew a pending order.
    OrderWithdrawn {
        /// Who withdrew.
        withdrawn_by: Actor,
        /// When.
        withdrawn_at: DateTime<Utc>,
    },
    /// An administrator (or operator) corrected the employee's details (R18): the names,
    /// employee number and form answers as they stand from now on. The earlier values stay in
    /// the earlier events.
    EmployeeDetailsUpdated {
        /// The details from now on, whole.
        #[serde(flatten)]
        details: EmployeeDetails,
        /// Who corrected them.
        updated_by: Actor,
        /// When.
        updated_at: DateTime<Utc>,
    },
    /// The holder asked for new zones while the company's policy is `APPROVAL_REQUIRED` (R8).
    /// The request waits in the approval queue; the ticket keeps its zones until it is
    /// approved. A later request replaces an earlier one.
    ZoneChangeRequested {
        /// The zones asked for.
        zones: ZoneSelection,
        /// From when, counted from the day of the approval.
        from: ZoneChangeFrom,
        /// Who asked.
        requested_by: Actor,
        /// When.
        requested_at: DateTime<Utc>,
    },
    /// An administrator approved the pending zone change request; the `ZonesChanged` that
    /// follows in the same command applies it (R8).
    ZoneChangeApproved {
        /// Who decided.
        decided_by: Actor,
        /// When.
        decided_at: DateTime<Utc>,
    },
    /// An administrator rejected the pending zone change request; the zones stay (R8).
    ZoneChangeRejected {
        /// Why; the holder is told.
        reason: BoundedText,
        /// Who decided.
        decided_by: Actor,
        /// When.
        decided_at: DateTime<Utc>,
    },
    /// The holder's personal data was erased (on their request, or when no rule kept it any
    /// longer): the subscription's data key is deleted with this event, so its earlier events
    /// read with the placeholder `[slettet]` where the phone, names, employee number and form
    /// answers stood. Carries no personal data itself.
    PersonalDataErased {
        /// Who erased it: an operator, or the service's retention.
        erased_by: Actor,
        /// When.
        erased_at: DateTime<Utc>,
    },
    /// The holder asked for erasure while the accounts must keep the subscription (GDPR art.
    /// 18): from now on it is used for the accounts only (the payroll and invoice bases) and
    /// left out of the company's lists and searches, until retention erases it after
    /// `kept_through`.
    ProcessingRestricted {
        /// Who restricted it: an operator, or the service on the holder's request.
        restricted_by: Actor,
        /// When.
        restricted_at: DateTime<Utc>,
        /// The last day the accounts keep it.
        kept_through: NaiveDate,
    },
}

impl DomainEvent for SubscriptionEvent {
    fn event_type(&self) -> String {
        let name = match self {
            Self::SubscriptionOrdered { .. } => "SubscriptionOrdered",
            Self::SubscriptionApproved { .. } => "SubscriptionApproved",
            Self::SubscriptionRejected { .. } => "SubscriptionRejected",
            Self::ZonesChanged { .. } => "ZonesChanged",
            Self::SubscriptionCancelled { .. } => "SubscriptionCancelled",
            Self::CancellationWithdrawn { .. } => "CancellationWithdrawn",
            Self::OrderWithdrawn { .. } => "OrderWithdrawn",
            Self::EmployeeDetailsUpdated { .. } => "EmployeeDetailsUpdated",
            Self::ZoneChangeRequested { .. } => "ZoneChangeRequested",
            Self::ZoneChangeApproved { .. } => "ZoneChangeApproved",
            Self::ZoneChangeRejected { .. } => "ZoneChangeRejected",
            Self::PersonalDataErased { .. } => "PersonalDataErased",
            Self::ProcessingRestricted { .. } => "ProcessingRestricted",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        match self {
            Self::SubscriptionOrdered { .. } => ORDERED_VERSION.to_owned(),
            _ => "1".to_owned(),
        }
    }
}
