//! How long a subscription's personal data is kept, and its erasure (GDPR art. 5(1)(e) and 17).
//!
//! What keeps it:
//! - **Live:** a pending order or a ticket that has not ended needs the holder's data.
//! - **The accounts:** a subscription that was valid on at least one day was charged through
//!   payroll; the payroll and invoice bases it is part of are accounting records, kept for five
//!   years after the end of the financial year (bokføringsloven § 13, first paragraph), and the
//!   holder's name is on them. The financial year is the calendar year (§ 6, the default).
//! - **Nothing else:** a rejected or withdrawn order, or a ticket cancelled before its first
//!   day, was never charged. It may be erased at once on request, and retention erases it
//!   after a short period (kept that long so the company can answer questions about it).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{OrderState, OrderedSubscription, StateProblem, SubscriptionError, SubscriptionEvent};
use crate::metadata::Actor;

/// How long personal data outlives its use. The defaults follow the law (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRules {
    /// Days a never-charged order's data is kept after it was decided (rejected, withdrawn, or
    /// cancelled before its first day), before retention erases it.
    pub unused_order_days: u32,
    /// Whole financial (calendar) years a charged subscription's data is kept after the year
    /// of its last charged month.
    pub accounting_years: u32,
    /// Days an administrator's data is kept after they were removed from their last company.
    pub removed_administrator_days: u32,
}

impl Default for RetentionRules {
    fn default() -> Self {
        Self {
            unused_order_days: 30,
            accounting_years: 5,
            removed_administrator_days: 30,
        }
    }
}

/// What keeps a subscription's personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// A pending order, or a ticket without an end date or ending today or later.
    Live,
    /// Never charged; no longer needed since this day (its decision or its end).
    Unused {
        /// The day it stopped being live.
        since: NaiveDate,
    },
    /// Charged; the accounts keep it through this day (31 December of the last year).
    Accounts {
        /// The last day it must be kept.
        through: NaiveDate,
    },
}

impl Duty {
    /// Whether retention erases it on `today` (never-charged orders after
    /// `unused_order_days`, charged ones after the accounts' period).
    pub fn expired(self, today: NaiveDate, rules: &RetentionRules) -> bool {
        match self {
            Self::Live => false,
            Self::Unused { since } => {
                today >= since + chrono::Days::new(u64::from(rules.unused_order_days))
            }
            Self::Accounts { through } => today > through,
        }
    }
}

impl OrderedSubscription {
    /// What keeps this subscription's personal data on `today`.
    pub fn duty(&self, today: NaiveDate, rules: &RetentionRules) -> Duty {
        let day = |at: DateTime<Utc>| crate::clock::oslo_date(at);
        match &self.order {
            OrderState::Pending => Duty::Live,
            OrderState::Rejected { decision, .. } => Duty::Unused {
                since: day(decision.at),
            },
            OrderState::Withdrawn { at, .. } => Duty::Unused { since: day(*at) },
            OrderState::Approved(approval) => match &approval.cancellation {
                None => Duty::Live,
                // Ends before its first valid day: never valid, never charged.
                Some(cancellation) if cancellation.end_date < approval.valid_from => Duty::Unused {
                    since: day(cancellation.at),
                },
                Some(cancellation) if cancellation.end_date >= today => Duty::Live,
                Some(cancellation) => {
                    let last_year = cancellation.end_date.year() + rules.accounting_years as i32;
                    Duty::Accounts {
                        through: NaiveDate::from_ymd_opt(last_year, 12, 31)
                            .unwrap_or(NaiveDate::MAX),
                    }
                }
            },
        }
    }

    /// Erases the holder's data when nothing keeps it; an erasure already recorded is left
    /// alone, and data that reads erased without one (its key deleted again after a restore)
    /// gets its record.
    pub(super) fn erase_personal_data(
        &self,
        by: Actor,
        rules: &RetentionRules,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<SubscriptionEvent>, SubscriptionError> {
        let erased = vec![SubscriptionEvent::PersonalDataErased {
            erased_by: by,
            erased_at: now,
        }];
        if self.erasure_recorded {
            return Ok(vec![]);
        }
        if self.details.phone.is_erased() {
            return Ok(erased);
        }
        match self.duty(today, rules) {
            Duty::Live => Err(SubscriptionError::InvalidState(
                StateProblem::ErasureWhileLive,
            )),
            Duty::Accounts { through } if today <= through => Err(SubscriptionError::InvalidState(
                StateProblem::KeptForAccounts(through),
            )),
            Duty::Unused { .. } | Duty::Accounts { .. } => Ok(erased),
        }
    }

    /// Restricts it to the accounts' use while they keep it; nothing otherwise.
    pub(super) fn restrict_processing(
        &self,
        by: Actor,
        rules: &RetentionRules,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Vec<SubscriptionEvent> {
        match self.duty(today, rules) {
            Duty::Accounts { through } if today <= through && !self.restricted => {
                vec![SubscriptionEvent::ProcessingRestricted {
                    restricted_by: by,
                    restricted_at: now,
                    kept_through: through,
                }]
            }
            _ => vec![],
        }
    }

    /// The state once the holder's data is erased: what the log reads as without the key.
    pub(super) fn erase(&mut self) {
        self.details.erase();
        self.ordered_by.erase();
        match &mut self.order {
            OrderState::Pending => {}
            OrderState::Approved(approval) => {
                approval.decision.by.erase();
                if let Some(cancellation) = &mut approval.cancellation {
                    cancellation.by.erase();
                }
                if let Some(request) = &mut approval.zone_change_request {
                    request.by.erase();
                }
            }
            OrderState::Rejected { decision, .. } => decision.by.erase(),
            OrderState::Withdrawn { by, .. } => by.erase(),
        }
    }
}
