//! `bedrift projections rebuild [NAME]`: rebuilds one read model, or all in one pass over the
//! log, while the service may keep running (the rebuild folds into scratch tables and swaps
//! them in), with a progress line on stderr and a summary on stdout.

use bedrift_projections::rebuild::rebuild;
use bedrift_projections::ReadModel;
use bedrift_store::{connect, DatabaseSettings, PgPool};

use super::progress::{rate, ProgressLine};

/// Rebuilds the model called `name`, or every model.
pub async fn run(settings: &DatabaseSettings, name: Option<&str>) -> anyhow::Result<()> {
    // An unknown name is refused before anything starts; the error lists the known names.
    let models = match name {
        Some(name) => vec![ReadModel::by_name(name)?],
        None => ReadModel::ALL.to_vec(),
    };
    let database = connect(settings).await?;
    let outcome = rebuild_models(database.pool(), &models).await;
    database.close().await?;
    outcome
}

async fn rebuild_models(pool: &PgPool, models: &[ReadModel]) -> anyhow::Result<()> {
    super::migrate::quietly(pool).await?;
    let names = names(models);
    let mut line = ProgressLine::new(format!("rebuilding {names}"), "events");
    let report = rebuild(pool, models, &mut |progress| {
        line.update(progress.events, progress.total);
    })
    .await;
    line.finish();
    let report = report?;
    println!(
        "rebuilt {} from {} events in {:.1} s ({:.0} events/s); checkpoints at {}",
        names,
        report.events,
        report.elapsed.as_secs_f64(),
        rate(report.events, report.elapsed),
        report.position
    );
    Ok(())
}

/// The models' names, comma-separated.
pub fn names(models: &[ReadModel]) -> String {
    models
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(", ")
}
