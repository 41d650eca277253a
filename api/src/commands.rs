//! Running commands from the API: each in a task of its own, so that a client hanging up
//! cannot cancel a write midway (sqlx 0.8 is not cancel-safe inside `begin()`). A command
//! answers with the aggregate as it left it (the write side), never waiting for a read model;
//! the caller's session remembers the log position it wrote (`Caller::execute`), and that
//! session's later queries wait, bounded, until the read models have passed it (R19, see
//! `graphql::consistency`).
//!
//! Each command is counted as `bedrift_commands_total{aggregate, command, outcome}` (outcome
//! `ok` or the refusal's API code) and timed, without the wait, as
//! `bedrift_command_duration_seconds{aggregate, command}`.

use std::sync::Arc;
use std::time::Instant;

use bedrift_domain::clock::Clock;
use bedrift_domain::company::{Company, CompanyCommand, CompanyServices};
use bedrift_domain::metadata::Metadata;
use bedrift_domain::subscription::{Subscription, SubscriptionCommand, SubscriptionServices};
use bedrift_domain::tariff::{Tariff, TariffCommand, TariffServices};
use bedrift_domain::upcasting::upcasters;
use bedrift_projections::{wait_for_position, LogPosition, ProjectionError};
use bedrift_store::claims::ClaimRefusal;
use bedrift_store::{CommandExecutor, Start};
use cqrs_es::Aggregate;
use sqlx::PgPool;
use tracing::Instrument;

use crate::graphql::ApiError;
use crate::AppState;

/// The executors of every aggregate.
#[derive(Debug)]
pub struct Commands {
    /// Subscriptions.
    pub subscriptions: CommandExecutor<Subscription>,
    /// Companies.
    pub companies: CommandExecutor<Company>,
    /// The tariff.
    pub tariff: CommandExecutor<Tariff>,
}

impl Commands {
    /// Executors over `pool`, deciding with `clock`.
    pub fn new(pool: PgPool, clock: Arc<dyn Clock>) -> Self {
        Self {
            subscriptions: CommandExecutor::new(
                pool.clone(),
                SubscriptionServices {
                    clock: clock.clone(),
                },
                upcasters(),
            ),
            companies: CommandExecutor::new(
                pool.clone(),
                CompanyServices {
                    clock: clock.clone(),
                },
                upcasters(),
            ),
            tariff: CommandExecutor::new(pool, TariffServices { clock }, upcasters()),
        }
    }
}

/// An aggregate the API runs commands on and loads: one of [`Commands`]' executors, whose
/// commands travel to a task of their own and whose refusals are [`ApiError`]s.
pub trait Executable:
    Aggregate<Command: Clone + Send + 'static, Error: Into<ApiError> + Send + 'static>
    + ClaimRefusal
    + Clone
    + Pick<Self>
{
}

impl<A> Executable for A where
    A: Aggregate<Command: Clone + Send + 'static, Error: Into<ApiError> + Send + 'static>
        + ClaimRefusal
        + Clone
        + Pick<A>
{
}

/// Picks one executor out of [`Commands`].
pub trait Pick<A: Aggregate + ClaimRefusal + Clone>: Send + 'static {
    /// The executor.
    fn pick(commands: &Commands) -> &CommandExecutor<A>;

    /// The command's name, as its metrics label.
    fn command_name(command: &A::Command) -> &'static str;
}

impl Pick<Subscription> for Subscription {
    fn pick(commands: &Commands) -> &CommandExecutor<Subscription> {
        &commands.subscriptions
    }

    fn command_name(command: &SubscriptionCommand) -> &'static str {
        match command {
            SubscriptionCommand::Order { .. } => "order",
            SubscriptionCommand::Create { .. } => "create",
            SubscriptionCommand::Approve { .. } => "approve",
            SubscriptionCommand::Reject { .. } => "reject",
            SubscriptionCommand::ChangeZones { .. } => "change_zones",
            SubscriptionCommand::ChangeCategory { .. } => "change_category",
            SubscriptionCommand::Cancel { .. } => "cancel",
            SubscriptionCommand::Resume { .. } => "resume",
            SubscriptionCommand::WithdrawOrder { .. } => "withdraw_order",
            SubscriptionCommand::UpdateEmployeeDetails { .. } => "update_employee_details",
            SubscriptionCommand::ErasePersonalData { .. } => "erase_personal_data",
            SubscriptionCommand::RestrictProcessing { .. } => "restrict_processing",
        }
    }
}

impl Pick<Company> for Company {
    fn pick(commands: &Commands) -> &CommandExecutor<Company> {
        &commands.companies
    }

    fn command_name(command: &CompanyCommand) -> &'static str {
        match command {
            CompanyCommand::Register { .. } => "register",
            CompanyCommand::InviteAdministrator { .. } => "invite_administrator",
            CompanyCommand::RemoveAdministrator { .. } => "remove_administrator",
            CompanyCommand::SetOrderNotice { .. } => "set_order_notice",
            CompanyCommand::SetOrderingPolicy { .. } => "set_ordering_policy",
            CompanyCommand::RotateOrderLink { .. } => "rotate_order_link",
            CompanyCommand::ConfigureOrderForm { .. } => "configure_order_form",
            CompanyCommand::SetEmployerContribution { .. } => "set_employer_contribution",
            CompanyCommand::SetPayrollSettings { .. } => "set_payroll_settings",
            CompanyCommand::UpdateDetails { .. } => "update_details",
            CompanyCommand::Deactivate { .. } => "deactivate",
        }
    }
}

impl Pick<Tariff> for Tariff {
    fn pick(commands: &Commands) -> &CommandExecutor<Tariff> {
        &commands.tariff
    }

    fn command_name(command: &TariffCommand) -> &'static str {
        match command {
            TariffCommand::Publish { .. } => "publish",
            TariffCommand::Install { .. } => "install",
        }
    }
}

/// Counts and times one executed command.
fn record_command(aggregate: &'static str, command: &'static str, outcome: &str, started: Instant) {
    metrics::counter!("bedrift_commands_total", "aggregate" => aggregate, "command" => command, "outcome" => outcome.to_owned())
        .increment(1);
    metrics::histogram!("bedrift_command_duration_seconds", "aggregate" => aggregate, "command" => command)
        .record(started.elapsed());
}

/// Whether the read models had passed a position when a bounded wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projected {
    /// They had: what they show includes the position.
    Passed,
    /// The bound ran out first: they may not show it yet.
    MaybeStale,
}

impl AppState {
    /// Runs `command` on aggregate `id` in its own task and returns the aggregate as the
    /// command left it. Refusals come back as their API codes. Never waits for a read model.
    pub async fn execute<A: Executable>(
        &self,
        id: String,
        command: A::Command,
        metadata: Metadata,
    ) -> Result<A, ApiError> {
        self.execute_from(Start::Stored, id, command, metadata)
            .await
    }

    /// Like [`AppState::execute`], deciding the first attempt on `start`: [`Start::New`] for
    /// an id just made, which skips reading its (empty) history.
    pub async fn execute_from<A: Executable>(
        &self,
        start: Start,
        id: String,
        command: A::Command,
        metadata: Metadata,
    ) -> Result<A, ApiError> {
        let state = self.clone();
        let name = A::command_name(&command);
        let task = tokio::spawn(
            async move {
                let executor = A::pick(&state.commands);
                let started = Instant::now();
                let executed = executor.execute_from(start, &id, command, &metadata).await;
                let executed = executed.map_err(ApiError::from);
                let outcome = executed.as_ref().map_or_else(ApiError::code, |_| "ok");
                record_command(A::TYPE, name, outcome, started);
                executed
            }
            // The request's span (and so its correlation id) goes along into the task.
            .instrument(tracing::Span::current()),
        );
        task.await.map_err(|e| ApiError::internal(&e))?
    }

    /// Aggregate `id` as its events fold it now: the write side, for authorisation that must
    /// not lag behind the read models.
    pub async fn load<A: Executable>(&self, id: String) -> Result<A, ApiError> {
        Ok(A::pick(&self.commands).load(&id).await?)
    }

    /// Waits, at most `read_your_writes_timeout`, until the read models have passed
    /// `position`. Running out of time is no error: the answer says `MaybeStale`.
    pub async fn wait_for(&self, position: LogPosition) -> Result<Projected, ApiError> {
        let mut local = self.projected.clone();
        let waited = wait_for_position(
            &self.pool,
            local.as_mut(),
            position,
            self.settings.read_your_writes_timeout,
        )
        .await;
        match waited {
            Ok(()) => Ok(Projected::Passed),
            Err(ProjectionError::Timeout(_)) => Ok(Projected::MaybeStale),
            Err(e) => Err(e.into()),
        }
    }
}
