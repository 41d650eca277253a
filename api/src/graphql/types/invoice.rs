//! The invoice basis (fakturagrunnlag) of a month: what each company is charged (R12), with
//! its employer contributions and payroll deductions.

use async_graphql::{SimpleObject, ID};
use bedrift_projections::listing::{self, CompanyListing};
use bedrift_projections::queries;
use sqlx::PgPool;

use super::payroll::PayrollTotals;
use crate::graphql::scalars::{Money, Month};
use crate::graphql::ApiError;

/// One company's charges in the month.
#[derive(Debug, Clone, SimpleObject)]
pub struct InvoiceLine {
    /// The company.
    pub company_id: ID,
    /// Its organisation number.
    pub org_number: String,
    /// Its name.
    pub name: String,
    /// Where its invoice goes.
    pub invoice_email: String,
    /// Sums of its subscriptions charged in the month.
    pub totals: PayrollTotals,
}

/// The invoice basis of a month.
#[derive(Debug, Clone, SimpleObject)]
pub struct InvoiceBasis {
    /// The month.
    pub month: Month,
    /// Whether the month has not ended yet, so the basis may still change.
    pub preliminary: bool,
    /// One line per company with charges, by name.
    pub lines: Vec<InvoiceLine>,
    /// Sums across the lines.
    pub totals: PayrollTotals,
}

/// The API form of a set of sums.
pub fn totals(totals: queries::Totals) -> PayrollTotals {
    PayrollTotals {
        subscriptions: i32::try_from(totals.subscriptions).unwrap_or(i32::MAX),
        price: Money(totals.price),
        employer_contribution: Money(totals.employer_contribution),
        deduction: Money(totals.deduction),
    }
}

impl InvoiceBasis {
    /// The API form of `basis`, with each company's name and numbers from the directory.
    pub async fn load(pool: &PgPool, basis: queries::InvoiceBasis) -> Result<Self, ApiError> {
        let ids: Vec<uuid::Uuid> = basis
            .companies
            .iter()
            .map(|l| l.company_id.as_uuid())
            .collect();
        let companies: Vec<CompanyListing> = listing::companies_by_ids(pool, &ids).await?;
        let mut lines: Vec<InvoiceLine> = basis
            .companies
            .into_iter()
            .map(|line| {
                let id = line.company_id.as_uuid();
                let company = companies.iter().find(|c| c.company_id == id);
                InvoiceLine {
                    company_id: ID(id.to_string()),
                    org_number: company.map(|c| c.org_number.clone()).unwrap_or_default(),
                    name: company.map(|c| c.name.clone()).unwrap_or_default(),
                    invoice_email: company.map(|c| c.invoice_email.clone()).unwrap_or_default(),
                    totals: totals(line.totals),
                }
            })
            .collect();
        lines.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.org_number).cmp(&(b.name.to_lowercase(), &b.org_number))
        });
        Ok(Self {
            month: Month(basis.month),
            preliminary: basis.preliminary,
            lines,
            totals: totals(basis.totals),
        })
    }
}
