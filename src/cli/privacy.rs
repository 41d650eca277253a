//! `bedrift privacy retention`: applies the retention rules now, as `serve` does once a day
//! (see `bedrift_api::retention`), and prints what it removed. Safe beside running replicas.
//! `bedrift privacy export`: everything held about one person (`bedrift_api::personal_data`).

use std::path::Path;

use anyhow::Context;
use bedrift_api::ApiSettings;
use bedrift_api::{personal_data, retention};
use bedrift_domain::clock::Clock;
use bedrift_domain::clock::SystemClock;
use bedrift_domain::values::{EmailAddress, PhoneNumber};
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
    println!(
        "erased: the text of {} outbox messages finished before {}",
        done.outbox_texts,
        done.outbox_before.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}

/// Prints (or writes to `output`) the document about `phone` or `email` (exactly one).
pub async fn export(
    settings: &DatabaseSettings,
    phone: Option<&str>,
    email: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let phone = phone
        .map(|p| PhoneNumber::parse(p).map_err(|e| anyhow::anyhow!("--phone: {e}")))
        .transpose()?;
    let email = email
        .map(|e| EmailAddress::parse(e).map_err(|e| anyhow::anyhow!("--email: {e}")))
        .transpose()?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        let now = SystemClock.now();
        let document = match (&phone, &email) {
            (Some(phone), None) => personal_data::for_phone(database.pool(), phone, now).await?,
            (None, Some(email)) => personal_data::for_email(database.pool(), email, now).await?,
            _ => anyhow::bail!("give exactly one of --phone and --email"),
        };
        Ok::<_, anyhow::Error>(serde_json::to_string_pretty(&document)?)
    }
    .await;
    database.close().await?;
    let text = outcome?;
    match output {
        Some(path) => {
            std::fs::write(path, format!("{text}\n"))
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("written to {}", path.display());
        }
        None => println!("{text}"),
    }
    Ok(())
}
