//! `bedrift report payroll` and `bedrift report invoice`: the finance exports of `/reports`
//! from the command line, for the operator's staff (no session: whoever can reach the
//! database may read every company). The files are the same bytes the HTTP routes send.
//! CSV goes to `--output` or else stdout; a workbook to `--output` or else to its suggested
//! file name in the current directory. What was written is summed up on stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use bedrift_api::reports::{
    invoice_csv, invoice_file_name, load_invoice, load_payroll, payroll_file_name, render_payroll,
    status_word, FileKind, PayrollFormat,
};
use bedrift_domain::clock::{Clock, SystemClock};
use bedrift_domain::values::{CompanyId, Month};
use bedrift_projections::queries::BillingStates;
use bedrift_store::{connect, DatabaseSettings};
use clap::ValueEnum;

/// The payroll file to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Every line and the totals, CSV.
    Generic,
    /// Visma Lønn's import file.
    Visma,
    /// Tripletex's import file.
    Tripletex,
    /// Every line and the totals, Excel workbook.
    Xlsx,
}

impl ReportFormat {
    fn layout(self) -> (PayrollFormat, FileKind) {
        match self {
            Self::Generic => (PayrollFormat::Generic, FileKind::Csv),
            Self::Visma => (PayrollFormat::Visma, FileKind::Csv),
            Self::Tripletex => (PayrollFormat::Tripletex, FileKind::Csv),
            Self::Xlsx => (PayrollFormat::Generic, FileKind::Xlsx),
        }
    }
}

/// `bedrift report payroll`: a company's payroll deduction basis of `month` in `format`.
pub async fn payroll(
    settings: &DatabaseSettings,
    company: &str,
    month: &str,
    format: ReportFormat,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let company = uuid::Uuid::parse_str(company.trim())
        .map(CompanyId::from_uuid)
        .map_err(|_| anyhow!("--company: not a company id"))?;
    let month = Month::parse(month).map_err(|e| anyhow!("--month: {e}"))?;
    let (layout, kind) = format.layout();
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        let export = load_payroll(
            database.pool(),
            &BillingStates::default(),
            company,
            month,
            SystemClock.today(),
        )
        .await?;
        let bytes = render_payroll(&export, layout, kind)?;
        anyhow::Ok((export, bytes))
    }
    .await;
    database.close().await?;
    let (export, bytes) = outcome?;
    let name = payroll_file_name(&export, layout, kind);
    let target = write(&bytes, output, kind, &name)?;
    let basis = &export.basis;
    eprintln!(
        "{target}: {} of {} for {} ({}), {} line(s), deductions kr {}",
        layout.name(),
        basis.month,
        export.company.name,
        status_word(basis.preliminary),
        basis.lines.len(),
        basis.totals.deduction.kroner()
    );
    Ok(())
}

/// `bedrift report invoice`: every company's invoice basis of `month`.
pub async fn invoice(
    settings: &DatabaseSettings,
    month: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let month = Month::parse(month).map_err(|e| anyhow!("--month: {e}"))?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        let basis = load_invoice(
            database.pool(),
            &BillingStates::default(),
            month,
            SystemClock.today(),
        )
        .await
        .map_err(|e| anyhow!("reading the invoice basis: {e}"))?;
        let bytes = invoice_csv(&basis)?;
        anyhow::Ok((basis, bytes))
    }
    .await;
    database.close().await?;
    let (basis, bytes) = outcome?;
    let target = write(&bytes, output, FileKind::Csv, &invoice_file_name(&basis))?;
    eprintln!(
        "{target}: invoice basis of {} ({}), {} compan(ies), total kr {}",
        basis.month.0,
        status_word(basis.preliminary),
        basis.lines.len(),
        basis.totals.price.0.kroner()
    );
    Ok(())
}

/// Writes `bytes` to `output`, or a CSV to stdout, or a workbook to `suggested`; says where.
fn write(
    bytes: &[u8],
    output: Option<&Path>,
    kind: FileKind,
    suggested: &str,
) -> anyhow::Result<String> {
    let path: PathBuf = match (output, kind) {
        (Some(path), _) => path.to_owned(),
        (None, FileKind::Xlsx) => PathBuf::from(suggested),
        (None, FileKind::Csv) => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes).context("writing to stdout")?;
            stdout.flush()?;
            return Ok(if stdout.is_terminal() {
                "stdout".to_owned()
            } else {
                format!("stdout ({suggested})")
            });
        }
    };
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.display().to_string())
}
