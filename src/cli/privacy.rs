//! `bedrift privacy retention`: applies the retention rules now, as `serve` does once a day
//! (see `bedrift_api::retention`), and prints what it removed. Safe beside running replicas.
//! `bedrift privacy export`: everything held about one person (`bedrift_api::personal_data`).
//! `bedrift privacy erase`: the right to erasure (`bedrift_api::erasure`); `bedrift privacy
//! erasures` prints the journal that `erase --replay` applies after a restore.

use std::path::Path;

use anyhow::Context;
use bedrift_api::commands::Commands;
use bedrift_api::ApiSettings;
use bedrift_api::{erasure, personal_data, retention};
use bedrift_domain::clock::Clock;
use bedrift_domain::clock::SystemClock;
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::RetentionRules;
use bedrift_domain::values::{EmailAddress, PhoneNumber};
use bedrift_store::{connect, DatabaseSettings};

/// Migrates quietly, applies the rules and prints what went.
pub async fn retention(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let api = ApiSettings::from_env().map_err(anyhow::Error::msg)?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        Ok::<_, anyhow::Error>((
            retention::apply(database.pool(), &SystemClock, api.outbox_retention).await?,
            retention::expire_personal_data(
                database.pool(),
                std::sync::Arc::new(SystemClock),
                api.retention_rules,
            )
            .await?,
        ))
    }
    .await;
    database.close().await?;
    let (done, expired) = outcome?;
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
    println!(
        "erased: the personal data of {} subscriptions past their retention ({} days after a never-charged order's decision, {} years after the year of a charged one's last month)",
        expired.subscriptions,
        api.retention_rules.unused_order_days,
        api.retention_rules.accounting_years
    );
    println!(
        "erased: {} administrators' accounts, {} days after their removal from their last company",
        expired.administrators, api.retention_rules.removed_administrator_days
    );
    Ok(())
}

/// Erases what no rule keeps of `phone`'s subscriptions and prints each one's outcome, or
/// applies a journal of erasures again.
pub async fn erase(
    settings: &DatabaseSettings,
    phone: Option<&str>,
    email: Option<&str>,
    replay: Option<&Path>,
) -> anyhow::Result<()> {
    let api = ApiSettings::from_env().map_err(anyhow::Error::msg)?;
    let journal = replay
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        })
        .transpose()?;
    let (phone, email) = person(phone, email)?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        let pool = database.pool();
        if let Some(journal) = &journal {
            let deleted = erasure::replay(pool, journal).await?;
            println!("deleted again: {deleted} data keys listed in the journal");
            return Ok(());
        }
        let clock = std::sync::Arc::new(SystemClock);
        let commands = bedrift_api::commands::Commands::new(pool.clone(), clock.clone());
        match (&phone, &email) {
            (_, Some(email)) => erase_administrator(pool, &commands, email).await?,
            (Some(phone), None) => {
                erase_employee(pool, &commands, &*clock, phone, api.retention_rules).await?
            }
            (None, None) => anyhow::bail!("give --phone, --email or --replay"),
        }
        Ok::<_, anyhow::Error>(())
    }
    .await;
    database.close().await?;
    outcome
}

/// Erases an administrator's data and says what became of it.
async fn erase_administrator(
    pool: &bedrift_store::PgPool,
    commands: &Commands,
    email: &EmailAddress,
) -> anyhow::Result<()> {
    let outcome =
        erasure::erase_account(pool, &commands.companies, email, erasure::Reason::Request).await?;
    let masked = bedrift_api::auth::mask(email.as_str());
    let what = match outcome {
        erasure::AccountOutcome::Erased => "erased".to_owned(),
        erasure::AccountOutcome::NoAccount => {
            "no account; messages to the address, if any, erased".to_owned()
        }
        erasure::AccountOutcome::Operator => {
            "an operator's account, kept while they are staff".to_owned()
        }
        erasure::AccountOutcome::KeptWhileAdministering(companies) => format!(
            "kept, still an administrator of {} (remove them there first)",
            companies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    println!("{masked}: {what}");
    Ok(())
}

/// Erases what no rule keeps of an employee's subscriptions and says, for each, what became
/// of it.
async fn erase_employee(
    pool: &bedrift_store::PgPool,
    commands: &Commands,
    clock: &dyn Clock,
    phone: &PhoneNumber,
    rules: RetentionRules,
) -> anyhow::Result<()> {
    let erased = erasure::erase_phone(
        pool,
        &commands.subscriptions,
        clock,
        phone,
        Actor::System,
        rules,
    )
    .await?;
    if erased.is_empty() {
        println!(
            "no subscription holds personal data of {}",
            bedrift_api::auth::mask(phone.as_str())
        );
    }
    for one in &erased {
        let what = match one.outcome {
            erasure::Outcome::Erased => "erased".to_owned(),
            erasure::Outcome::KeptWhileLive => {
                "kept: the order or ticket is live (withdraw or cancel it, then erase again)"
                    .to_owned()
            }
            erasure::Outcome::KeptForAccountsThrough(day) => format!(
                "kept for the accounts through {day} (bokføringsloven § 13); retention erases it after"
            ),
        };
        println!(
            "subscription {} (company {}): {what}",
            one.subscription_id, one.company_id
        );
    }
    Ok(())
}

/// Prints the journal of erased data keys: `aggregate_id subject erased_at reason` per line.
pub async fn erasures(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        Ok::<_, anyhow::Error>(erasure::journal(database.pool()).await?)
    }
    .await;
    database.close().await?;
    print!("{}", outcome?);
    Ok(())
}

/// Prints (or writes to `output`) the document about `phone` or `email` (exactly one).
pub async fn export(
    settings: &DatabaseSettings,
    phone: Option<&str>,
    email: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let (phone, email) = person(phone, email)?;
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

/// The `--phone` and `--email` arguments, parsed; a bad one names itself.
fn person(
    phone: Option<&str>,
    email: Option<&str>,
) -> anyhow::Result<(Option<PhoneNumber>, Option<EmailAddress>)> {
    let phone = phone
        .map(|p| PhoneNumber::parse(p).map_err(|e| anyhow::anyhow!("--phone: {e}")))
        .transpose()?;
    let email = email
        .map(|e| EmailAddress::parse(e).map_err(|e| anyhow::anyhow!("--email: {e}")))
        .transpose()?;
    Ok((phone, email))
}
