//! A company's settings: ordering policy (R6), order form, employer contribution (R14).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::values::{BoundedText, FormInput, FormProblem, InvalidValue, Money};

/// Whether and how employees may order through the order link (R6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderingPolicy {
    /// No self-service: employee orders are refused; administrators may still create.
    #[default]
    Closed,
    /// Employees order; an administrator approves or rejects each order.
    ApprovalRequired,
    /// Employees order and each order is approved at once.
    AutomaticApproval,
}

/// Whether a form field must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldRequirement {
    /// Not asked for.
    Hidden,
    /// Asked for, may be left empty.
    Optional,
    /// Must be filled in.
    Required,
}

/// A company-defined extra field on the order form, such as department or cost centre.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExtraField {
    /// The label shown, also the key of the answer; 1-50 characters.
    pub label: BoundedText,
    /// Whether it must be filled in.
    pub required: bool,
}

/// The order form: standard (employee number optional, no extra fields) or customised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderForm {
    /// Whether the employee number is asked for.
    pub employee_number: FieldRequirement,
    /// Extra fields, in display order; labels are unique.
    pub extra_fields: Vec<ExtraField>,
}

/// Why an order form was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrderFormError {
    /// Two extra fields with the same label.
    #[error("the field `{0}` is listed twice")]
    DuplicateLabel(String),
    /// More extra fields than a form can hold.
    #[error(
        "an order form can have at most {} extra fields",
        OrderForm::MAX_EXTRA_FIELDS
    )]
    TooManyFields,
}

/// Longest answer to an extra field, in characters.
pub const MAX_FIELD_ANSWER: usize = 200;

impl OrderForm {
    /// The most extra fields a form can have.
    pub const MAX_EXTRA_FIELDS: usize = 10;

    /// The recommended form.
    pub fn standard() -> Self {
        Self {
            employee_number: FieldRequirement::Optional,
            extra_fields: Vec::new(),
        }
    }

    /// A customised form; labels must be unique.
    pub fn custom(
        employee_number: FieldRequirement,
        extra_fields: Vec<ExtraField>,
    ) -> Result<Self, OrderFormError> {
        if extra_fields.len() > Self::MAX_EXTRA_FIELDS {
            return Err(OrderFormError::TooManyFields);
        }
        for (index, field) in extra_fields.iter().enumerate() {
            if extra_fields[..index].iter().any(|f| f.label == field.label) {
                return Err(OrderFormError::DuplicateLabel(field.label.to_string()));
            }
        }
        Ok(Self {
            employee_number,
            extra_fields,
        })
    }

    /// Checks the answers to the extra fields: every required one answered, no unknown labels,
    /// each answer at most 200 characters. Empty answers are dropped. A refusal names the field
    /// ([`InvalidValue::Form`]); of several missing answers, the first in display order. Returns the answers, trimmed.
    pub fn check_answers(
        &self,
        answers: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, InvalidValue> {
        let mut checked = BTreeMap::new();
        let refused = |label: &str, problem| InvalidValue::Form {
            input: FormInput::ExtraField(label.to_owned()),
            problem,
        };
        for (label, answer) in answers {
            if !self.extra_fields.iter().any(|f| f.label.as_str() == label) {
                return Err(refused(label, FormProblem::Unknown));
            }
            let answer =
                BoundedText::parse(answer, "an answer", 0, MAX_FIELD_ANSWER).map_err(|error| {
                    match error {
                        InvalidValue::TextLength { .. } => refused(label, FormProblem::TooLong),
                        _ => refused(label, FormProblem::Characters),
                    }
                })?;
            if !answer.as_str().is_empty() {
                checked.insert(label.clone(), answer.to_string());
            }
        }
        if let Some(missing) = self
            .extra_fields
            .iter()
            .find(|f| f.required && !checked.contains_key(f.label.as_str()))
        {
            return Err(refused(missing.label.as_str(), FormProblem::Missing));
        }
        Ok(checked)
    }
}

impl Default for OrderForm {
    fn default() -> Self {
        Self::standard()
    }
}

/// How much of the price the company pays (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmployerContribution {
    /// The employee pays everything.
    #[default]
    None,
    /// The company pays this percentage (0-100) of the price, rounded to whole øre, half up.
    Percent {
        /// 0-100.
        percent: u8,
    },
    /// The company pays this much per month, at most the price.
    Fixed {
        /// Per month.
        amount: Money,
    },
}

impl EmployerContribution {
    /// A percentage contribution; refuses more than 100.
    pub fn percent(percent: u8) -> Result<Self, InvalidValue> {
        if percent > 100 {
            return Err(InvalidValue::Money("a percentage is between 0 and 100"));
        }
        Ok(Self::Percent { percent })
    }

    /// What the company pays of `price`: capped at the price.
    pub fn of(self, price: Money) -> Money {
        match self {
            Self::None => Money::ZERO,
            Self::Percent { percent } => price.percent(percent.min(100)),
            Self::Fixed { amount } => amount.min(price),
        }
    }
}

/// Every employer-contribution setting a company has had, with when it was set: R14 takes the
/// one in force at a month's last moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionHistory(Vec<(DateTime<Utc>, EmployerContribution)>);

impl ContributionHistory {
    /// Records a setting made at `at` (settings arrive in time order).
    pub fn record(&mut self, at: DateTime<Utc>, contribution: EmployerContribution) {
        self.0.push((at, contribution));
    }

    /// The setting in force just before `instant`.
    pub fn in_force_before(&self, instant: DateTime<Utc>) -> EmployerContribution {
        self.0
            .iter()
            .rev()
            .find(|(at, _)| *at < instant)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    /// The settings, oldest first.
    pub fn entries(&self) -> &[(DateTime<Utc>, EmployerContribution)] {
        &self.0
    }
}
