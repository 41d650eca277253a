//! Mutations of a company's settings (its administrators and operators): its name and invoice
//! address, the order form, the employer contribution (R14) and the payroll settings. Each returns the company as the read
//! models show it after the change.

use async_graphql::{Context, InputObject, Object, Result, ID};
use bedrift_domain::company::{
    Company, CompanyCommand, EmployerContribution, ExtraField, OrderForm,
};
use bedrift_domain::values::{BoundedText, EmailAddress, PayTypeCode};

use super::input::uuid;
use crate::graphql::context::parts;
use crate::graphql::scalars::Money;
use crate::graphql::types::company::CompanyView;
use crate::graphql::types::settings::{ContributionKind, FieldRequirement};
use crate::graphql::ApiError;
use crate::AppState;

/// Settings mutations.
#[derive(Debug, Default)]
pub struct SettingsMutations;

/// An extra field on the order form.
#[derive(Debug, Clone, InputObject)]
pub struct ExtraFieldInput {
    /// The label shown, also the key of the answer: 1-50 characters, unique on the form.
    pub label: String,
    /// Whether it must be filled in.
    #[graphql(default)]
    pub required: bool,
}

/// The order form a company's employees fill in.
#[derive(Debug, Clone, InputObject)]
pub struct OrderFormInput {
    /// Whether the employee number is asked for.
    pub employee_number: FieldRequirement,
    /// Extra fields (at most 10), in display order.
    #[graphql(default)]
    pub extra_fields: Vec<ExtraFieldInput>,
}

/// What the company pays of each ticket (R14).
#[derive(Debug, Clone, InputObject)]
pub struct EmployerContributionInput {
    /// None, a percentage or a fixed amount.
    pub kind: ContributionKind,
    /// For `PERCENT` only: 0-100.
    pub percent: Option<i32>,
    /// For `FIXED` only: the amount per month; the company never pays more than the price.
    pub amount: Option<Money>,
}

impl EmployerContributionInput {
    /// The domain's contribution, or `BAD_USER_INPUT` on the input at fault.
    fn contribution(&self) -> Result<EmployerContribution, ApiError> {
        let unexpected = |field: &str, kind: &str| {
            ApiError::bad_input(field, format!("leave `{field}` out for {kind}"))
        };
        match self.kind {
            ContributionKind::None => {
                if self.percent.is_some() {
                    return Err(unexpected("percent", "NONE"));
                }
                if self.amount.is_some() {
                    return Err(unexpected("amount", "NONE"));
                }
                Ok(EmployerContribution::None)
            }
            ContributionKind::Percent => {
                if self.amount.is_some() {
                    return Err(unexpected("amount", "PERCENT"));
                }
                let percent = self
                    .percent
                    .ok_or_else(|| ApiError::bad_input("percent", "give a percentage, 0-100"))?;
                u8::try_from(percent)
                    .ok()
                    .and_then(|p| EmployerContribution::percent(p).ok())
                    .ok_or_else(|| ApiError::bad_input("percent", "a percentage is 0-100"))
            }
            ContributionKind::Fixed => {
                if self.percent.is_some() {
                    return Err(unexpected("percent", "FIXED"));
                }
                let amount = self
                    .amount
                    .ok_or_else(|| ApiError::bad_input("amount", "give the amount per month"))?;
                Ok(EmployerContribution::Fixed { amount: amount.0 })
            }
        }
    }
}

/// The order form of `input`, or `BAD_USER_INPUT` on `extraFields`.
fn order_form(input: OrderFormInput) -> Result<OrderForm, ApiError> {
    if input.extra_fields.len() > OrderForm::MAX_EXTRA_FIELDS {
        return Err(ApiError::bad_input(
            "extraFields",
            format!(
                "an order form can have at most {} extra fields",
                OrderForm::MAX_EXTRA_FIELDS
            ),
        ));
    }
    let fields = input
        .extra_fields
        .into_iter()
        .map(|f| {
            Ok(ExtraField {
                label: BoundedText::parse(&f.label, "a field label", 1, 50)
                    .map_err(|e| ApiError::invalid("extraFields", e))?,
                required: f.required,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    OrderForm::custom(input.employee_number.into(), fields)
        .map_err(|e| ApiError::bad_input("extraFields", e.to_string()))
}

/// Checks access to `company_id`, runs `command` (built for the caller) on it and returns the
/// company after the change.
async fn change(
    ctx: &Context<'_>,
    company_id: &ID,
    command: impl FnOnce(bedrift_domain::metadata::Actor) -> CompanyCommand,
) -> Result<CompanyView, ApiError> {
    let (state, caller): (&AppState, _) = parts(ctx);
    let id = uuid(company_id, "companyId")?;
    caller.manage_now(state, id).await?;
    let command = command(caller.actor()?);
    let changed = caller
        .execute::<Company>(state, id.to_string(), command)
        .await?;
    CompanyView::of(id, &changed)
}

#[Object]
impl SettingsMutations {
    /// Changes the company's name (1-200 characters) and the e-mail address invoices go to.
    /// The organisation number never changes.
    async fn update_company_details(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The company's name, 1-200 characters.")] name: String,
        #[graphql(desc = "Where invoices go.")] invoice_email: String,
    ) -> Result<CompanyView> {
        let name = BoundedText::parse(&name, "the company's name", 1, 200)
            .map_err(|e| ApiError::invalid("name", e))?;
        let invoice_email = EmailAddress::parse(&invoice_email)
            .map_err(|e| ApiError::invalid("invoiceEmail", e))?;
        Ok(
            change(ctx, &company_id, |by| CompanyCommand::UpdateDetails {
                name,
                invoice_email,
                by,
            })
            .await?,
        )
    }

    /// Sets the order form: whether the employee number is asked for, and extra fields such
    /// as department or cost centre. Orders already placed keep their answers.
    async fn configure_order_form(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The new form.")] input: OrderFormInput,
    ) -> Result<CompanyView> {
        let form = order_form(input)?;
        Ok(
            change(ctx, &company_id, |by| CompanyCommand::ConfigureOrderForm {
                form,
                by,
            })
            .await?,
        )
    }

    /// Sets the employer contribution (R14). It applies from the current month on; ended
    /// months keep what they had.
    async fn set_employer_contribution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The new contribution.")] input: EmployerContributionInput,
    ) -> Result<CompanyView> {
        let contribution = input.contribution()?;
        Ok(change(ctx, &company_id, |by| {
            CompanyCommand::SetEmployerContribution { contribution, by }
        })
        .await?)
    }

    /// Sets the payroll settings: the pay type code (lønnsart) the import files carry, and
    /// which order form fields hold the department and the cost centre (or project) that the
    /// Visma Lønn and Tripletex files carry. Sets all three: an omitted mapping is "none". A
    /// mapping to a field the form lacks is refused (`BAD_USER_INPUT` on its argument).
    async fn set_payroll_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The pay type code of the payroll system, e.g. 5010.")]
        pay_type_code: String,
        #[graphql(
            desc = "The label of the order form field whose answer is the department \
                          (avdeling); omitted or null for none."
        )]
        department_field: Option<String>,
        #[graphql(
            desc = "The label of the order form field whose answer is the cost centre \
                          or project (koststed, prosjekt); omitted or null for none."
        )]
        cost_centre_field: Option<String>,
    ) -> Result<CompanyView> {
        let pay_type_code =
            PayTypeCode::parse(&pay_type_code).map_err(|e| ApiError::invalid("payTypeCode", e))?;
        let label = |value: Option<String>, field: &str| {
            value
                .filter(|v| !v.trim().is_empty())
                .map(|v| BoundedText::parse(&v, "a field label", 1, 50))
                .transpose()
                .map_err(|e| ApiError::invalid(field, e))
        };
        let department_field = label(department_field, "departmentField")?;
        let cost_centre_field = label(cost_centre_field, "costCentreField")?;
        Ok(
            change(ctx, &company_id, |by| CompanyCommand::SetPayrollSettings {
                pay_type_code,
                department_field,
                cost_centre_field,
                by,
            })
            .await?,
        )
    }
}
