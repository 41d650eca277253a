//! The operator's invoice basis of a month as CSV: one line per company with charges (by
//! name), then a `SUM` line, from the same data as the GraphQL `invoiceBasis`.
//!
//! With a header: `måned;status;rad;virksomhet;orgnr;navn;fakturaepost;abonnementer;pris;
//! arbeidsgiverandel;trekk`; `rad` is `LINJE` or `SUM`, status `FORELØPIG` or `ENDELIG`.
//! Amounts with a decimal point and no byte order mark, as before: the operator's invoicing
//! reads it as it is.

use bedrift_domain::values::Month;
use bedrift_projections::queries::{invoice_basis, BillingStates};
use chrono::NaiveDate;
use sqlx::PgPool;

use super::csv_file::CsvFile;
use super::{status_word, ReportError};
use crate::graphql::types::invoice::InvoiceBasis;
use crate::graphql::types::payroll::PayrollTotals;
use crate::graphql::ApiError;

/// Every company's invoice basis of `month` as of `today`, as the GraphQL API returns it,
/// read through `held`.
pub async fn load_invoice(
    pool: &PgPool,
    held: &BillingStates,
    month: Month,
    today: NaiveDate,
) -> Result<InvoiceBasis, ApiError> {
    let basis = invoice_basis(pool, held, None, month, today).await?;
    InvoiceBasis::load(pool, basis).await
}

/// The file name: `fakturagrunnlag-<month>[-forelopig].csv`.
pub fn invoice_file_name(basis: &InvoiceBasis) -> String {
    let status = if basis.preliminary { "-forelopig" } else { "" };
    format!("fakturagrunnlag-{}{status}.csv", basis.month.0)
}

/// The CSV of `basis`.
pub fn invoice_csv(basis: &InvoiceBasis) -> Result<Vec<u8>, ReportError> {
    let month = basis.month.0.to_string();
    let status = status_word(basis.preliminary);
    let mut out = CsvFile::for_import();
    out.record([
        "måned",
        "status",
        "rad",
        "virksomhet",
        "orgnr",
        "navn",
        "fakturaepost",
        "abonnementer",
        "pris",
        "arbeidsgiverandel",
        "trekk",
    ]);
    let amounts = |totals: &PayrollTotals| {
        [
            totals.subscriptions.to_string(),
            totals.price.0.kroner(),
            totals.employer_contribution.0.kroner(),
            totals.deduction.0.kroner(),
        ]
    };
    for line in &basis.lines {
        let [count, price, contribution, deduction] = amounts(&line.totals);
        out.record([
            month.as_str(),
            status,
            "LINJE",
            line.company_id.as_str(),
            &line.org_number,
            &super::csv_file::spreadsheet_text(&line.name),
            &super::csv_file::spreadsheet_text(&line.invoice_email),
            &count,
            &price,
            &contribution,
            &deduction,
        ]);
    }
    let [count, price, contribution, deduction] = amounts(&basis.totals);
    out.record([
        month.as_str(),
        status,
        "SUM",
        "",
        "",
        "",
        "",
        &count,
        &price,
        &contribution,
        &deduction,
    ]);
    Ok(out.finish())
}
