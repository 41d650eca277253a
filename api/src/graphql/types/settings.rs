//! A company's settings as the API shows and takes them: the order form, the employer
//! contribution (R14) and the payroll settings.

use async_graphql::{Enum, SimpleObject};
use bedrift_domain::company;
use bedrift_projections::listing::CompanyListing;

use super::public::FormField;
use crate::graphql::scalars::Money;
use crate::graphql::ApiError;

/// Whether the order form asks for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum FieldRequirement {
    /// Not asked for.
    Hidden,
    /// Asked for, may be left empty.
    Optional,
    /// Must be filled in.
    Required,
}

impl From<FieldRequirement> for company::FieldRequirement {
    fn from(requirement: FieldRequirement) -> Self {
        match requirement {
            FieldRequirement::Hidden => Self::Hidden,
            FieldRequirement::Optional => Self::Optional,
            FieldRequirement::Required => Self::Required,
        }
    }
}

impl From<company::FieldRequirement> for FieldRequirement {
    fn from(requirement: company::FieldRequirement) -> Self {
        match requirement {
            company::FieldRequirement::Hidden => Self::Hidden,
            company::FieldRequirement::Optional => Self::Optional,
            company::FieldRequirement::Required => Self::Required,
        }
    }
}

/// The order form a company's employees fill in.
#[derive(Debug, Clone, SimpleObject)]
pub struct OrderFormSettings {
    /// Whether the employee number is asked for.
    pub employee_number: FieldRequirement,
    /// The extra fields, in display order.
    pub extra_fields: Vec<FormField>,
}

impl From<company::OrderForm> for OrderFormSettings {
    fn from(form: company::OrderForm) -> Self {
        Self {
            employee_number: form.employee_number.into(),
            extra_fields: form
                .extra_fields
                .into_iter()
                .map(|f| FormField {
                    label: f.label.to_string(),
                    required: f.required,
                })
                .collect(),
        }
    }
}

/// How the employer contribution is given (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ContributionKind {
    /// The employee pays everything.
    None,
    /// The company pays a percentage (0-100) of the price, rounded to whole øre, half up.
    Percent,
    /// The company pays a fixed amount per month, at most the price.
    Fixed,
}

/// What the company pays of each ticket (R14); a change applies from the current month on.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "EmployerContribution")]
pub struct EmployerContributionView {
    /// None, a percentage or a fixed amount.
    pub kind: ContributionKind,
    /// The percentage, for `PERCENT`.
    pub percent: Option<i32>,
    /// The amount per month, for `FIXED`.
    pub amount: Option<Money>,
}

impl TryFrom<&CompanyListing> for EmployerContributionView {
    type Error = ApiError;

    fn try_from(row: &CompanyListing) -> Result<Self, ApiError> {
        let corrupt = || {
            ApiError::internal(&std::io::Error::other(format!(
                "stored contribution {} does not read",
                row.contribution_kind
            )))
        };
        Ok(match row.contribution_kind.as_str() {
            "NONE" => Self {
                kind: ContributionKind::None,
                percent: None,
                amount: None,
            },
            "PERCENT" => Self {
                kind: ContributionKind::Percent,
                percent: Some(i32::from(row.contribution_percent.ok_or_else(corrupt)?)),
                amount: None,
            },
            "FIXED" => {
                let ore = row.contribution_amount_ore.ok_or_else(corrupt)?;
                let amount = bedrift_domain::values::Money::from_ore(ore).map_err(|_| corrupt())?;
                Self {
                    kind: ContributionKind::Fixed,
                    percent: None,
                    amount: Some(Money(amount)),
                }
            }
            _ => return Err(corrupt()),
        })
    }
}
