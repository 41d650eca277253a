//! `bedrift dispatch`: only the outbox's dispatcher, until SIGINT or SIGTERM. Any number may
//! run beside `bedrift serve` (which runs one too): they share the work without sending a
//! message twice.

use bedrift_api::notifications::{DeliverySettings, Dispatcher};
use bedrift_store::{connect, DatabaseSettings};

use super::signal::shutdown_signal;

/// Migrates quietly, then delivers the outbox until told to stop.
pub async fn run(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let delivery = DeliverySettings::from_env()?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        Dispatcher::new(database.pool().clone(), delivery)?
            .run(shutdown_signal())
            .await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    database.close().await?;
    outcome
}
