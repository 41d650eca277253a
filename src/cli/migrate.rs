//! `bedrift migrate`: applies the missing migrations and says which.

use bedrift_store::{connect, migrate, DatabaseSettings, MigrationReport, PgPool};

/// Connects, migrates, prints what was applied.
pub async fn run(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let outcome = migrate(database.pool()).await;
    database.close().await?;
    print_report(&outcome?);
    Ok(())
}

/// Migrates quietly for commands that are about something else: applied migrations go to
/// stderr, an up-to-date schema says nothing.
pub async fn quietly(pool: &PgPool) -> anyhow::Result<()> {
    let report = migrate(pool).await?;
    for migration in &report.applied {
        eprintln!(
            "applied migration {} {}",
            migration.version, migration.description
        );
    }
    if report.sealed_events > 0 {
        eprintln!(
            "sealed the personal data of {} events stored in clear",
            report.sealed_events
        );
    }
    Ok(())
}

/// Prints each applied migration, or that the schema was already up to date.
pub fn print_report(report: &MigrationReport) {
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
    if report.sealed_events > 0 {
        println!(
            "sealed the personal data of {} events stored in clear",
            report.sealed_events
        );
    }
}
