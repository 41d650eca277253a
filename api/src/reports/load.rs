//! What a payroll export is made from: the company as the directory read model has it (name,
//! organisation number, pay type code, order form and its cost allocation mapping), its payroll
//! deduction basis, read by the same query as the GraphQL `Company.payrollDeductionBasis`, and
//! the zone names files for people show.

use bedrift_domain::company::OrderForm;
use bedrift_domain::values::{CompanyId, Month};
use bedrift_projections::listing::{self, CompanyListing};
use bedrift_projections::queries::{payroll_basis, BillingStates, PayrollBasis, PayrollLine};
use bedrift_projections::ProjectionError;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::names::{zone_names, zone_text, ZoneNames};
use super::ReportError;

/// A company's payroll deduction basis for a month, with the company.
#[derive(Debug, Clone)]
pub struct PayrollExport {
    /// The company.
    pub company: CompanyListing,
    /// Its basis.
    pub basis: PayrollBasis,
    /// The labels of the company's order form fields, in form order: a column each in the
    /// generic CSV and the workbook.
    pub fields: Vec<String>,
    /// Zone names by zone code, as the tariff in force in the month names them (zones only
    /// in other versions by their latest name).
    pub zone_names: ZoneNames,
}

impl PayrollExport {
    /// The answer of `line` to the field `label`, or `""`.
    pub fn answer<'a>(&self, line: &'a PayrollLine, label: Option<&str>) -> &'a str {
        label
            .and_then(|label| line.answers.get(label))
            .map_or("", String::as_str)
    }

    /// The department of `line`: its answer to the field mapped as the department.
    pub fn department<'a>(&self, line: &'a PayrollLine) -> &'a str {
        self.answer(line, self.company.department_field.as_deref())
    }

    /// The cost centre (or project) of `line`: its answer to the field mapped as such.
    pub fn cost_centre<'a>(&self, line: &'a PayrollLine) -> &'a str {
        self.answer(line, self.company.cost_centre_field.as_deref())
    }

    /// The zones of `line` as people read them: names separated by `, `, or `Hele regionen`.
    pub fn zone_names_of(&self, line: &PayrollLine) -> String {
        zone_text(&line.charge.zones, &self.zone_names)
    }
}

/// Reads `company`'s basis for `month` as of `today` (which decides whether it is
/// preliminary), through `held`.
#[tracing::instrument(skip(pool, held))]
pub async fn load_payroll(
    pool: &PgPool,
    held: &BillingStates,
    company: CompanyId,
    month: Month,
    today: NaiveDate,
) -> Result<PayrollExport, ReportError> {
    let listing = listing::company(pool, company.as_uuid())
        .await?
        .ok_or(ReportError::CompanyNotFound)?;
    let form: OrderForm = serde_json::from_value(listing.order_form.clone())
        .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
    let basis = payroll_basis(pool, held, company, month, today).await?;
    let zone_names = zone_names(pool, month.first_day()).await?;
    Ok(PayrollExport {
        company: listing,
        basis,
        fields: form
            .extra_fields
            .iter()
            .map(|f| f.label.to_string())
            .collect(),
        zone_names,
    })
}
