//! Inputs shared by several mutations, and turning them into validated domain values with the
//! input's name on every refusal.

use std::collections::BTreeMap;

use async_graphql::{InputObject, ID};
use bedrift_domain::subscription::{EmployeeDetails, OrderDetails};
use bedrift_domain::tariff::{Tariff, ZoneMap, TARIFF_ID};
use bedrift_domain::values::{
    CompanyId, EmployeeNumber, OrderLinkToken, PersonName, PhoneNumber, ZoneSelection,
};

use crate::graphql::types::enums::{LanguageView, TravellerCategory};
use crate::graphql::ApiError;
use crate::AppState;

/// An answer to one of the company's extra order-form fields.
#[derive(Debug, Clone, InputObject)]
pub struct FieldAnswerInput {
    /// The field's label.
    pub label: String,
    /// The answer.
    pub value: String,
}

/// An order, as typed on the order form or in the portal.
#[derive(Debug, Clone, InputObject)]
pub struct OrderInput {
    /// First name as on the traveller's ID (R3).
    pub first_name: String,
    /// Last name as on the traveller's ID (R3).
    pub last_name: String,
    /// Employee number, when the form asks for it.
    pub employee_number: Option<String>,
    /// One zone code, or two neighbouring ones; empty with `wholeRegion`.
    pub zones: Vec<String>,
    /// The whole region instead of one or two zones.
    #[graphql(default)]
    pub whole_region: bool,
    /// Traveller category.
    pub category: TravellerCategory,
    /// Answers to the company's extra fields.
    #[graphql(default)]
    pub extra_fields: Vec<FieldAnswerInput>,
    /// The language the order is made in; the SMS about it go out in it. Bokmål when left out.
    pub language: Option<LanguageView>,
}

/// The employee's details as an administrator corrects them (R18): every value as it should
/// stand afterwards, not only the changed ones.
#[derive(Debug, Clone, InputObject)]
pub struct EmployeeDetailsInput {
    /// First name as on the traveller's ID (R3).
    pub first_name: String,
    /// Last name as on the traveller's ID (R3).
    pub last_name: String,
    /// Employee number; null or empty for none (refused when the company's form requires it).
    pub employee_number: Option<String>,
    /// Every answer to the company's extra fields; a field left out or empty has no answer.
    #[graphql(default)]
    pub extra_fields: Vec<FieldAnswerInput>,
}

/// The validated details of `input`, refused with the input's name as at ordering
/// (`firstName`, `lastName`, `employeeNumber`, `extraFields`); the company's form is checked
/// by the domain (`extraFields[<label>]`, `employeeNumber`).
pub fn employee_details(
    first_name: &str,
    last_name: &str,
    employee_number: Option<&str>,
    extra_fields: Vec<FieldAnswerInput>,
) -> Result<EmployeeDetails, ApiError> {
    let first_name =
        PersonName::parse(first_name).map_err(|e| ApiError::invalid("firstName", e))?;
    let last_name = PersonName::parse(last_name).map_err(|e| ApiError::invalid("lastName", e))?;
    let employee_number = employee_number
        .filter(|n| !n.trim().is_empty())
        .map(EmployeeNumber::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("employeeNumber", e))?;
    if extra_fields.len() > 20 {
        return Err(ApiError::bad_input("extraFields", "too many answers"));
    }
    let extra_fields: BTreeMap<String, String> = extra_fields
        .into_iter()
        .map(|a| (a.label, a.value))
        .collect();
    Ok(EmployeeDetails {
        first_name,
        last_name,
        employee_number,
        extra_fields,
    })
}

impl EmployeeDetailsInput {
    /// The validated details; see [`employee_details`].
    pub fn parse(self) -> Result<EmployeeDetails, ApiError> {
        employee_details(
            &self.first_name,
            &self.last_name,
            self.employee_number.as_deref(),
            self.extra_fields,
        )
    }
}

/// A phone number, refused as `BAD_USER_INPUT` on `phone`.
pub fn phone(text: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::parse(text).map_err(|e| ApiError::invalid("phone", e))
}

/// Parses `id` as a UUID, refused on `field`.
pub fn uuid(id: &ID, field: &str) -> Result<uuid::Uuid, ApiError> {
    crate::graphql::parse_id(id, field)
}

/// The zone map of the tariff in force today (or the latest, before the first one starts),
/// from the tariff's own events (the write side), so a tariff installed or published a
/// moment ago applies at once.
pub async fn zone_map(state: &AppState) -> Result<ZoneMap, ApiError> {
    let tariff = state.load::<Tariff>(TARIFF_ID.to_owned()).await?;
    let prices = tariff.price_list();
    let version = prices
        .in_force(state.clock.today())
        .or_else(|| prices.versions().last())
        .ok_or_else(|| ApiError::InvalidState("no tariff is published yet".into()))?;
    Ok(version.zone_map.clone())
}

/// A zone selection checked against the tariff.
pub async fn zones(
    state: &AppState,
    zones: &[String],
    whole_region: bool,
) -> Result<ZoneSelection, ApiError> {
    if zones.len() > 2 {
        return Err(ApiError::bad_input(
            "zones",
            "choose one zone, two neighbouring zones, or the whole region",
        ));
    }
    let map = zone_map(state).await?;
    ZoneSelection::parse(zones, whole_region, &map).map_err(|e| ApiError::invalid("zones", e))
}

/// The validated order of `input` for `phone` at `company`.
pub async fn order_details(
    state: &AppState,
    company: CompanyId,
    phone: PhoneNumber,
    input: OrderInput,
) -> Result<OrderDetails, ApiError> {
    let EmployeeDetails {
        first_name,
        last_name,
        employee_number,
        extra_fields,
    } = employee_details(
        &input.first_name,
        &input.last_name,
        input.employee_number.as_deref(),
        input.extra_fields,
    )?;
    Ok(OrderDetails {
        company,
        phone,
        first_name,
        last_name,
        employee_number,
        extra_fields,
        zones: zones(state, &input.zones, input.whole_region).await?,
        category: input.category.into(),
        language: input.language.map(Into::into).unwrap_or_default(),
    })
}

/// A new unguessable order link token (244 random bits).
pub fn new_order_link_token() -> OrderLinkToken {
    let text = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    OrderLinkToken::parse(&text).expect("64 hex digits make a valid token")
}
