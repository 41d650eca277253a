//! From a sheet's rows to orders: which column is what, each row checked with every error
//! named by field and column, and each valid row's deterministic subscription id.
//!
//! Columns (headings case-insensitive, in any order): `Fornavn`, `Etternavn`, `Mobil`,
//! `Kategori`, `Soner` (required), `Startdato`, `Ansattnummer` (optional), and one per field of
//! the company's order form, headed by its label. The English API names (`firstName`, ...)
//! are accepted too. A heading that is none of these refuses the file, so a misspelt form
//! field is not dropped silently.
//!
//! A row is checked exactly as `createSubscription` checks its inputs (R3 names, R4 phone,
//! the tariff's zones, the form's answers), and then by the domain's own decision on an empty
//! subscription (R2: the start date from today up to 12 months ahead). R5 is decided when the
//! row is created, in the append; within one file the preview already marks a phone that is
//! on an earlier row.

use std::collections::{BTreeMap, HashMap};

use bedrift_domain::company::{FieldRequirement, OrderForm};
use bedrift_domain::subscription::{OrderDetails, Subscription, SubscriptionCommand};
use bedrift_domain::tariff::ZoneMap;
use bedrift_domain::values::{
    AccountId, CompanyId, EmployeeNumber, Language, PersonName, PhoneNumber, TravellerCategory,
    ZoneSelection,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::sheet::Sheet;
use super::ImportError;
use crate::graphql::ApiError;

/// The fixed columns: API field, Norwegian heading (as in the template), required.
pub const FIXED: [(&str, &str, bool); 7] = [
    ("firstName", "Fornavn", true),
    ("lastName", "Etternavn", true),
    ("phone", "Mobil", true),
    ("category", "Kategori", true),
    ("zones", "Soner", true),
    ("startDate", "Startdato", false),
    ("employeeNumber", "Ansattnummer", false),
];

/// What the `Soner` column says for the whole region.
pub const WHOLE_REGION: &str = "Hele regionen";

/// Where each column is in a sheet.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The fixed columns' positions, in the order of [`FIXED`].
    fixed: [Option<usize>; 7],
    /// The form fields' labels (as the form spells them) and positions.
    fields: Vec<(String, usize)>,
}

impl Columns {
    /// Finds the columns of `headings` for a company with `form`.
    pub fn find(headings: &[String], form: &OrderForm) -> Result<Self, ImportError> {
        let mut fixed = [None; 7];
        let mut fields = Vec::new();
        let mut unknown = Vec::new();
        for (position, heading) in headings.iter().enumerate() {
            if heading.is_empty() {
                continue;
            }
            let known = FIXED.iter().position(|(api, norwegian, _)| {
                heading.eq_ignore_ascii_case(api)
                    || heading.to_lowercase() == norwegian.to_lowercase()
            });
            if let Some(index) = known {
                fixed[index] = Some(position);
            } else if let Some(field) = form
                .extra_fields
                .iter()
                .find(|f| f.label.as_str().to_lowercase() == heading.to_lowercase())
            {
                fields.push((field.label.as_str().to_owned(), position));
            } else {
                unknown.push(heading.clone());
            }
        }
        if !unknown.is_empty() {
            return Err(ImportError::File(format!(
                "unknown column(s): {}. The columns are {}",
                unknown.join(", "),
                expected_columns(form)
            )));
        }
        let missing: Vec<&str> = FIXED
            .iter()
            .zip(fixed)
            .filter(|((_, _, required), found)| *required && found.is_none())
            .map(|((_, heading, _), _)| *heading)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::File(format!(
                "missing column(s): {}. The columns are {}",
                missing.join(", "),
                expected_columns(form)
            )));
        }
        Ok(Self { fixed, fields })
    }

    /// The columns found, as the template heads them, in template order.
    pub fn names(&self) -> Vec<String> {
        FIXED
            .iter()
            .zip(self.fixed)
            .filter(|(_, found)| found.is_some())
            .map(|((_, heading, _), _)| (*heading).to_owned())
            .chain(self.fields.iter().map(|(label, _)| label.clone()))
            .collect()
    }

    fn cell<'a>(&self, cells: &'a [String], index: usize) -> &'a str {
        self.fixed[index]
            .and_then(|position| cells.get(position))
            .map_or("", String::as_str)
    }
}

/// Every column heading a company's file may have, in template order.
pub fn headings(form: &OrderForm) -> Vec<String> {
    FIXED
        .iter()
        .map(|(_, heading, _)| (*heading).to_owned())
        .chain(
            form.extra_fields
                .iter()
                .map(|f| f.label.as_str().to_owned()),
        )
        .collect()
}

fn expected_columns(form: &OrderForm) -> String {
    headings(form).join(", ")
}

/// One input of a row that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The input as the API names it (`phone`, `startDate`, `extraFields[Avdeling]`).
    pub field: String,
    /// The column heading as the template spells it.
    pub column: String,
    /// What to change.
    pub message: String,
}

/// A row as written in the file (trimmed), for the preview to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowCells {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone.
    pub phone: String,
    /// Category.
    pub category: String,
    /// Zones.
    pub zones: String,
    /// Start date; empty for the default (first of next month).
    pub start_date: String,
    /// Employee number.
    pub employee_number: String,
    /// Answers to the form's fields, by label.
    pub extra_fields: BTreeMap<String, String>,
}

/// A row ready to become a subscription.
#[derive(Debug, Clone)]
pub struct ValidRow {
    /// Its subscription id, the same for the same company and row content in every upload.
    pub id: Uuid,
    /// The order.
    pub details: OrderDetails,
    /// Its first day; `None`: the first of next month.
    pub start_date: Option<NaiveDate>,
    /// The company's order form the row was checked against (the command checks it again).
    pub form: OrderForm,
}

/// A checked row.
#[derive(Debug, Clone)]
pub struct CheckedRow {
    /// The row number as the spreadsheet shows it.
    pub row: u32,
    /// What it says.
    pub cells: RowCells,
    /// What is wrong with it, per input; empty when it is valid.
    pub errors: Vec<FieldError>,
    /// The order, when there is nothing wrong.
    pub valid: Option<ValidRow>,
}

/// What a check needs besides the row.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    /// The company that pays.
    pub company: CompanyId,
    /// Its order form.
    pub form: &'a OrderForm,
    /// The tariff's zones.
    pub zones: &'a ZoneMap,
    /// Now, for R2.
    pub now: DateTime<Utc>,
    /// The administrator (or operator) creating them.
    pub by: AccountId,
}

/// Checks every row of `sheet`.
pub fn check_all(sheet: &Sheet, columns: &Columns, context: CheckContext<'_>) -> Vec<CheckedRow> {
    let mut phones: HashMap<String, u32> = HashMap::new();
    sheet
        .rows
        .iter()
        .map(|(row, cells)| {
            let mut checked = check(*row, cells, columns, context);
            if let Some(valid) = &checked.valid {
                let phone = valid.details.phone.as_str().to_owned();
                match phones.get(&phone) {
                    Some(first) => {
                        checked.errors.push(FieldError {
                            field: "phone".to_owned(),
                            column: "Mobil".to_owned(),
                            message: format!(
                                "the same phone is on row {first}: one live ticket per person (R5)"
                            ),
                        });
                        checked.valid = None;
                    }
                    None => {
                        phones.insert(phone, *row);
                    }
                }
            }
            checked
        })
        .collect()
}

/// Checks one row.
pub fn check(
    row: u32,
    cells: &[String],
    columns: &Columns,
    context: CheckContext<'_>,
) -> CheckedRow {
    let text = |index: usize| columns.cell(cells, index).to_owned();
    let row_cells = RowCells {
        first_name: text(0),
        last_name: text(1),
        phone: text(2),
        category: text(3),
        zones: text(4),
        start_date: text(5),
        employee_number: text(6),
        extra_fields: columns
            .fields
            .iter()
            .map(|(label, position)| {
                (
                    label.clone(),
                    cells.get(*position).cloned().unwrap_or_default(),
                )
            })
            .collect(),
    };
    let mut errors = Vec::new();
    let mut refuse = |error: ApiError, column: &str| {
        let (field, message) = match error {
            ApiError::BadUserInput { field, message, .. } => (field, message),
            other => (String::new(), other.to_string()),
        };
        errors.push(FieldError {
            field,
            column: column.to_owned(),
            message,
        });
    };
    let first_name = PersonName::parse(&row_cells.first_name)
        .map_err(|e| refuse(ApiError::invalid("firstName", e), "Fornavn"))
        .ok();
    let last_name = PersonName::parse(&row_cells.last_name)
        .map_err(|e| refuse(ApiError::invalid("lastName", e), "Etternavn"))
        .ok();
    let phone = PhoneNumber::parse(&row_cells.phone)
        .map_err(|e| refuse(ApiError::invalid("phone", e), "Mobil"))
        .ok();
    let category = category(&row_cells.category)
        .map_err(|message| refuse(ApiError::bad_input("category", message), "Kategori"))
        .ok();
    let zones = zones(&row_cells.zones, context.zones)
        .map_err(|e| refuse(e, "Soner"))
        .ok();
    let start_date = start_date(&row_cells.start_date)
        .map_err(|message| refuse(ApiError::bad_input("startDate", message), "Startdato"))
        .ok();
    let employee_number = employee_number(&row_cells.employee_number, context.form)
        .map_err(|e| refuse(e, "Ansattnummer"))
        .ok();
    let extra_fields = context
        .form
        .check_answers(&row_cells.extra_fields)
        .map_err(|e| {
            let error = ApiError::from(e);
            let column = match &error {
                ApiError::BadUserInput { field, .. } => field
                    .strip_prefix("extraFields[")
                    .and_then(|f| f.strip_suffix(']'))
                    .unwrap_or(field)
                    .to_owned(),
                _ => String::new(),
            };
            refuse(error, &column);
        })
        .ok();
    let valid = match (
        first_name,
        last_name,
        phone,
        category,
        zones,
        start_date,
        employee_number,
        extra_fields,
    ) {
        (
            Some(first_name),
            Some(last_name),
            Some(phone),
            Some(category),
            Some(zones),
            Some(start_date),
            Some(employee_number),
            Some(extra_fields),
        ) => {
            let details = OrderDetails {
                company: context.company,
                phone,
                first_name,
                last_name,
                employee_number,
                extra_fields,
                zones,
                category,
                language: Language::default(),
            };
            // R2 and whatever else the domain decides about an administrator's subscription,
            // by the domain itself on an empty subscription (R5 needs the log: the append).
            let decided = Subscription::default().decide(
                SubscriptionCommand::Create {
                    details: details.clone(),
                    form: context.form.clone(),
                    start_date,
                    by: context.by,
                },
                context.now,
            );
            match decided {
                Ok(_) => Some(ValidRow {
                    id: row_id(context.company, &details, start_date),
                    details,
                    form: context.form.clone(),
                    start_date,
                }),
                Err(e) => {
                    let error = ApiError::from(e);
                    let column = match &error {
                        ApiError::BadUserInput { field, .. } => column_of(field),
                        _ => String::new(),
                    };
                    refuse(error, &column);
                    None
                }
            }
        }
        _ => None,
    };
    CheckedRow {
        row,
        cells: row_cells,
        errors,
        valid,
    }
}

/// The template heading of an API field name.
fn column_of(field: &str) -> String {
    FIXED
        .iter()
        .find(|(api, _, _)| *api == field)
        .map_or_else(|| field.to_owned(), |(_, heading, _)| (*heading).to_owned())
}

/// A category by its Norwegian name (`Ung voksen`) or API code (`YOUNG_ADULT`).
fn category(text: &str) -> Result<TravellerCategory, String> {
    let wanted = text.trim().to_lowercase();
    TravellerCategory::ALL
        .into_iter()
        .find(|c| c.norwegian().to_lowercase() == wanted || c.code().to_lowercase() == wanted)
        .ok_or_else(|| {
            let names: Vec<&str> = TravellerCategory::ALL
                .iter()
                .map(|c| c.norwegian())
                .collect();
            format!("unknown category `{text}`: one of {}", names.join(", "))
        })
}

/// Zones by name or code, separated by `,`, `+` or `/`, or [`WHOLE_REGION`].
fn zones(text: &str, map: &ZoneMap) -> Result<ZoneSelection, ApiError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case(WHOLE_REGION) || text.eq_ignore_ascii_case("whole region") {
        return ZoneSelection::parse::<&str>(&[], true, map)
            .map_err(|e| ApiError::invalid("zones", e));
    }
    let codes: Vec<String> = text
        .split([',', '+', '/'])
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .map(|zone| {
            let wanted = zone.to_lowercase();
            map.zones
                .iter()
                .find(|z| z.name.to_lowercase() == wanted || z.id.as_str() == wanted)
                .map_or_else(|| zone.to_owned(), |z| z.id.as_str().to_owned())
        })
        .collect();
    if codes.is_empty() || codes.len() > 2 {
        return Err(ApiError::bad_input(
            "zones",
            format!(
                "write one zone, two neighbouring zones separated by a comma, or `{WHOLE_REGION}`"
            ),
        ));
    }
    ZoneSelection::parse(&codes, false, map).map_err(|e| ApiError::invalid("zones", e))
}

/// `YYYY-MM-DD` or `DD.MM.YYYY`; empty for the default.
fn start_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .map(Some)
        .map_err(|_| format!("`{text}` is not a date: write 2026-12-01 or 01.12.2026"))
}

fn employee_number(text: &str, form: &OrderForm) -> Result<Option<EmployeeNumber>, ApiError> {
    if text.is_empty() {
        return if form.employee_number == FieldRequirement::Required {
            Err(ApiError::bad_input(
                "employeeNumber",
                "the company's form requires an employee number",
            ))
        } else {
            Ok(None)
        };
    }
    EmployeeNumber::parse(text)
        .map(Some)
        .map_err(|e| ApiError::invalid("employeeNumber", e))
}

/// The subscription id of a row: a version-8 UUID from a SHA-256 over the company and the
/// row's validated content (not its position), so the same row uploaded again names the same
/// subscription and the log refuses it a second time.
fn row_id(company: CompanyId, details: &OrderDetails, start_date: Option<NaiveDate>) -> Uuid {
    let mut hash = Sha256::new();
    let mut part = |text: &str| {
        hash.update((text.len() as u64).to_be_bytes());
        hash.update(text.as_bytes());
    };
    part("bedrift subscription import v1");
    part(&company.to_string());
    part(details.phone.as_str());
    part(details.first_name.as_str());
    part(details.last_name.as_str());
    part(details.category.code());
    let zones: Vec<&str> = details.zones.zones().iter().map(|z| z.as_str()).collect();
    part(&zones.join(","));
    part(&start_date.map(|d| d.to_string()).unwrap_or_default());
    part(details.employee_number.as_ref().map_or("", |n| n.as_str()));
    for (label, answer) in &details.extra_fields {
        part(label);
        part(answer);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
