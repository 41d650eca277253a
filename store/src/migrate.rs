//! The database schema: the sqlx migrations in `migrations/`, embedded at compile time.

use sqlx::migrate::Migrator;
use sqlx::PgPool;

use crate::StoreError;

/// Every migration of `migrations/`, in order.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// One migration that [`migrate`] applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Its timestamp version, e.g. `20261127000001`.
    pub version: i64,
    /// Its description, from the file name.
    pub description: String,
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The migrations applied now, in order (empty when the schema was up to date).
    pub applied: Vec<AppliedMigration>,
    /// How many migrations the code knows.
    pub known: usize,
    /// Events stored in clear before the log sealed personal data, sealed now (see
    /// `crate::sealing`); 0 except on the first run after that migration.
    pub sealed_events: u64,
}

/// Applies the migrations that the database lacks. Safe to run from several processes at once:
/// sqlx holds an advisory lock while it migrates.
#[tracing::instrument(skip_all)]
pub async fn migrate(pool: &PgPool) -> Result<MigrationReport, StoreError> {
    let before = applied_versions(pool).await?;
    MIGRATOR.run(pool).await?;
    let applied: Vec<AppliedMigration> = MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !before.contains(&m.version))
        .map(|m| AppliedMigration {
            version: m.version,
            description: m.description.to_string(),
        })
        .collect();
    // The migration that introduced sealing leaves the events stored before it in clear;
    // they are sealed once, on the first run after it that gets through.
    let sealed_before: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM log_sealed)")
        .fetch_one(pool)
        .await?;
    let sealed_events = if sealed_before {
        0
    } else {
        crate::reseal::seal_stored_events(pool).await?
    };
    for migration in &applied {
        tracing::info!(
            version = migration.version,
            description = %migration.description,
            "applied migration"
        );
    }
    Ok(MigrationReport {
        applied,
        sealed_events,
        known: MIGRATOR.iter().count(),
    })
}

async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>, StoreError> {
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?,
    )
}
