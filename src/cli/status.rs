//! `bedrift projections status`: a table of the read models' checkpoints (and the
//! notifications'), how many events each still has to apply, how old the oldest of those is,
//! and when its checkpoint last moved.

use bedrift_projections::ReadModel;
use bedrift_store::{connect, DatabaseSettings, LogPosition, PgPool};

/// One read model's row of the table.
#[derive(Debug)]
struct Row {
    name: &'static str,
    checkpoint: LogPosition,
    behind: i64,
    oldest_unapplied: Option<f64>,
    moved_ago: Option<f64>,
}

/// Prints the status table.
pub async fn run(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let rows = rows(database.pool()).await;
    database.close().await?;
    print(&rows?);
    Ok(())
}

async fn rows(pool: &PgPool) -> anyhow::Result<Vec<Row>> {
    super::migrate::quietly(pool).await?;
    let mut rows = Vec::new();
    // The notifications' checkpoint too: how far event-driven messages are behind.
    let names = ReadModel::ALL
        .iter()
        .map(|m| m.name())
        .chain([bedrift_projections::notifications::CHECKPOINT]);
    for name in names {
        // Ages are computed by the database, against its own clock.
        let checkpoint: Option<(i64, i64, f64)> = sqlx::query_as(
            "SELECT tx_id, position, extract(epoch FROM now() - updated_at)::float8
             FROM projection_checkpoints WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?;
        let (tx_id, position, moved_ago) = match checkpoint {
            Some((tx_id, position, ago)) => (tx_id, position, Some(ago)),
            None => (0, 0, None),
        };
        let (behind, oldest_unapplied): (i64, Option<f64>) = sqlx::query_as(
            "SELECT count(*), extract(epoch FROM now() - min(recorded_at))::float8 FROM events
             WHERE (tx_id, position) > ($1::bigint::text::xid8, $2)",
        )
        .bind(tx_id)
        .bind(position)
        .fetch_one(pool)
        .await?;
        rows.push(Row {
            name,
            checkpoint: LogPosition { tx_id, position },
            behind,
            oldest_unapplied,
            moved_ago,
        });
    }
    Ok(rows)
}

fn print(rows: &[Row]) {
    println!(
        "{:<16} {:>20} {:>12} {:>18} {:>16}",
        "read model", "checkpoint", "behind", "oldest unapplied", "last moved"
    );
    for row in rows {
        println!(
            "{:<16} {:>20} {:>12} {:>18} {:>16}",
            row.name,
            row.checkpoint.to_string(),
            row.behind,
            row.oldest_unapplied.map_or("-".to_owned(), age),
            row.moved_ago
                .map_or("never".to_owned(), |ago| format!("{} ago", age(ago))),
        );
    }
}

/// A duration in seconds as a short text: `850ms`, `42s`, `5m 12s`, `3h 4m`, `2d 5h`.
fn age(seconds: f64) -> String {
    let seconds = seconds.max(0.0);
    if seconds < 1.0 {
        return format!("{:.0}ms", seconds * 1000.0);
    }
    let whole = seconds as u64;
    match whole {
        0..60 => format!("{whole}s"),
        60..3600 => format!("{}m {}s", whole / 60, whole % 60),
        3600..86400 => format!("{}h {}m", whole / 3600, whole % 3600 / 60),
        _ => format!("{}d {}h", whole / 86400, whole % 86400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::age;

    #[test]
    fn ages_are_short_and_readable() {
        assert_eq!(age(0.25), "250ms");
        assert_eq!(age(42.9), "42s");
        assert_eq!(age(312.0), "5m 12s");
        assert_eq!(age(11_040.0), "3h 4m");
        assert_eq!(age(190_800.0), "2d 5h");
    }
}
