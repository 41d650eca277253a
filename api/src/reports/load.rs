//! What a payroll export is made from: the company as the directory read model has it (name,
//! organisation number, pay type code, order form and its cost allocation mapping), its payroll
//! deduction basis, read by the same query as the GraphQL `Company.payrollDeductionBasis`, and
//! the zone names files for people show.

use std::collections::BTreeMap;

use bedrift_domain::company::OrderForm;
use bedrift_domain::values::{CompanyId, Month};
use bedrift_projections::listing::{self, CompanyListing};
use bedrift_projections::queries::{payroll_basis, PayrollBasis, PayrollLine};
use bedrift_projections::read_models::tariff::price_list;
use bedrift_projections::ProjectionError;
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
    /// The labels of the company's order form fields, in form order: a column each in the
    /// generic CSV and the workbook.
    pub fields: Vec<String>,
    /// Zone names by zone code, as the tariff in force in the month names them (zones only
    /// in other versions by their latest name).
    pub zone_names: BTreeMap<String, String>,
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
        let zones = line.charge.zones.zones();
        if zones.is_empty() {
            return "Hele regionen".to_owned();
        }
        zones
            .iter()
            .map(|zone| {
                self.zone_names
                    .get(zone.as_str())
                    .map_or(zone.as_str(), String::as_str)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
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
    let form: OrderForm = serde_json::from_value(listing.order_form.clone())
        .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
    let basis = payroll_basis(pool, company, month, today).await?;
    let mut conn = pool.acquire().await.map_err(ProjectionError::from)?;
    let prices = price_list(&mut conn).await?;
    let mut zone_names = BTreeMap::new();
    // Versions in date order: a later version in force by the month renames a zone, one
    // after it only names zones the earlier ones lack.
    for version in prices.versions() {
        let in_force = version.valid_from <= month.first_day();
        for zone in &version.zone_map.zones {
            let code = zone.id.as_str().to_owned();
            if in_force || !zone_names.contains_key(&code) {
                zone_names.insert(code, zone.name.clone());
            }
        }
    }
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
