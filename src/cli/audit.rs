//! `bedrift audit` (SPEC.md "Audit"): `verify` recomputes every aggregate's hash chain and
//! names each broken chain's first broken link; `history <subscription-id>` prints a
//! subscription's events with time, actor and the change in words; `projections` rebuilds
//! every read model into scratch tables and reports how they differ from the live ones. Each
//! exits non-zero when it finds something wrong.

use anyhow::{bail, Context};
use bedrift_api::graphql::types::history::{self, HistoryEntry};
use bedrift_projections::compare::{compare, Comparison};
use bedrift_projections::ReadModel;
use bedrift_store::chain::{verify as verify_chains, ChainReport};
use bedrift_store::{connect, DatabaseSettings, PgPool};
use uuid::Uuid;

use super::progress::{rate, ProgressLine};

/// Broken links and recorded changes printed at most (the counts are always printed).
const LISTED: usize = 50;

/// Runs `f` on a migrated database and closes it.
async fn with_pool<T>(
    settings: &DatabaseSettings,
    f: impl AsyncFnOnce(&PgPool) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let database = connect(settings).await?;
    let pool = database.pool();
    let outcome = match super::migrate::quietly(pool).await {
        Ok(()) => f(pool).await,
        Err(error) => Err(error),
    };
    database.close().await?;
    outcome
}

/// `bedrift audit verify`.
pub async fn verify(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let report = with_pool(settings, async |pool| {
        let mut line = ProgressLine::new("verifying hash chains", "events");
        let report = verify_chains(pool, &mut |done, total| line.update(done, total)).await;
        line.finish();
        Ok(report?)
    })
    .await?;
    print_chains(&report);
    if !report.is_intact() {
        bail!(
            "the event log fails verification: {} broken chain(s), {} recorded change(s)",
            report.broken.len(),
            report.changes.len()
        );
    }
    Ok(())
}

fn print_chains(report: &ChainReport) {
    println!(
        "checked {} events in {} chains in {:.1} s ({:.0} events/s)",
        report.events,
        report.chains,
        report.elapsed.as_secs_f64(),
        rate(report.events, report.elapsed)
    );
    if report.broken.is_empty() {
        println!("every chain is intact");
    } else {
        println!(
            "{} chain(s) broken; the first broken link of each:",
            report.broken.len()
        );
        for link in report.broken.iter().take(LISTED) {
            println!("  {link}");
        }
        if report.broken.len() > LISTED {
            println!("  ... and {} more", report.broken.len() - LISTED);
        }
    }
    if !report.changes.is_empty() {
        println!(
            "{} change(s) to stored events were recorded (the log is append-only):",
            report.changes.len()
        );
        for change in report.changes.iter().take(LISTED) {
            println!("  {change}");
        }
        if report.changes.len() > LISTED {
            println!("  ... and {} more", report.changes.len() - LISTED);
        }
    }
}

/// `bedrift audit history <subscription-id>`.
pub async fn history(settings: &DatabaseSettings, id: Uuid) -> anyhow::Result<()> {
    let entries = with_pool(settings, async |pool| {
        history::load(pool, id)
            .await
            .with_context(|| format!("reading the history of subscription {id}"))
    })
    .await?;
    if entries.is_empty() {
        bail!("no subscription {id} in the event log");
    }
    print!("{}", history_text(id, &entries));
    Ok(())
}

/// The history as printed: a heading, then per event its sequence, instant, name and version,
/// actor, the change in words, and when it was stored with its correlation id.
pub fn history_text(id: Uuid, entries: &[HistoryEntry]) -> String {
    let mut text = format!("subscription {id}: {} event(s)\n", entries.len());
    for entry in entries {
        let actor = entry
            .metadata
            .as_ref()
            .map_or_else(|| "unknown actor".to_owned(), |m| m.actor.label());
        text.push_str(&format!(
            "{:>3}  {}  {} (v{})  by {}\n       {}\n       recorded {}{}\n",
            entry.sequence,
            entry.instant().to_rfc3339(),
            entry.event_type,
            entry.event_version,
            actor,
            history::summary(&entry.event),
            entry.recorded_at.to_rfc3339(),
            entry
                .metadata
                .as_ref()
                .map(|m| format!(", correlation {}", m.correlation_id))
                .unwrap_or_default(),
        ));
    }
    text
}

/// `bedrift audit projections`.
pub async fn projections(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let comparison = with_pool(settings, async |pool| {
        let mut line = ProgressLine::new("rebuilding into scratch tables", "events");
        let comparison = compare(pool, &ReadModel::ALL, &mut |progress| {
            line.update(progress.events, progress.total)
        })
        .await;
        line.finish();
        Ok(comparison?)
    })
    .await?;
    print_comparison(&comparison);
    let differing: Vec<&str> = comparison
        .models
        .iter()
        .filter(|m| m.differing_rows() > 0)
        .map(|m| m.model.name())
        .collect();
    if !differing.is_empty() {
        bail!(
            "read model(s) differ from a rebuild: {}",
            differing.join(", ")
        );
    }
    Ok(())
}

fn print_comparison(comparison: &Comparison) {
    println!(
        "rebuilt {} read models from {} events and compared them at log position {} in {:.1} s",
        comparison.models.len(),
        comparison.events,
        comparison.position,
        comparison.elapsed.as_secs_f64()
    );
    for model in &comparison.models {
        let verdict = if model.differing_rows() == 0 {
            "equal".to_owned()
        } else {
            format!("DIFFERS ({} rows)", model.differing_rows())
        };
        println!("{}: {verdict}", model.model);
        for table in &model.tables {
            print!(
                "  {}: {} live, {} rebuilt",
                table.table, table.live_rows, table.rebuilt_rows
            );
            if table.is_equal() {
                println!(", equal");
                continue;
            }
            println!(
                ", {} differing row(s) under {} key(s): {}{}",
                table.differing_rows,
                table.differing_keys,
                table.keys.join("; "),
                if table.differing_keys > table.keys.len() as i64 {
                    "; ..."
                } else {
                    ""
                }
            );
        }
    }
}
