//! The billing function (R8, R12, R14): what a subscription is charged for a month, and how
//! the charge splits between the company and the employee's payroll deduction.
//!
//! It is a pure function of the subscription's and the company's events (folded into their
//! aggregates) and the published tariff. Read models call it; nothing re-implements it in SQL.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::clock::start_of_oslo_day;
use crate::company::ContributionHistory;
use crate::subscription::Subscription;
use crate::tariff::PriceList;
use crate::values::{Money, Month, TravellerCategory, ZoneSelection};

/// What one subscription is charged for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The month.
    pub month: Month,
    /// The zones charged for: the dearest of those valid in the month (R8).
    pub zones: ZoneSelection,
    /// The category.
    pub category: TravellerCategory,
    /// The full monthly price (R12).
    pub price: Money,
    /// What the company pays (R14), at most the price.
    pub employer_contribution: Money,
    /// What is deducted from the employee's pay: price minus contribution.
    pub deduction: Money,
}

/// Why a month could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BillingError {
    /// No tariff version was in force on the day the month is priced by.
    #[error("no tariff version is in force on {0}")]
    NoTariff(NaiveDate),
    /// The tariff in force has no price for the category and zone class.
    #[error("the tariff in force on {0} has no price for this ticket")]
    NoPrice(NaiveDate),
    /// Billing was asked about a subscription that was never ordered: a caller's mistake that
    /// must surface, never a month silently charged nothing.
    #[error("a subscription that was never ordered cannot be charged")]
    NotOrdered,
    /// No zones were valid on a day the ticket was valid: a broken zone history.
    #[error("no zones are valid on {0}, a day the ticket is valid")]
    NoZones(NaiveDate),
}

/// The charge of `subscription` for `month`, or `None` when it is valid on no day of it
/// (pending, rejected, withdrawn, or outside its valid days). A subscription that was never
/// ordered is an error ([`BillingError::NotOrdered`]), not a month without a charge.
///
/// R12: charged in full for every month in which it is valid on at least one day, at the price
/// in force on the first day of that month on which it is valid. R8: when two zone selections
/// are valid in the month, the dearer one is charged. R14: the employer contribution in force at
/// the month's last moment (for the current month: now, since no setting lies in the future).
pub fn charge(
    subscription: &Subscription,
    month: Month,
    prices: &PriceList,
    contributions: &ContributionHistory,
) -> Result<Option<Charge>, BillingError> {
    let subscription = subscription.ordered().ok_or(BillingError::NotOrdered)?;
    let Some((first_valid, last_valid)) = subscription.valid_days_in(month) else {
        return Ok(None);
    };
    let category = subscription.details.category;
    let tariff = prices
        .in_force(first_valid)
        .ok_or(BillingError::NoTariff(first_valid))?;
    let mut dearest: Option<(Money, &ZoneSelection)> = None;
    for zones in subscription.zones_between(first_valid, last_valid) {
        let price = tariff
            .price(zones.class(), category)
            .ok_or(BillingError::NoPrice(first_valid))?;
        if dearest.is_none_or(|(best, _)| price >= best) {
            dearest = Some((price, zones));
        }
    }
    // A valid day always has a zone period (the first starts on the start date, on or before
    // the first valid day, and each change starts where the one before ends).
    let Some((price, zones)) = dearest else {
        return Err(BillingError::NoZones(first_valid));
    };
    let month_ends = start_of_oslo_day(month.next().first_day());
    let employer_contribution = contributions.in_force_before(month_ends).of(price);
    Ok(Some(Charge {
        month,
        zones: zones.clone(),
        category,
        price,
        employer_contribution,
        deduction: price - employer_contribution,
    }))
}

#[cfg(test)]
mod tests;
