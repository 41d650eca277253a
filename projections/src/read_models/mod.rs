//! The read models: typed tables, each folded from the event log by its own projection with
//! its own checkpoint. No projection reads another's tables.

pub mod approval_queue;
pub mod billing;
pub mod companies;
pub mod tariff;
pub mod tickets;

use std::fmt;

use sqlx::PgConnection;

use uuid::Uuid;

use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// Most rows written by one statement.
pub(crate) const WRITE_CHUNK: usize = 5_000;

/// A read model's rows held in memory while events are folded into them. The projector loads,
/// folds and flushes once per batch; a rebuild keeps folding across batches and flushes when
/// memory fills, so most rows are written once.
pub(crate) trait Rows: Default + Send {
    /// Loads from the tables the rows that `events` need and that are not in memory yet.
    async fn load(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError>;
    /// Folds `events` into the rows in memory.
    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError>;
    /// Writes the rows in memory to the tables and forgets them.
    async fn flush(&mut self, conn: &mut PgConnection, suffix: &str)
        -> Result<(), ProjectionError>;
    /// How many rows are in memory.
    fn len(&self) -> usize;
}

/// The distinct aggregate ids of the events `wanted` picks, that `known` does not have.
pub(crate) fn missing_ids(
    events: &[Envelope],
    wanted: impl Fn(&AnyEvent) -> bool,
    known: impl Fn(&Uuid) -> bool,
) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = events
        .iter()
        .filter(|e| wanted(&e.event) && !known(&e.aggregate_id))
        .map(|e| e.aggregate_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The in-memory rows of one read model.
#[derive(Debug)]
pub enum ModelRows {
    /// Of [`ReadModel::Companies`].
    Companies(companies::Companies),
    /// Of [`ReadModel::ApprovalQueue`].
    ApprovalQueue(approval_queue::ApprovalQueue),
    /// Of [`ReadModel::Tickets`].
    Tickets(tickets::Tickets),
    /// Of [`ReadModel::Billing`].
    Billing(billing::Billing),
    /// Of [`ReadModel::Tariff`].
    Tariff(tariff::Tariff),
}

macro_rules! each {
    ($rows:expr, $inner:ident => $body:expr) => {
        match $rows {
            ModelRows::Companies($inner) => $body,
            ModelRows::ApprovalQueue($inner) => $body,
            ModelRows::Tickets($inner) => $body,
            ModelRows::Billing($inner) => $body,
            ModelRows::Tariff($inner) => $body,
        }
    };
}

impl ModelRows {
    /// See [`Rows::load`].
    pub async fn load(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        each!(self, rows => rows.load(conn, suffix, events).await)
    }

    /// See [`Rows::fold`].
    pub fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        each!(self, rows => rows.fold(events))
    }

    /// See [`Rows::flush`].
    pub async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        each!(self, rows => rows.flush(conn, suffix).await)
    }

    /// See [`Rows::len`].
    pub fn len(&self) -> usize {
        each!(self, rows => rows.len())
    }

    /// Whether no rows are in memory.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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

    /// Empty rows of this model, to fold into.
    pub fn rows(self) -> ModelRows {
        match self {
            Self::Companies => ModelRows::Companies(Default::default()),
            Self::ApprovalQueue => ModelRows::ApprovalQueue(Default::default()),
            Self::Tickets => ModelRows::Tickets(Default::default()),
            Self::Billing => ModelRows::Billing(Default::default()),
            Self::Tariff => ModelRows::Tariff(Default::default()),
        }
    }

    /// Folds `events` into this read model's tables, each named with `suffix` appended (empty
    /// for the live tables; a rebuild uses scratch tables): loads the rows they touch, folds,
    /// writes them back.
    pub async fn apply(
        self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        let mut rows = self.rows();
        rows.load(conn, suffix, events).await?;
        rows.fold(events)?;
        rows.flush(conn, suffix).await
    }
}

impl fmt::Display for ReadModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
