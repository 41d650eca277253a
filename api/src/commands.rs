//! Running commands from the API: each in a task of its own, so that a client hanging up
//! cannot cancel a write midway (sqlx 0.8 is not cancel-safe inside `begin()`), followed by
//! read-your-writes: the task waits, bounded, until the read models have passed the
//! aggregate's newest event, so the response shows the change.
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
use bedrift_projections::{wait_for_position, LogPosition};
use bedrift_store::{head_position, CommandExecutor, StoreError};
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

/// Picks one executor out of [`Commands`].
pub trait Pick<A: Aggregate>: Send + 'static {
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
            CompanyCommand::SetOrderingPolicy { .. } => "set_ordering_policy",
            CompanyCommand::RotateOrderLink { .. } => "rotate_order_link",
            CompanyCommand::ConfigureOrderForm { .. } => "configure_order_form",
            CompanyCommand::SetEmployerContribution { .. } => "set_employer_contribution",
            CompanyCommand::SetPayrollSettings { .. } => "set_payroll_settings",
            CompanyCommand::UpdateDetails { .. } => "update_details",
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

impl AppState {
    /// Runs `command` on aggregate `id` in its own task, then waits until the read models show
    /// it. Refusals come back as their API codes.
    pub async fn execute<A>(
        &self,
        id: String,
        command: A::Command,
        metadata: Metadata,
    ) -> Result<(), ApiError>
    where
        A: Aggregate + Pick<A>,
        A::Command: Clone + Send + 'static,
        A::Error: Into<ApiError> + Send,
        ApiError: From<StoreError<A::Error>>,
    {
        let state = self.clone();
        let name = A::command_name(&command);
        let task = tokio::spawn(
            async move {
                let executor = A::pick(&state.commands);
                let started = Instant::now();
                let executed = executor.execute(&id, command, &metadata).await;
                let executed = executed.map_err(ApiError::from);
                let outcome = executed.as_ref().map_or_else(ApiError::code, |()| "ok");
                record_command(A::TYPE, name, outcome, started);
                executed?;
                let position = executor
                    .last_position(&id)
                    .await
                    .map_err(StoreError::widen::<A::Error>)?;
                if let Some(position) = position {
                    state.wait_for(position).await?;
                }
                Ok::<(), ApiError>(())
            }
            // The request's span (and so its correlation id) goes along into the task.
            .instrument(tracing::Span::current()),
        );
        task.await.map_err(|e| ApiError::internal(&e))?
    }

    /// Waits, bounded, until the read models have passed `position`.
    pub async fn wait_for(&self, position: LogPosition) -> Result<(), ApiError> {
        let mut local = self.projected.clone();
        wait_for_position(
            &self.pool,
            local.as_mut(),
            position,
            self.settings.read_your_writes_timeout,
        )
        .await?;
        Ok(())
    }

    /// Waits until the read models have passed every event committed so far.
    pub async fn wait_for_head(&self) -> Result<(), ApiError> {
        match head_position(&self.pool).await {
            Ok(Some(position)) => self.wait_for(position).await,
            Ok(None) => Ok(()),
            Err(e) => Err(ApiError::internal(&e)),
        }
    }
}
