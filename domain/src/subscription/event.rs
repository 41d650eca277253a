//! Facts about a subscription. Stored forever: change a shape only with a new version and an
//! upcaster (see `crate::upcasting`).

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::OrderDetails;
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
