//! PostgreSQL for Bedriftsbillett: settings and the connection pool, the private server used
//! when no `DATABASE_URL` is set, the migrations, the command executor over the event log
//! (cqrs-es and postgres-es) with the claims that keep set-based rules in the append, the check of the log's hash chain, log positions for
//! read-your-writes, and fresh databases for tests.

pub mod chain;
pub mod claims;
mod commands;
mod database;
pub mod embedded;
mod error;
mod migrate;
mod positions;
mod repository;
mod reseal;
mod retry;
pub mod sealing;
mod settings;
pub mod testing;

pub use commands::{CommandExecutor, EventStore, Start};
pub use database::{
    begin, connect, create_database_if_missing, pool_options, quote_identifier, Database,
    EMBEDDED_DATABASE,
};
pub use error::StoreError;
pub use migrate::{migrate, AppliedMigration, MigrationReport, MIGRATOR};
pub use positions::{head_position, last_position, LogPosition};
pub use retry::RetryPolicy;
pub use settings::{DatabaseSettings, DEFAULT_DATA_DIR, DEFAULT_MAX_CONNECTIONS};
pub use sqlx::PgPool;
