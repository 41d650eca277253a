//! The read models: typed tables, each folded from the event log by its own projection with
//! its own checkpoint. No projection reads another's tables.

pub mod approval_queue;
pub mod billing;
pub mod companies;
pub mod tariff;
pub mod tickets;

use std::fmt;

use sqlx::PgConnection;

use crate::event::Envelope;
use crate::ProjectionError;

/// A read model: its name (the checkpoint key), its tables, and how a batch of events is
/// folded into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadModel {
    /// `companies`, `company_administrators`.
    Companies,
    /// `approval_queue`.
    ApprovalQueue,
    /// `tickets`.
    Tickets,
    /// `billing_subscriptions`, `billing_contributions`.
    Billing,
    /// `tariff_versions`.
    Tariff,
}

impl ReadModel {
    /// Every read model, in the order a batch is applied.
    pub const ALL: [Self; 5] = [
        Self::Companies,
        Self::ApprovalQueue,
        Self::Tickets,
        Self::Billing,
        Self::Tariff,
    ];

    /// The stable name, used as the checkpoint key and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Companies => "companies",
            Self::ApprovalQueue => "approval_queue",
            Self::Tickets => "tickets",
            Self::Billing => "billing",
            Self::Tariff => "tariff",
        }
    }

    /// The tables it owns, and the column(s) that order their rows for comparisons.
    pub fn tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Companies => &[
                ("companies", "company_id"),
                ("company_administrators", "company_id, account_id"),
            ],
            Self::ApprovalQueue => &[("approval_queue", "subscription_id")],
            Self::Tickets => &[("tickets", "subscription_id")],
            Self::Billing => &[
                ("billing_subscriptions", "subscription_id"),
                ("billing_contributions", "company_id, position"),
            ],
            Self::Tariff => &[("tariff_versions", "valid_from")],
        }
    }

    /// Finds a read model by name.
    pub fn by_name(name: &str) -> Result<Self, ProjectionError> {
        Self::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                let known: Vec<_> = Self::ALL.iter().map(|m| m.name()).collect();
                ProjectionError::UnknownReadModel(name.to_owned(), known.join(", "))
            })
    }

    /// Folds `events` into this read model's tables, each named with `suffix` appended (empty
    /// for the live tables; a rebuild uses scratch tables).
    pub async fn apply(
        self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        match self {
            Self::Companies => companies::apply(conn, suffix, events).await,
            Self::ApprovalQueue => {
                approval_queue::apply(conn, &format!("approval_queue{suffix}"), events).await
            }
            Self::Tickets => tickets::apply(conn, &format!("tickets{suffix}"), events).await,
            Self::Billing => billing::apply(conn, suffix, events).await,
            Self::Tariff => tariff::apply(conn, &format!("tariff_versions{suffix}"), events).await,
        }
    }
}

impl fmt::Display for ReadModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
