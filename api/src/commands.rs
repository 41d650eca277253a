//! Running commands from the API: each in a task of its own, so that a client hanging up
//! cannot cancel a write midway (sqlx 0.8 is not cancel-safe inside `begin()`), followed by
//! read-your-writes: the task waits, bounded, until the read models have passed the
//! aggregate's newest event, so the response shows the change.

use std::sync::Arc;

use bedrift_domain::clock::Clock;
use bedrift_domain::company::{Company, CompanyServices};
use bedrift_domain::metadata::Metadata;
use bedrift_domain::subscription::{Subscription, SubscriptionServices};
use bedrift_domain::tariff::{Tariff, TariffServices};
use bedrift_domain::upcasting::upcasters;
use bedrift_projections::{wait_for_position, LogPosition};
use bedrift_store::{head_position, CommandExecutor, StoreError};
use cqrs_es::Aggregate;
use sqlx::PgPool;

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
}

impl Pick<Subscription> for Subscription {
    fn pick(commands: &Commands) -> &CommandExecutor<Subscription> {
        &commands.subscriptions
    }
}

impl Pick<Company> for Company {
    fn pick(commands: &Commands) -> &CommandExecutor<Company> {
        &commands.companies
    }
}

impl Pick<Tariff> for Tariff {
    fn pick(commands: &Commands) -> &CommandExecutor<Tariff> {
        &commands.tariff
    }
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
        let task = tokio::spawn(async move {
            let executor = A::pick(&state.commands);
            executor.execute(&id, command, &metadata).await?;
            let position = executor
                .last_position(&id)
                .await
                .map_err(StoreError::widen::<A::Error>)?;
            if let Some(position) = position {
                state.wait_for(position).await?;
            }
            Ok::<(), ApiError>(())
        });
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
