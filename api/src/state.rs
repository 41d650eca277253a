//! The application state handed to every handler: one `Clone` struct with the pool, the clock,
//! the command executors, the projector's position (for session consistency) and the settings.

use std::sync::Arc;

use bedrift_domain::clock::Clock;
use bedrift_projections::queries::BillingStates;
use bedrift_projections::{LogPosition, ProjectorRole};
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use tokio::sync::watch;

use crate::commands::Commands;
use crate::graphql::queue_watch::QueueWatchers;
use crate::settings::ApiSettings;

/// Shared by all requests; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The one database pool.
    pub pool: PgPool,
    /// "Now" and "today" (R1); tests hand in a `FixedClock`.
    pub clock: Arc<dyn Clock>,
    /// The executors of the aggregates' commands.
    pub commands: Arc<Commands>,
    /// The position of this process's projector, when one runs here; without it
    /// read-your-writes polls the checkpoints.
    pub projected: Option<watch::Receiver<LogPosition>>,
    /// The role of this process's projector (holding the lock or standing by), when one runs
    /// here: what `/readyz` reports.
    pub projector_role: Option<watch::Receiver<ProjectorRole>>,
    /// Typed settings.
    pub settings: Arc<ApiSettings>,
    /// What `/metrics` renders, when this process records metrics.
    pub metrics: Option<PrometheusHandle>,
    /// The approval-queue watchers of this process's websocket subscriptions, one per company.
    pub queue_watchers: Arc<QueueWatchers>,
    /// The billing states the payroll and invoice bases read last, so that the next call reads
    /// only what changed.
    pub billing_states: Arc<BillingStates>,
}

impl AppState {
    /// State over `pool` with `clock` and `settings`, without a local projector.
    pub fn new(pool: PgPool, clock: Arc<dyn Clock>, settings: ApiSettings) -> Self {
        Self {
            commands: Arc::new(Commands::new(pool.clone(), clock.clone())),
            pool,
            clock,
            projected: None,
            projector_role: None,
            settings: Arc::new(settings),
            metrics: None,
            queue_watchers: Arc::default(),
            billing_states: Arc::default(),
        }
    }

    /// The same state, serving `/metrics` from `handle` (see
    /// [`crate::observability::install_recorder`]).
    pub fn with_metrics(mut self, handle: PrometheusHandle) -> Self {
        self.metrics = Some(handle);
        self
    }

    /// The same state, waiting on this process's projector for read-your-writes.
    pub fn with_projector(mut self, position: watch::Receiver<LogPosition>) -> Self {
        self.projected = Some(position);
        self
    }

    /// The same state, reporting this process's projector's role on `/readyz`.
    pub fn with_projector_role(mut self, role: watch::Receiver<ProjectorRole>) -> Self {
        self.projector_role = Some(role);
        self
    }
}
