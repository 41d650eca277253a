//! The payroll deduction basis (lønnstrekkgrunnlag) of a company and month.

use async_graphql::{SimpleObject, ID};
use bedrift_projections::queries;

use super::enums::{TravellerCategory, ZoneClass};
use crate::graphql::scalars::{Money, Month};

/// One subscription charged in the month.
#[derive(Debug, Clone, SimpleObject)]
pub struct PayrollLine {
    /// The subscription.
    pub subscription_id: ID,
    /// Employee number, if known.
    pub employee_number: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Mobile number, E.164.
    pub phone: String,
    /// The zone codes charged (empty for the whole region).
    pub zones: Vec<String>,
    /// The price class charged: the dearest valid in the month (R8).
    pub zone_class: ZoneClass,
    /// The traveller category.
    pub category: TravellerCategory,
    /// The full monthly price (R12).
    pub price: Money,
    /// What the company pays (R14).
    pub employer_contribution: Money,
    /// What is deducted from the employee's pay.
    pub deduction: Money,
}

/// Sums of the lines.
#[derive(Debug, Clone, SimpleObject)]
pub struct PayrollTotals {
    /// Subscriptions charged.
    pub subscriptions: i32,
    /// Sum of prices.
    pub price: Money,
    /// Sum of employer contributions.
    pub employer_contribution: Money,
    /// Sum of deductions.
    pub deduction: Money,
}

/// A company's payroll deduction basis for a month.
#[derive(Debug, Clone, SimpleObject)]
pub struct PayrollBasis {
    /// The month.
    pub month: Month,
    /// Whether the month has not ended yet, so the basis may still change.
    pub preliminary: bool,
    /// One line per subscription charged, by last name and first name.
    pub lines: Vec<PayrollLine>,
    /// Sums of the lines.
    pub totals: PayrollTotals,
}

impl From<queries::PayrollBasis> for PayrollBasis {
    fn from(basis: queries::PayrollBasis) -> Self {
        Self {
            month: Month(basis.month),
            preliminary: basis.preliminary,
            lines: basis
                .lines
                .into_iter()
                .map(|line| PayrollLine {
                    subscription_id: ID(line.subscription_id.to_string()),
                    employee_number: line.employee_number,
                    first_name: line.first_name,
                    last_name: line.last_name,
                    phone: line.phone,
                    zones: line
                        .charge
                        .zones
                        .zones()
                        .into_iter()
                        .map(ToString::to_string)
                        .collect(),
                    zone_class: line.charge.zones.class().into(),
                    category: line.charge.category.into(),
                    price: Money(line.charge.price),
                    employer_contribution: Money(line.charge.employer_contribution),
                    deduction: Money(line.charge.deduction),
                })
                .collect(),
            totals: PayrollTotals {
                subscriptions: i32::try_from(basis.totals.subscriptions).unwrap_or(i32::MAX),
                price: Money(basis.totals.price),
                employer_contribution: Money(basis.totals.employer_contribution),
                deduction: Money(basis.totals.deduction),
            },
        }
    }
}
