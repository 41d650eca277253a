//! Where a subscription stands: the order's status as decided (stored in read models as its
//! code) and the ticket's status on a given day (derived, never stored).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
