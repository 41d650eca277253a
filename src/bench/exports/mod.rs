//! `bedrift bench exports`: how long the payroll exports of a company with many subscriptions
//! take, next to the plain SQL query that reads the same rows (target: at most 3x). On a fresh
//! database (dropped afterwards, also on an error or Ctrl-C): one generated company, the read
//! models rebuilt from its log, then each export timed with the basis and the rendering apart.

mod generate;
mod measure;

use std::time::Duration;

use bedrift_projections::queries::BillingStates;
use bedrift_projections::rebuild::rebuild;
use bedrift_projections::{apply_next_batch, ReadModel};
use bedrift_store::{connect, DatabaseSettings, PgPool};
use sqlx::{Connection, PgConnection};

use super::database::BenchDatabase;
use super::fill::CHUNK_ROWS;
use super::rows::INSERT_CHUNK;
use crate::cli::progress::ProgressLine;
use crate::cli::signal::shutdown_signal;
use measure::{Target, Timed, FORMATS};

/// The ratio to the plain SQL query that an export should stay within.
pub const TARGET_RATIO: f64 = 3.0;

/// Timed runs of each measurement (after one to warm up).
const RUNS: usize = 7;

/// Runs the exports benchmark on a company with `subscriptions` subscriptions.
pub async fn run(settings: &DatabaseSettings, subscriptions: usize) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let bench = BenchDatabase::create(settings, &database).await;
    let outcome = match bench {
        Ok(bench) => {
            let measured = tokio::select! {
                measured = measure_all(&bench, subscriptions) => measured,
                () = shutdown_signal() => Err(anyhow::anyhow!("interrupted")),
            };
            let dropped = bench.drop().await;
            measured.and_then(|report| dropped.map(|()| report))
        }
        Err(e) => Err(e),
    };
    database.close().await?;
    print(subscriptions, &outcome?);
    Ok(())
}

/// Everything measured.
struct Report {
    events: u64,
    sql: Timed,
    basis: Timed,
    basis_held: Timed,
    exports: Vec<Timed>,
    renderings: Vec<Timed>,
    parsing: [Timed; 2],
}

async fn measure_all(bench: &BenchDatabase, subscriptions: usize) -> anyhow::Result<Report> {
    let pool = bench.pool(4).await?;
    crate::cli::migrate::quietly(&pool).await?;
    let generated =
        tokio::task::spawn_blocking(move || generate::generate(subscriptions, CHUNK_ROWS))
            .await??;
    let events = insert(bench, &generated.chunks).await?;
    rebuild_read_models(&pool, events).await?;
    sqlx::query("VACUUM (ANALYZE)").execute(&pool).await?;
    let target = Target {
        company: generated.company,
        month: generate::measured_month(),
        today: generate::measured_today(),
    };
    let report = measure(&pool, target).await;
    pool.close().await;
    let (sql, [basis, basis_held], exports, renderings, parsing) = report?;
    anyhow::ensure!(
        basis.size == subscriptions && sql.size == subscriptions,
        "expected {subscriptions} lines, the basis has {} and the query {} rows",
        basis.size,
        sql.size
    );
    Ok(Report {
        events,
        sql,
        basis,
        basis_held,
        exports,
        renderings,
        parsing,
    })
}

/// Everything but the load: (plain SQL, basis read afresh and with its states held, exports,
/// renderings, parsing).
type Measured = (Timed, [Timed; 2], Vec<Timed>, Vec<Timed>, [Timed; 2]);

async fn measure(pool: &PgPool, target: Target) -> anyhow::Result<Measured> {
    let sql = measure::plain_sql(pool, target, RUNS).await?;
    let basis = [
        measure::basis(pool, target, RUNS).await?,
        measure::basis_held(pool, target, RUNS).await?,
    ];
    let mut exports = Vec::new();
    for format in FORMATS {
        exports.push(measure::export(pool, target, format, RUNS).await?);
    }
    let export = target.load(pool, &BillingStates::default()).await?;
    let mut renderings = Vec::new();
    for format in FORMATS {
        renderings.push(measure::rendering(&export, format, RUNS).await?);
    }
    let parsing = measure::parsing(pool, target, RUNS).await?;
    Ok((sql, basis, exports, renderings, parsing))
}

async fn insert(bench: &BenchDatabase, chunks: &[super::rows::Chunk]) -> anyhow::Result<u64> {
    let total: usize = chunks.iter().map(super::rows::Chunk::len).sum();
    let mut connection = PgConnection::connect_with(&bench.connect_options()).await?;
    let mut line = ProgressLine::new("inserting", "events");
    let mut inserted = 0u64;
    for chunk in chunks {
        sqlx::query(INSERT_CHUNK)
            .bind(&chunk.aggregate_type)
            .bind(&chunk.aggregate_id)
            .bind(&chunk.sequence)
            .bind(&chunk.event_type)
            .bind(&chunk.event_version)
            .bind(&chunk.payload)
            .bind(&chunk.metadata)
            .execute(&mut connection)
            .await?;
        inserted += chunk.len() as u64;
        line.update(inserted, total as u64);
    }
    line.finish();
    connection.close().await?;
    Ok(inserted)
}

/// Rebuilds every read model from the log, then projects what the rebuild could not yet read,
/// until all `events` are folded. A rebuild folds only up to the safe horizon: events of
/// transactions older than every transaction still running anywhere on the server. On a
/// PostgreSQL shared with other work (tests, other databases), a transaction opened between
/// two of the generator's inserts holds the horizon back, and the rebuild stopped after the
/// first insert's events: the measured basis then had about half of its lines ("expected 10000
/// lines, the basis has 4996"). The rest is projected as the live projector would, once the
/// horizon has passed it.
async fn rebuild_read_models(pool: &PgPool, events: u64) -> anyhow::Result<()> {
    let mut line = ProgressLine::new("rebuilding the read models", "events");
    let report = rebuild(pool, &ReadModel::ALL, &mut |progress| {
        line.update(progress.events, progress.total.max(events));
    })
    .await;
    line.finish();
    let mut folded = report?.events;
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    while folded < events {
        let (applied, _) = apply_next_batch(pool, &ReadModel::ALL, 10_000).await?;
        folded += applied as u64;
        if applied == 0 {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "after 10 minutes the read models had folded {folded} of {events} events: a \
                 transaction on the server keeps the safe horizon back"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn print(subscriptions: usize, report: &Report) {
    let sql = report.sql.median.as_secs_f64().max(1e-9);
    println!();
    println!("bench exports");
    println!(
        "  one company, {subscriptions} subscriptions charged in {} ({} events); median of {RUNS} runs after a warm-up",
        generate::measured_month(),
        report.events
    );
    let row = |timed: &Timed, unit: &str, target: bool| {
        let ratio = timed.median.as_secs_f64() / sql;
        let verdict = match (target, ratio <= TARGET_RATIO) {
            (false, _) => String::new(),
            (true, true) => format!("  (target <= {TARGET_RATIO:.0}x)"),
            (true, false) => format!("  (target <= {TARGET_RATIO:.0}x) ABOVE TARGET"),
        };
        println!(
            "  {:<40} {:>8.1} ms (fastest {:>7.1})  {:>6.2}x SQL  {:>9} {unit}{verdict}",
            timed.label,
            ms(timed.median),
            ms(timed.fastest),
            ratio,
            timed.size
        );
    };
    row(&report.sql, "rows", false);
    row(&report.basis, "lines", false);
    row(&report.basis_held, "lines", false);
    for timed in &report.exports {
        row(timed, "bytes", true);
    }
    println!("  where an export's time goes: rendering from a basis already read,");
    for timed in &report.renderings {
        row(timed, "bytes", false);
    }
    println!(
        "  and reading the rows with their states parsed (now, and through a Value as before):"
    );
    for timed in &report.parsing {
        row(timed, "rows", false);
    }
}
