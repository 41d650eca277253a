//! The timings of `bench exports`: the plain SQL query that reads the basis's rows, the basis
//! itself (the query behind GraphQL's `payrollDeductionBasis`), and each export file made
//! from scratch (basis + rendering, as the HTTP route does after authorisation). Each is run
//! once to warm up, then `runs` times; the median counts.

use std::future::Future;
use std::time::{Duration, Instant};

use bedrift_api::reports::{load_payroll, render_payroll, FileKind, PayrollExport, PayrollFormat};
use bedrift_domain::subscription::Subscription;
use bedrift_domain::values::{CompanyId, Month};
use bedrift_projections::queries::BillingStates;
use bedrift_store::PgPool;
use chrono::NaiveDate;

/// The query the basis reads its rows with on a first call; the plain SQL measurement fetches
/// them without parsing the state: what PostgreSQL and the driver alone cost.
const PLAIN_SQL: &str = bedrift_projections::queries::CANDIDATES_WITH_STATES;

/// The same rows with the state as `jsonb`, as the basis read them before it parsed the text
/// itself: the driver builds a `serde_json::Value` of each.
const JSONB_SQL: &str = "SELECT subscription_id, company_id, state FROM billing_subscriptions
     WHERE approved AND company_id = $1
       AND valid_from <= $3 AND (end_date IS NULL OR end_date >= $2)";

/// One measured operation.
#[derive(Debug, Clone)]
pub struct Timed {
    /// What was measured.
    pub label: String,
    /// Median time.
    pub median: Duration,
    /// Fastest time.
    pub fastest: Duration,
    /// Rows read or bytes written, as the label says.
    pub size: usize,
}

/// Runs `operation` once to warm up, then `runs` times, and returns its median and fastest
/// times with the size of its last output.
async fn time<F, Fut>(label: &str, runs: usize, mut operation: F) -> anyhow::Result<Timed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<usize>>,
{
    eprintln!("measuring {label}");
    let mut size = operation().await?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        size = operation().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(Timed {
        label: label.to_owned(),
        median: times[times.len() / 2],
        fastest: times[0],
        size,
    })
}

/// What to export.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The company.
    pub company: CompanyId,
    /// The month.
    pub month: Month,
    /// Today, for the preliminary flag.
    pub today: NaiveDate,
}

impl Target {
    /// The company's payroll export of the month, its basis read through `held`.
    pub async fn load(&self, pool: &PgPool, held: &BillingStates) -> anyhow::Result<PayrollExport> {
        Ok(load_payroll(pool, held, self.company, self.month, self.today).await?)
    }
}

/// The plain SQL read of the basis's rows; its size is the number of rows.
pub async fn plain_sql(pool: &PgPool, target: Target, runs: usize) -> anyhow::Result<Timed> {
    time("plain SQL (the same rows)", runs, || async {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, i64, String)> = sqlx::query_as(PLAIN_SQL)
            .bind(target.company.as_uuid())
            .bind(target.month.first_day())
            .bind(target.month.last_day())
            .fetch_all(pool)
            .await?;
        Ok(rows.len())
    })
    .await
}

/// Where the basis's time goes: the rows with each state parsed into a `Subscription`, the
/// way the basis does it (text, parsed directly) and the way it did before (a `Value` from the
/// driver, then converted). Sizes are rows.
pub async fn parsing(pool: &PgPool, target: Target, runs: usize) -> anyhow::Result<[Timed; 2]> {
    let direct = time("rows + state parsed from text", runs, || async {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, i64, String)> = sqlx::query_as(PLAIN_SQL)
            .bind(target.company.as_uuid())
            .bind(target.month.first_day())
            .bind(target.month.last_day())
            .fetch_all(pool)
            .await?;
        let states = rows
            .iter()
            .map(|(_, _, _, state)| serde_json::from_str::<Subscription>(state))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(states.len())
    })
    .await?;
    let through_value = time("rows + state via serde_json::Value", runs, || async {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, serde_json::Value)> = sqlx::query_as(JSONB_SQL)
            .bind(target.company.as_uuid())
            .bind(target.month.first_day())
            .bind(target.month.last_day())
            .fetch_all(pool)
            .await?;
        let states = rows
            .into_iter()
            .map(|(_, _, state)| serde_json::from_value::<Subscription>(state))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(states.len())
    })
    .await?;
    Ok([direct, through_value])
}

/// The basis alone (company row and payroll basis), read afresh as by a first call; its size
/// is the number of lines.
pub async fn basis(pool: &PgPool, target: Target, runs: usize) -> anyhow::Result<Timed> {
    time("payroll basis, first call", runs, || async {
        let export = target.load(pool, &BillingStates::default()).await?;
        Ok(export.basis.lines.len())
    })
    .await
}

/// The basis asked for again with nothing changed: every state held from the call before, as
/// the server answers a repeated `payrollDeductionBasis`.
pub async fn basis_held(pool: &PgPool, target: Target, runs: usize) -> anyhow::Result<Timed> {
    let held = BillingStates::default();
    time("payroll basis, asked again", runs, || async {
        let export = target.load(pool, &held).await?;
        Ok(export.basis.lines.len())
    })
    .await
}

/// The formats measured, with their labels.
pub const FORMATS: [(&str, PayrollFormat, FileKind); 4] = [
    ("generic CSV", PayrollFormat::Generic, FileKind::Csv),
    ("generic XLSX", PayrollFormat::Generic, FileKind::Xlsx),
    ("Visma Lønn CSV", PayrollFormat::Visma, FileKind::Csv),
    ("Tripletex CSV", PayrollFormat::Tripletex, FileKind::Csv),
];

/// One whole export, basis and file; its size is the file's bytes.
pub async fn export(
    pool: &PgPool,
    target: Target,
    (label, format, kind): (&str, PayrollFormat, FileKind),
    runs: usize,
) -> anyhow::Result<Timed> {
    time(label, runs, || async {
        let export = target.load(pool, &BillingStates::default()).await?;
        Ok(render_payroll(&export, format, kind)?.len())
    })
    .await
}

/// Rendering alone, from a basis read once; its size is the file's bytes.
pub async fn rendering(
    export: &PayrollExport,
    (label, format, kind): (&str, PayrollFormat, FileKind),
    runs: usize,
) -> anyhow::Result<Timed> {
    time(&format!("{label}, rendering only"), runs, || async {
        Ok(render_payroll(export, format, kind)?.len())
    })
    .await
}
