//! Queries over the read models that need the domain: the payroll deduction basis and the
//! invoice basis, priced by the domain's billing function from the billing read model.

use std::collections::BTreeMap;

use bedrift_domain::billing::{charge, BillingError, Charge};
use bedrift_domain::company::{ContributionHistory, EmployerContribution};
use bedrift_domain::subscription::Subscription;
use bedrift_domain::tariff::PriceList;
use bedrift_domain::values::{CompanyId, Money, Month, SubscriptionId};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::read_models::tariff::price_list;
use crate::ProjectionError;

/// One line of a payroll deduction basis: one subscription charged in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollLine {
    /// The subscription.
    pub subscription_id: SubscriptionId,
    /// Employee number, if known.
    pub employee_number: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E.164 phone.
    pub phone: String,
    /// The charge: zones, category, price, contribution, deduction.
    pub charge: Charge,
    /// The answers to the company's order form fields, by field label, as they stand now.
    pub answers: BTreeMap<String, String>,
}

/// Sums of a set of charges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Number of subscriptions charged.
    pub subscriptions: u64,
    /// Sum of prices.
    pub price: Money,
    /// Sum of employer contributions.
    pub employer_contribution: Money,
    /// Sum of deductions.
    pub deduction: Money,
}

impl Totals {
    fn add(&mut self, charge: &Charge) {
        self.subscriptions += 1;
        self.price = self.price + charge.price;
        self.employer_contribution = self.employer_contribution + charge.employer_contribution;
        self.deduction = self.deduction + charge.deduction;
    }
}

/// A company's payroll deduction basis for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollBasis {
    /// The company.
    pub company_id: CompanyId,
    /// The month.
    pub month: Month,
    /// Lines, by last name, first name, then subscription.
    pub lines: Vec<PayrollLine>,
    /// Sums of the lines.
    pub totals: Totals,
    /// The month has not ended: the basis may still change.
    pub preliminary: bool,
}

/// The invoice basis of one company for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// The company.
    pub company_id: CompanyId,
    /// Sums of its charges.
    pub totals: Totals,
}

/// The operator's invoice basis for a month: one line per company with charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceBasis {
    /// The month.
    pub month: Month,
    /// One line per company, by company id.
    pub companies: Vec<InvoiceLine>,
    /// Sums across companies.
    pub totals: Totals,
    /// The month has not ended.
    pub preliminary: bool,
}

/// The billing rows that may be charged in a month (`$2` its first day, `$3` its last), of one
/// company (`$1`) or all (`$1` null), with the folded state as JSON text.
pub const CANDIDATES: &str =
    "SELECT subscription_id, company_id, state::text FROM billing_subscriptions
     WHERE approved AND ($1::uuid IS NULL OR company_id = $1)
       AND valid_from <= $3 AND (end_date IS NULL OR end_date >= $2)";

/// Subscriptions that may be charged in `month` (approved, valid on a day of it), with their
/// company, folded state.
async fn candidates(
    pool: &PgPool,
    company: Option<CompanyId>,
    month: Month,
) -> Result<Vec<(Uuid, Uuid, Subscription)>, ProjectionError> {
    // The state as text, parsed straight into a `Subscription` without a `serde_json::Value`
    // in between: the parse is most of a large company's basis (`bedrift bench exports`).
    let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(CANDIDATES)
        .bind(company.map(|c| c.as_uuid()))
        .bind(month.first_day())
        .bind(month.last_day())
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|(id, company, state)| {
            serde_json::from_str(&state)
                .map(|state| (id, company, state))
                .map_err(|e| ProjectionError::Corrupt(e.to_string()))
        })
        .collect()
}

/// Every company's contribution settings (or one company's), in the order they were set.
async fn contributions(
    pool: &PgPool,
    company: Option<CompanyId>,
) -> Result<BTreeMap<Uuid, ContributionHistory>, ProjectionError> {
    type Row = (Uuid, DateTime<Utc>, String, Option<i16>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT company_id, set_at, kind, percent, amount_ore FROM billing_contributions
         WHERE $1::uuid IS NULL OR company_id = $1 ORDER BY company_id, position",
    )
    .bind(company.map(|c| c.as_uuid()))
    .fetch_all(pool)
    .await?;
    let mut histories: BTreeMap<Uuid, ContributionHistory> = BTreeMap::new();
    for (company, set_at, kind, percent, amount) in rows {
        let contribution = match (kind.as_str(), percent, amount) {
            ("NONE", _, _) => EmployerContribution::None,
            ("PERCENT", Some(p), _) => EmployerContribution::Percent {
                percent: u8::try_from(p).map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
            },
            ("FIXED", _, Some(ore)) => EmployerContribution::Fixed {
                amount: Money::from_ore(ore)
                    .map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
            },
            _ => {
                return Err(ProjectionError::Corrupt(format!(
                    "contribution kind {kind}"
                )))
            }
        };
        histories
            .entry(company)
            .or_default()
            .record(set_at, contribution);
    }
    Ok(histories)
}

/// Prices every candidate of `month`: (subscription id, company id, state, charge).
async fn charges(
    pool: &PgPool,
    company: Option<CompanyId>,
    month: Month,
) -> Result<Vec<(Uuid, Uuid, Subscription, Charge)>, ProjectionError> {
    let mut conn = pool.acquire().await?;
    let prices: PriceList = price_list(&mut conn).await?;
    drop(conn);
    let (candidates, contributions) = tokio::try_join!(
        candidates(pool, company, month),
        contributions(pool, company)
    )?;
    let none = ContributionHistory::default();
    let mut charged = Vec::with_capacity(candidates.len());
    for (id, company, state) in candidates {
        let history = contributions.get(&company).unwrap_or(&none);
        if let Some(charge) = charge(&state, month, &prices, history)? {
            charged.push((id, company, state, charge));
        }
    }
    Ok(charged)
}

/// A company's payroll deduction basis for `month`, as of `today` (which decides whether it
/// is preliminary).
pub async fn payroll_basis(
    pool: &PgPool,
    company: CompanyId,
    month: Month,
    today: NaiveDate,
) -> Result<PayrollBasis, ProjectionError> {
    let mut totals = Totals::default();
    let mut lines: Vec<PayrollLine> = Vec::new();
    for (id, _, state, charge) in charges(pool, Some(company), month).await? {
        // `charge` refuses a subscription that was never ordered, so every charged one is.
        let ordered = state.ordered().ok_or(BillingError::NotOrdered)?;
        totals.add(&charge);
        let details = &ordered.details;
        lines.push(PayrollLine {
            subscription_id: SubscriptionId::from_uuid(id),
            employee_number: details.employee_number.as_ref().map(|n| n.to_string()),
            first_name: details.first_name.to_string(),
            last_name: details.last_name.to_string(),
            phone: details.phone.to_string(),
            charge,
            answers: details.extra_fields.clone(),
        });
    }
    lines.sort_by(|a, b| {
        (&a.last_name, &a.first_name, a.subscription_id).cmp(&(
            &b.last_name,
            &b.first_name,
            b.subscription_id,
        ))
    });
    Ok(PayrollBasis {
        company_id: company,
        month,
        lines,
        totals,
        preliminary: month.last_day() >= today,
    })
}

/// The invoice basis of `month` across all companies (or one), as of `today`.
pub async fn invoice_basis(
    pool: &PgPool,
    company: Option<CompanyId>,
    month: Month,
    today: NaiveDate,
) -> Result<InvoiceBasis, ProjectionError> {
    let mut per_company: BTreeMap<Uuid, Totals> = BTreeMap::new();
    let mut totals = Totals::default();
    for (_, company, _, charge) in charges(pool, company, month).await? {
        per_company.entry(company).or_default().add(&charge);
        totals.add(&charge);
    }
    Ok(InvoiceBasis {
        month,
        companies: per_company
            .into_iter()
            .map(|(company, totals)| InvoiceLine {
                company_id: CompanyId::from_uuid(company),
                totals,
            })
            .collect(),
        totals,
        preliminary: month.last_day() >= today,
    })
}
