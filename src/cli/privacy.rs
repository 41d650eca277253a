//! `bedrift privacy retention`: applies the retention rules now, as `serve` does once a day
//! (see `bedrift_api::retention`), and prints what it removed. Safe beside running replicas.

use bedrift_api::retention;
use bedrift_api::ApiSettings;
use bedrift_domain::clock::SystemClock;
use bedrift_store::{connect, DatabaseSettings};

/// Migrates quietly, applies the rules and prints what went.
pub async fn retention(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let api = ApiSettings::from_env().map_err(anyhow::Error::msg)?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        Ok::<_, anyhow::Error>(
            retention::apply(database.pool(), &SystemClock, api.outbox_retention).await?,
        )
    }
    .await;
    database.close().await?;
    let done = outcome?;
    let auth = done.auth;
    println!(
        "deleted: {} sessions and {} one-time tokens ended over {} days ago, {} expired SMS codes, {} idle rate-limit rows",
        auth.sessions,
        auth.tokens,
        bedrift_api::auth::KEEP_ENDED_FOR.num_days(),
        auth.codes,
        auth.rate_limits
    );
    let before = done.outbox_before.map_or_else(String::new, |at| {
        format!(" (finished before {})", at.format("%Y-%m-%d %H:%M UTC"))
    });
    println!(
        "erased: the text of {} outbox messages{before}",
        done.outbox_texts
    );
    Ok(())
}
