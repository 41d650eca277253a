//! `bedrift`, the command-line entry point: `serve` runs the service (HTTP, the projector and
//! the outbox's dispatcher), `dispatch` only the dispatcher, `healthcheck` asks a running
//! `serve` for `/healthz`,
//! `migrate` brings the database schema up to date, `projections` rebuilds and inspects the
//! read models, `operator create` makes an operator account, `audit` checks the log's hash
//! chains and the read models and prints histories, `keys rotate` renews the ticket signing
//! key, `bench` measures. All use
//! `DATABASE_URL`, or without it a private PostgreSQL in `BEDRIFT_DATA_DIR` (default
//! `.bedrift/postgres`) that stops when the command ends.

mod bench;
mod cli;
mod telemetry;

use std::net::SocketAddr;

use bedrift_store::DatabaseSettings;
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
    /// Migrates, then serves HTTP and runs the projector until SIGINT or SIGTERM.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Asks a running `serve` for `GET /healthz`; exits 0 when it answers 200 (for container
    /// health checks, without curl).
    Healthcheck {
        /// The address `serve` listens on (an unspecified IP such as 0.0.0.0 is asked on
        /// 127.0.0.1).
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Migrates, then only delivers the outbox (as `serve` also does) until SIGINT or SIGTERM.
    Dispatch,
    /// Rebuilds or inspects the read models.
    #[command(subcommand)]
    Projections(ProjectionsCommand),
    /// Benchmarks, each on a fresh database that is dropped afterwards.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Manages operator accounts.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Audits the event log and the read models; exits non-zero when something is wrong.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Finance exports: payroll deduction and invoice bases, as `/reports` serves them.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Manages the keys that sign tickets.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Personal data: what the service stops keeping.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
}

#[derive(Debug, Subcommand)]
enum PrivacyCommand {
    /// Applies the retention rules now (as `serve` does daily) and prints what it removed:
    /// expired sessions, tokens and SMS codes, and outbox texts past OUTBOX_RETENTION_DAYS.
    Retention,
    /// Erases an employee's personal data at every company (the right to erasure): what no
    /// rule keeps is erased now; what is live or kept for the accounts is listed with until
    /// when. With --email, an administrator's account and data, once they administer no
    /// company. --replay FILE instead deletes again the data keys listed in a journal written by
    /// `privacy erasures` (after restoring a backup taken before them).
    Erase {
        /// The employee's mobile number.
        #[arg(long, conflicts_with_all = ["replay", "email"], required_unless_present_any = ["replay", "email"])]
        phone: Option<String>,
        /// An administrator's e-mail address: erased once they administer no company.
        #[arg(long, conflicts_with = "replay")]
        email: Option<String>,
        /// A journal of erasures to apply again.
        #[arg(long)]
        replay: Option<std::path::PathBuf>,
    },
    /// Prints the journal of erased data keys (ids only; keep it with the backups).
    Erasures,
    /// Everything the service holds about one person, as JSON (the right of access): give
    /// exactly one of --phone and --email.
    Export {
        /// A mobile number (`987 65 432`, `+47 987 65 432`): an employee at every company.
        #[arg(long, conflicts_with = "email", required_unless_present = "email")]
        phone: Option<String>,
        /// An e-mail address: an administrator's or operator's account.
        #[arg(long)]
        email: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Makes a new ticket signing key; the old public key stays published until the tickets it
    /// signed have expired.
    Rotate,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recomputes every aggregate's hash chain and names the first broken link of each broken
    /// one, and lists recorded changes to stored events.
    Verify,
    /// Prints a subscription's history: each event with its time, actor and change.
    History {
        /// The subscription's id.
        subscription_id: uuid::Uuid,
    },
    /// Rebuilds every read model into scratch tables and reports how they differ from the
    /// live ones (row counts and the keys of differing rows).
    Projections,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// A company's payroll deduction basis of a month (preliminary while the month runs).
    Payroll {
        /// The company's id.
        #[arg(long)]
        company: String,
        /// The month, e.g. 2026-12.
        #[arg(long)]
        month: String,
        /// The layout: generic CSV, Visma Lønn or Tripletex import, or an Excel workbook.
        #[arg(long, value_enum, default_value = "generic")]
        format: cli::report::ReportFormat,
        /// Where to write it (CSV: stdout when left out; a workbook: its own file name).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Every company's invoice basis of a month, as CSV.
    Invoice {
        /// The month, e.g. 2026-12.
        #[arg(long)]
        month: String,
        /// Where to write it (stdout when left out).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum OperatorCommand {
    /// Migrates, then creates an operator account and prints its id. The password comes from
    /// BEDRIFT_OPERATOR_PASSWORD, or else the first line of stdin.
    Create {
        /// The operator's login e-mail.
        #[arg(long)]
        email: String,
        /// The operator's name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum ProjectionsCommand {
    /// Rebuilds one read model, or all of them, from the whole log while the service runs.
    Rebuild {
        /// The read model (all when left out).
        name: Option<String>,
    },
    /// Shows each read model's checkpoint and how far it is behind the log.
    Status,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Generates events, then measures a raw read of the log, a full rebuild and the live
    /// projector catching up from scratch.
    Projections {
        /// How many events to generate (at least).
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
    },
    /// Drives a realistic mix over HTTP with concurrent clients and reports latencies, errors,
    /// projection lag and the ratio to PostgreSQL's own insert rate.
    Load(bench::load::LoadOptions),
    /// Times the payroll exports of one company next to the plain SQL query that reads the
    /// same rows.
    Exports {
        /// How many subscriptions the company has.
        #[arg(long, default_value_t = 10_000)]
        subscriptions: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(match cli.command {
        Command::Bench(BenchCommand::Load(_)) => telemetry::Defaults::Quiet,
        _ => telemetry::Defaults::Service,
    });
    let settings = DatabaseSettings::from_env()?;
    match cli.command {
        Command::Migrate => cli::migrate::run(&settings).await,
        Command::Serve { bind } => cli::serve::run(&settings, bind).await,
        Command::Dispatch => cli::dispatch::run(&settings).await,
        Command::Healthcheck { bind } => cli::healthcheck::run(bind).await,
        Command::Projections(ProjectionsCommand::Rebuild { name }) => {
            cli::rebuild::run(&settings, name.as_deref()).await
        }
        Command::Projections(ProjectionsCommand::Status) => cli::status::run(&settings).await,
        Command::Bench(BenchCommand::Projections { events }) => bench::run(&settings, events).await,
        Command::Bench(BenchCommand::Load(options)) => bench::load::run(&settings, options).await,
        Command::Operator(OperatorCommand::Create { email, name }) => {
            cli::operator::create(&settings, &email, &name).await
        }
        Command::Audit(AuditCommand::Verify) => cli::audit::verify(&settings).await,
        Command::Audit(AuditCommand::History { subscription_id }) => {
            cli::audit::history(&settings, subscription_id).await
        }
        Command::Audit(AuditCommand::Projections) => cli::audit::projections(&settings).await,
        Command::Bench(BenchCommand::Exports { subscriptions }) => {
            bench::exports::run(&settings, subscriptions).await
        }
        Command::Report(ReportCommand::Payroll {
            company,
            month,
            format,
            output,
        }) => cli::report::payroll(&settings, &company, &month, format, output.as_deref()).await,
        Command::Keys(KeysCommand::Rotate) => cli::keys::rotate(&settings).await,
        Command::Privacy(PrivacyCommand::Retention) => cli::privacy::retention(&settings).await,
        Command::Privacy(PrivacyCommand::Erase {
            phone,
            email,
            replay,
        }) => {
            cli::privacy::erase(
                &settings,
                phone.as_deref(),
                email.as_deref(),
                replay.as_deref(),
            )
            .await
        }
        Command::Privacy(PrivacyCommand::Erasures) => cli::privacy::erasures(&settings).await,
        Command::Privacy(PrivacyCommand::Export {
            phone,
            email,
            output,
        }) => {
            cli::privacy::export(
                &settings,
                phone.as_deref(),
                email.as_deref(),
                output.as_deref(),
            )
            .await
        }
        Command::Report(ReportCommand::Invoice { month, output }) => {
            cli::report::invoice(&settings, &month, output.as_deref()).await
        }
    }
}
