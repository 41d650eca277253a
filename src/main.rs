//! `bedrift`, the command-line entry point: `serve` runs the service, `migrate` brings the
//! database schema up to date. Both use `DATABASE_URL`, or without it a private PostgreSQL in
//! `BEDRIFT_DATA_DIR` (default `.bedrift/postgres`) that stops when the command ends.

mod telemetry;

use std::net::SocketAddr;

use anyhow::Context;
use bedrift_api::AppState;
use bedrift_store::{connect, migrate, Database, DatabaseSettings, MigrationReport};
use clap::{Parser, Subcommand};

/// Bedriftsbillett: company transit tickets paid through payroll deduction.
#[derive(Debug, Parser)]
#[command(name = "bedrift", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Applies the database migrations that are missing, and says which.
    Migrate,
    /// Migrates, then serves HTTP until SIGINT or SIGTERM.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();
    let settings = DatabaseSettings::from_env()?;
    match cli.command {
        Command::Migrate => run_migrate(&settings).await,
        Command::Serve { bind } => run_serve(&settings, bind).await,
    }
}

async fn run_migrate(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let outcome = migrate(database.pool()).await;
    database.close().await?;
    print_report(&outcome?);
    Ok(())
}

async fn run_serve(settings: &DatabaseSettings, bind: SocketAddr) -> anyhow::Result<()> {
    let database: Database = connect(settings).await?;
    let served = async {
        print_report(&migrate(database.pool()).await?);
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind} (set BIND to another address)"))?;
        tracing::info!(address = %listener.local_addr()?, "serving HTTP");
        bedrift_api::serve(
            listener,
            AppState::new(database.pool().clone()),
            shutdown_signal(),
        )
        .await
        .context("serving HTTP")
    }
    .await;
    // The database (and a private server) stops after the last request has finished.
    database.close().await?;
    tracing::info!("stopped");
    served
}

fn print_report(report: &MigrationReport) {
    if report.applied.is_empty() {
        println!(
            "database schema is up to date ({} migrations)",
            report.known
        );
    }
    for migration in &report.applied {
        println!(
            "applied migration {} {}",
            migration.version, migration.description
        );
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
