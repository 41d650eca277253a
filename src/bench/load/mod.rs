//! `bedrift bench load`: N GraphQL clients over HTTP drive a realistic mix against the real
//! server for a set time (see `bedrift_load::mix`), while a probe measures the projection lag;
//! then PostgreSQL's own rate for a one-row insert per transaction is measured at the same
//! concurrency, and the report prints per operation counts, errors and latencies, the lag,
//! and the ratio of orders per second to insert transactions per second.
//!
//! Without `--url` the server runs in this process (HTTP and projector, rate limits relaxed)
//! on a fresh database that is dropped afterwards. With `--url` it targets a running server,
//! whose database `DATABASE_URL` must name: the set-up reads invitations and SMS codes from its
//! outbox, and the probe reads its checkpoints.

mod server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bedrift_load::baseline::{insert_rate, InsertRate};
use bedrift_load::lag::{probe, Lag};
use bedrift_load::mix::{self, MixOutcome, MixSettings};
use bedrift_load::stats::{Live, Operation};
use bedrift_load::world::{World, WorldSettings};
use bedrift_store::{connect, pool_options, DatabaseSettings, PgPool};
use tokio::sync::watch;

use super::database::BenchDatabase;
use crate::cli::signal::shutdown_signal;

/// Options of `bench load`.
#[derive(Debug, Clone, clap::Args)]
pub struct LoadOptions {
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// How long to drive the load, e.g. `60s`, `500ms`, `2m`.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub duration: Duration,
    /// At most this many requests per second in total (all operations, the mix unchanged);
    /// as fast as the server answers when left out.
    #[arg(long)]
    pub rate: Option<f64>,
    /// A running server to target, e.g. `http://127.0.0.1:8080`; `DATABASE_URL` must name its
    /// database. Without it, a server runs in this process on a fresh database.
    #[arg(long)]
    pub url: Option<String>,
    /// Companies to register.
    #[arg(long, default_value_t = 4)]
    pub companies: usize,
    /// Employees each client logs in before the load starts.
    #[arg(long, default_value_t = 8)]
    pub employees: usize,
    /// How long to measure PostgreSQL's own insert rate (`0s` skips it).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub baseline: Duration,
}

/// Runs the load benchmark.
pub async fn run(settings: &DatabaseSettings, options: LoadOptions) -> anyhow::Result<()> {
    if options.clients == 0 {
        bail!("--clients must be at least 1");
    }
    match options.url.clone() {
        Some(url) => against(settings, &url, options).await,
        None => in_process(settings, options).await,
    }
}

/// Against a running server whose database `DATABASE_URL` names.
async fn against(
    settings: &DatabaseSettings,
    url: &str,
    options: LoadOptions,
) -> anyhow::Result<()> {
    let Some(database_url) = &settings.url else {
        bail!(
            "with --url, set DATABASE_URL to the server's database: the set-up reads the \
             invitations and SMS codes from its outbox, and the lag probe its checkpoints"
        );
    };
    let address = resolve(url).await?;
    let options_of_database: sqlx::postgres::PgConnectOptions = database_url
        .parse()
        .context("DATABASE_URL is not a PostgreSQL URL")?;
    let tool = pool_options(tool_connections(&options))
        .connect_with(options_of_database)
        .await?;
    let description = format!("the server at {url}");
    let outcome = tokio::select! {
        outcome = measure(address, &tool, &options, &description) => outcome,
        () = shutdown_signal() => Err(anyhow::anyhow!("interrupted")),
    };
    tool.close().await;
    outcome
}

/// Against a server in this process on a fresh database.
async fn in_process(settings: &DatabaseSettings, options: LoadOptions) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let bench = BenchDatabase::create(settings, &database).await?;
    let outcome = async {
        let pool = bench.pool(settings.max_connections).await?;
        crate::cli::migrate::quietly(&pool).await?;
        let tool = bench.pool(tool_connections(&options)).await?;
        let running = server::start(&pool).await?;
        let description = format!(
            "a server in this process ({} build) on a fresh database, pool of {} connections, \
             rate limits relaxed",
            if cfg!(debug_assertions) {
                "DEBUG"
            } else {
                "release"
            },
            settings.max_connections
        );
        let measured = tokio::select! {
            measured = measure(running.address, &tool, &options, &description) => measured,
            () = shutdown_signal() => Err(anyhow::anyhow!("interrupted")),
        };
        let stopped = running.stop().await;
        tool.close().await;
        pool.close().await;
        measured.and(stopped)
    }
    .await;
    let dropped = bench.drop().await;
    database.close().await?;
    outcome.and(dropped)
}

/// Connections of the tool's own pool: the baseline's, plus the probe's and the code reads'.
fn tool_connections(options: &LoadOptions) -> u32 {
    u32::try_from(options.clients + 4).unwrap_or(u32::MAX)
}

/// Sets up, drives the load with the probe running, measures the baseline, prints the report.
async fn measure(
    address: SocketAddr,
    tool: &PgPool,
    options: &LoadOptions,
    description: &str,
) -> anyhow::Result<()> {
    eprintln!("load: setting up against {description}");
    let started = Instant::now();
    let world = World::create(
        address,
        tool,
        WorldSettings {
            companies: options.companies,
            clients: options.clients,
            employees_per_client: options.employees,
        },
        &|step| eprintln!("load: {step}"),
    )
    .await
    .context("setting up companies, administrators and employees")?;
    let set_up = started.elapsed();
    eprintln!(
        "load: driving {} clients for {:?}{}",
        options.clients,
        options.duration,
        options
            .rate
            .map(|r| format!(" at {r} requests/s"))
            .unwrap_or_default()
    );
    let (outcome, lag) = drive(&world, tool, options).await?;
    let baseline = if options.baseline.is_zero() {
        None
    } else {
        eprintln!(
            "load: measuring PostgreSQL's one-row insert per transaction, {} connections, {:?}",
            options.clients, options.baseline
        );
        Some(insert_rate(tool, options.clients, options.baseline).await?)
    };
    print!(
        "{}",
        report(
            options,
            description,
            set_up,
            &world,
            &outcome,
            &lag,
            baseline
        )
    );
    Ok(())
}

/// Runs the mix with progress lines every five seconds and the lag probe beside it.
async fn drive(
    world: &World,
    tool: &PgPool,
    options: &LoadOptions,
) -> anyhow::Result<(MixOutcome, Lag)> {
    let live = Arc::new(Live::default());
    let (done, finished) = watch::channel(false);
    let settings = MixSettings {
        duration: options.duration,
        rate: options.rate,
    };
    let load = async {
        let outcome = mix::run(world, tool, settings, live.clone(), std::future::pending()).await;
        done.send_replace(true);
        outcome
    };
    // The probe's own connection, without the pool's check on release, so that it adds as
    // little as possible to what it measures.
    let probe_pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(tool.connect_options().as_ref().clone())
        .await?;
    let lag = probe(&probe_pool, wait(finished.clone()));
    let progress = progress(&live, wait(finished));
    let (outcome, lag, ()) = tokio::join!(load, lag, progress);
    probe_pool.close().await;
    Ok((outcome, lag?))
}

async fn wait(mut finished: watch::Receiver<bool>) {
    let _ = finished.wait_for(|f| *f).await;
}

async fn progress(live: &Live, finished: impl std::future::Future<Output = ()>) {
    let started = Instant::now();
    let mut before = live.snapshot();
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(5),
        Duration::from_secs(5),
    );
    tokio::pin!(finished);
    loop {
        tokio::select! {
            () = &mut finished => return,
            _ = ticks.tick() => {}
        }
        let now = live.snapshot();
        let per_second = |i: usize| (now[i] - before[i]) as f64 / 5.0;
        eprintln!(
            "load: {:>4.0} s  {:>7.0} requests/s  {:>6.0} orders/s  {:>6.0} writes/s  {} errors so far",
            started.elapsed().as_secs_f64(),
            per_second(0),
            per_second(2),
            per_second(3),
            now[1]
        );
        before = now;
    }
}

fn report(
    options: &LoadOptions,
    description: &str,
    set_up: Duration,
    world: &World,
    outcome: &MixOutcome,
    lag: &Lag,
    baseline: Option<InsertRate>,
) -> String {
    let seconds = outcome.elapsed.as_secs_f64().max(1e-9);
    let orders = outcome.recorder.successes(Operation::is_order) as f64 / seconds;
    let writes = outcome.recorder.successes(Operation::writes_events) as f64 / seconds;
    let requests: usize = outcome
        .recorder
        .tallies
        .values()
        .map(|t| t.latencies_us.len())
        .sum();
    let mut out = format!(
        "\nbench load: {} clients for {:.1} s, {}\n\
         server: {description}\n\
         set-up: {} companies, {} employees in {:.1} s\n\n",
        options.clients,
        seconds,
        options
            .rate
            .map(|r| format!("paced at {r} requests/s"))
            .unwrap_or_else(|| "as fast as the server answers".to_owned()),
        world.companies.len(),
        world.employees.iter().map(Vec::len).sum::<usize>(),
        set_up.as_secs_f64(),
    );
    out.push_str(&outcome.recorder.table(outcome.elapsed));
    out.push_str(&format!(
        "\nrequests: {:.1}/s\n\
         orders (orderSubscription + createSubscription, successful): {orders:.1}/s\n\
         writes (successful mutations that append events): {writes:.1}/s\n\
         projection lag (commit seen by the probe -> every read model past it): {}\n",
        requests as f64 / seconds,
        lag.summary()
    ));
    if let Some(baseline) = baseline {
        let rate = baseline.per_second();
        out.push_str(&format!(
            "PostgreSQL one event-shaped row per transaction, {} connections, {:.1} s: {rate:.1} tx/s\n\
             ratio orders/s / insert tx/s: {:.3} (target >= 0.5)\n",
            baseline.connections,
            baseline.elapsed.as_secs_f64(),
            orders / rate.max(1e-9)
        ));
    }
    out
}

/// The address of `http://host:port`.
async fn resolve(url: &str) -> anyhow::Result<SocketAddr> {
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("--url {url}: only http:// URLs are supported"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut addresses = tokio::net::lookup_host(authority.as_str())
        .await
        .with_context(|| format!("--url {url}: cannot resolve {authority}"))?;
    addresses
        .next()
        .with_context(|| format!("--url {url}: no address for {authority}"))
}

/// `60s`, `500ms`, `2m` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |at| text.split_at(at));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?}: expected e.g. 60s, 500ms or 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("{text:?}: the unit must be ms, s or m")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_with_their_unit() {
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
