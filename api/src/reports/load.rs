//! What a payroll export is made from: the company as the directory read model has it (name,
//! organisation number, pay type code) and its payroll deduction basis, read by the same
//! query as the GraphQL `Company.payrollDeductionBasis`.

use bedrift_domain::values::{CompanyId, Month};
use bedrift_projections::listing::{self, CompanyListing};
use bedrift_projections::queries::{payroll_basis, PayrollBasis};
use chrono::NaiveDate;
use sqlx::PgPool;

use super::ReportError;

/// A company's payroll deduction basis for a month, with the company.
#[derive(Debug, Clone)]
pub struct PayrollExport {
    /// The company.
    pub company: CompanyListing,
    /// Its basis.
    pub basis: PayrollBasis,
}

/// Reads `company`'s basis for `month` as of `today` (which decides whether it is
/// preliminary).
#[tracing::instrument(skip(pool))]
pub async fn load_payroll(
    pool: &PgPool,
    company: CompanyId,
    month: Month,
    today: NaiveDate,
) -> Result<PayrollExport, ReportError> {
    let listing = listing::company(pool, company.as_uuid())
        .await?
        .ok_or(ReportError::CompanyNotFound)?;
    let basis = payroll_basis(pool, company, month, today).await?;
    Ok(PayrollExport {
        company: listing,
        basis,
    })
}
