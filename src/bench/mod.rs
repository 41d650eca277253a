//! `bedrift bench projections` (here) and `bedrift bench load` ([`load`]).
//!
//! `bedrift bench projections`: how fast the read side folds the log, against how fast
//! PostgreSQL can merely read it. A benchmark, not a test: it creates a fresh database on the
//! configured server, fills it with generated events (through the domain's pure `decide`, not
//! the command executor), measures a raw read, a full rebuild and the live projector catching
//! up, times the parts of a rebuild, prints a report and drops the database (also on an error
//! or Ctrl-C).

mod breakdown;
mod database;
pub mod exports;
mod fill;
mod fixtures;
mod generate;
pub mod load;
mod measure;
mod report;
mod rows;

use bedrift_store::{connect, Database, DatabaseSettings};

use crate::cli::signal::shutdown_signal;
use database::BenchDatabase;
use report::Results;

/// Runs the projections benchmark with at least `events` generated events.
pub async fn run(settings: &DatabaseSettings, events: u64) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let outcome = on_fresh_database(settings, &database, events).await;
    database.close().await?;
    outcome
}

async fn on_fresh_database(
    settings: &DatabaseSettings,
    database: &Database,
    events: u64,
) -> anyhow::Result<()> {
    let bench = BenchDatabase::create(settings, database).await?;
    let measured = tokio::select! {
        measured = measure_all(&bench, events) => measured,
        () = shutdown_signal() => Err(anyhow::anyhow!("interrupted")),
    };
    let dropped = bench.drop().await;
    let results = measured?;
    dropped?;
    report::print(&results);
    Ok(())
}

async fn measure_all(bench: &BenchDatabase, events: u64) -> anyhow::Result<Results> {
    let pool = bench.pool(4).await?;
    crate::cli::migrate::quietly(&pool).await?;
    let loaded = fill::load(&bench.connect_options(), events).await?;
    // A steady-state table: hint bits set and statistics known, so the first reader measured
    // does not pay for the load.
    sqlx::query("VACUUM (ANALYZE) events")
        .execute(&pool)
        .await?;
    let (table_bytes,): (i64,) = sqlx::query_as("SELECT pg_total_relation_size('events')")
        .fetch_one(&pool)
        .await?;
    eprintln!("measuring (a) the raw read");
    let raw = measure::raw_read(&pool).await?;
    eprintln!("measuring (b) the full rebuild");
    let rebuild = measure::full_rebuild(&pool).await?;
    eprintln!("measuring (c) the projector catching up");
    let catch_up = measure::catch_up(&pool, loaded.events).await?;
    eprintln!("timing the parts of a rebuild");
    let breakdown = breakdown::measure(&pool).await?;
    pool.close().await;
    Ok(Results {
        loaded,
        table_bytes: u64::try_from(table_bytes).unwrap_or_default(),
        raw,
        rebuild,
        catch_up,
        breakdown,
    })
}
