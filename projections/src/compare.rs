//! Auditing the read models (SPEC.md "Audit"): every model rebuilt from the log into scratch
//! tables and compared, table by table, with the live ones at the same log position, reporting
//! row counts and the keys of the rows that differ. Nothing live is changed.
//!
//! The live models may be behind the log (the projector is busy) or ahead of the rebuild (it
//! kept going while the rebuild ran). So the comparison happens in one transaction that holds
//! the checkpoints' locks (the live projector waits): the scratch tables are folded up to the
//! safe horizon, the live models are brought to the same position inside the transaction, the
//! tables are compared, and the transaction is rolled back.

use std::time::{Duration, Instant};

use bedrift_store::LogPosition;
use sqlx::{PgConnection, PgPool};

use crate::batch::{lock_checkpoints, read_safe};
use crate::read_models::ReadModel;
use crate::rebuild::{Progress, Scratch, REBUILD_BATCH};
use crate::ProjectionError;

/// Most differing keys listed per table.
pub const KEYS_LISTED: i64 = 20;

/// One table of a read model, live against rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableComparison {
    /// The live table's name.
    pub table: &'static str,
    /// Rows in the live table.
    pub live_rows: i64,
    /// Rows in the rebuilt table.
    pub rebuilt_rows: i64,
    /// Rows found in one table and not the other (a changed row counts twice: its live and its
    /// rebuilt version).
    pub differing_rows: i64,
    /// How many distinct keys those rows have.
    pub differing_keys: i64,
    /// The first [`KEYS_LISTED`] of those keys in key order, as text (`a, b` for a key of two
    /// columns).
    pub keys: Vec<String>,
}

impl TableComparison {
    /// Whether the live table equals the rebuilt one.
    pub fn is_equal(&self) -> bool {
        self.differing_rows == 0
    }
}

/// One read model, live against rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelComparison {
    /// The model.
    pub model: ReadModel,
    /// Its tables.
    pub tables: Vec<TableComparison>,
}

impl ModelComparison {
    /// Rows that differ over all its tables.
    pub fn differing_rows(&self) -> i64 {
        self.tables.iter().map(|t| t.differing_rows).sum()
    }
}

/// What [`compare`] found.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Each model compared, in the order asked.
    pub models: Vec<ModelComparison>,
    /// The log position at which live and rebuilt models were compared.
    pub position: LogPosition,
    /// Events folded into the scratch tables.
    pub events: u64,
    /// Time taken.
    pub elapsed: Duration,
}

impl Comparison {
    /// Whether every live model equals its rebuild.
    pub fn is_equal(&self) -> bool {
        self.models.iter().all(|m| m.differing_rows() == 0)
    }
}

/// Rebuilds `models` from the whole log into scratch tables and compares them with the live
/// tables at one log position, reporting `progress` while folding. The scratch tables are
/// dropped afterwards, whatever happens.
pub async fn compare(
    pool: &PgPool,
    models: &[ReadModel],
    progress: &mut dyn FnMut(Progress),
) -> Result<Comparison, ProjectionError> {
    let started = Instant::now();
    let scratch = Scratch::create(pool, models).await?;
    let result = async {
        let (folded, position) = scratch.fold_all(pool, progress).await?;
        let mut tx = bedrift_store::begin(pool).await?;
        // All models' checkpoints, in the projector's lock order, so it waits rather than
        // deadlocks, and the live tables hold still.
        let checkpoints = lock_checkpoints(&mut tx, &ReadModel::ALL).await?;
        let (more, position) = scratch.fold(&mut tx, position, 0, &mut |_| {}).await?;
        for model in models {
            catch_up_live(&mut tx, *model, checkpoints[model], position).await?;
        }
        let mut compared = Vec::with_capacity(models.len());
        for model in models {
            let mut tables = Vec::new();
            for (table, keys) in model.tables() {
                let rebuilt = scratch.table(table);
                tables.push(compare_table(&mut tx, table, &rebuilt, keys).await?);
            }
            compared.push(ModelComparison {
                model: *model,
                tables,
            });
        }
        // The live models' catch-up was only for the comparison: the projector does its own.
        tx.rollback().await?;
        Ok::<_, ProjectionError>(Comparison {
            models: compared,
            position,
            events: folded + more,
            elapsed: Duration::ZERO,
        })
    }
    .await;
    let dropped = scratch.drop(pool).await;
    let mut comparison = result?;
    dropped?;
    comparison.elapsed = started.elapsed();
    Ok(comparison)
}

/// Applies to `model`'s live tables the events after its checkpoint `from` up to `to`, inside
/// the caller's transaction.
async fn catch_up_live(
    conn: &mut PgConnection,
    model: ReadModel,
    mut from: LogPosition,
    to: LogPosition,
) -> Result<(), ProjectionError> {
    while from < to {
        let batch = read_safe(&mut *conn, from, REBUILD_BATCH).await?;
        let upto = &batch[..batch.partition_point(|e| e.at <= to)];
        let Some(last) = upto.last().map(|e| e.at) else {
            return Ok(());
        };
        model.apply(&mut *conn, "", upto).await?;
        from = last;
    }
    Ok(())
}

/// Compares the live `table` with `rebuilt`, rows as wholes, naming rows by their `keys`
/// columns.
async fn compare_table(
    conn: &mut PgConnection,
    table: &'static str,
    rebuilt: &str,
    keys: &str,
) -> Result<TableComparison, ProjectionError> {
    let (live_rows, rebuilt_rows): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {rebuilt})"
    ))
    .fetch_one(&mut *conn)
    .await?;
    let listed: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "WITH differing AS ((TABLE {table} EXCEPT ALL TABLE {rebuilt})
                            UNION ALL (TABLE {rebuilt} EXCEPT ALL TABLE {table})),
              differing_keys AS (SELECT {keys}, count(*) AS rows FROM differing GROUP BY {keys})
         SELECT concat_ws(', ', {keys}), sum(rows) OVER ()::bigint, count(*) OVER ()
         FROM differing_keys ORDER BY {keys} LIMIT $1"
    ))
    .bind(KEYS_LISTED)
    .fetch_all(&mut *conn)
    .await?;
    let (differing_rows, differing_keys) = listed
        .first()
        .map_or((0, 0), |(_, rows, keys)| (*rows, *keys));
    Ok(TableComparison {
        table,
        live_rows,
        rebuilt_rows,
        differing_rows,
        differing_keys,
        keys: listed.into_iter().map(|(key, _, _)| key).collect(),
    })
}
