//! Types anyone may see: the tariff, an order link's form, and the viewer.

use async_graphql::{SimpleObject, ID};
use bedrift_domain::tariff::{agder, TariffVersion};

use super::company::CompanyView;
use super::enums::{OrderingPolicy, TravellerCategory, ViewerKind, ZoneClass};
use crate::graphql::scalars::{Date, Money};

/// A zone of the region.
#[derive(Debug, Clone, SimpleObject)]
pub struct ZoneView {
    /// Stable code, as orders name it.
    pub id: String,
    /// Name shown to people.
    pub name: String,
}

/// One monthly price.
#[derive(Debug, Clone, SimpleObject)]
pub struct PriceView {
    /// Zone class.
    pub zone_class: ZoneClass,
    /// Traveller category.
    pub category: TravellerCategory,
    /// Monthly price.
    pub monthly: Money,
}

/// The tariff version in force on a day (R16).
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "Tariff")]
pub struct TariffView {
    /// First day it is in force.
    pub valid_from: Date,
    /// The zones.
    pub zones: Vec<ZoneView>,
    /// Pairs of neighbouring zone codes.
    pub neighbours: Vec<Vec<String>>,
    /// One price per zone class and category.
    pub prices: Vec<PriceView>,
    /// Whether this is the example version a new installation starts with (Agder's zones with
    /// example prices), not one the operator published: pages say the prices are examples.
    pub example: bool,
}

impl From<&TariffVersion> for TariffView {
    fn from(version: &TariffVersion) -> Self {
        Self {
            example: *version == agder::example_version(),
            valid_from: Date(version.valid_from),
            zones: version
                .zone_map
                .zones
                .iter()
                .map(|z| ZoneView {
                    id: z.id.to_string(),
                    name: z.name.clone(),
                })
                .collect(),
            neighbours: version
                .zone_map
                .neighbours
                .iter()
                .map(|(a, b)| vec![a.to_string(), b.to_string()])
                .collect(),
            prices: version
                .prices
                .iter()
                .map(|p| PriceView {
                    zone_class: p.class.into(),
                    category: p.category.into(),
                    monthly: Money(p.monthly),
                })
                .collect(),
        }
    }
}

/// An extra field on a company's order form.
#[derive(Debug, Clone, SimpleObject)]
pub struct FormField {
    /// The label shown, also the key of the answer.
    pub label: String,
    /// Whether it must be filled in.
    pub required: bool,
}

/// What the order page of an order link shows (public).
#[derive(Debug, Clone, SimpleObject)]
pub struct OrderForm {
    /// The company's name.
    pub company_name: String,
    /// Whether employees may order (R6).
    pub ordering_policy: OrderingPolicy,
    /// The start date of an order placed today: the first of next month (R2).
    pub start_date: Date,
    /// HIDDEN, OPTIONAL or REQUIRED.
    pub employee_number: String,
    /// The company's extra fields, in display order.
    pub extra_fields: Vec<FormField>,
    /// What the company pays of each ticket (R14), so the page can show the deduction.
    pub employer_contribution: super::settings::EmployerContributionView,
}

/// Who is logged in.
#[derive(Debug, Clone, SimpleObject)]
pub struct Viewer {
    /// Operator, administrator or employee.
    pub kind: ViewerKind,
    /// The account (operators and administrators).
    pub account_id: Option<ID>,
    /// The login e-mail (operators and administrators).
    pub email: Option<String>,
    /// The name (operators and administrators).
    pub name: Option<String>,
    /// The verified phone (employees).
    pub phone: Option<String>,
    /// The company of the order link (employees).
    pub company_id: Option<ID>,
    /// The companies an administrator manages.
    pub companies: Vec<CompanyView>,
}

/// A new session.
#[derive(Debug, Clone, SimpleObject)]
pub struct SessionPayload {
    /// The bearer token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// Who the session is for.
    pub viewer: Viewer,
}
