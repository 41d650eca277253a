//! Bulk add (issue 14, item 5): an administrator uploads a CSV or Excel file of employees,
//! sees every row checked with an error per row and field ([`preview`]), then confirms and the
//! valid rows become subscriptions ([`import`]), each through the very command
//! `createSubscription` runs (`SubscriptionCommand::Create`, R2 and R5 in the append), as the
//! caller, with its own events and metadata.
//!
//! Uploading the same file again creates nothing twice: a row's subscription id is derived
//! from the company and the row's content ([`rows`]), so a row already created is refused by
//! its own aggregate and reported as `ALREADY_EXISTS`; a phone that has another live ticket at
//! the company is refused by R5 (`ALREADY_SUBSCRIBED`).
//!
//! Served at `/imports/subscriptions/{companyId}/...` ([`http`]), outside the GraphQL body
//! limit (a file of a thousand rows is larger than a GraphQL request needs to be).

pub mod http;
pub mod rows;
pub mod sheet;
mod template;

use bedrift_domain::company::Company;
use bedrift_domain::subscription::{Subscription, SubscriptionCommand};
use bedrift_domain::values::{AccountId, CompanyId};
use futures::stream::{self, StreamExt};
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::auth::Principal;
use crate::graphql::mutation::input::zone_map;
use crate::graphql::{ApiError, Caller};
use crate::AppState;
use rows::{CheckContext, CheckedRow, Columns, FieldError, RowCells};

pub use template::{template_csv, template_workbook};

/// How many rows are created at once: a few appends in flight keep a large file quick
/// without crowding the pool.
const IN_FLIGHT: usize = 8;

/// The most rows one import request creates; a larger file is sent in row ranges.
pub const MAX_ROWS_PER_REQUEST: usize = 1_000;

/// Why a file could not be read at all (as opposed to a row that is wrong).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    /// The file is not a readable CSV or workbook, or its headings are wrong.
    #[error("{0}")]
    File(String),
}

impl From<ImportError> for ApiError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::File(message) => Self::bad_input("file", message),
        }
    }
}

/// One row of a preview.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRow {
    /// The row number as the spreadsheet shows it (the headings are row 1).
    pub row: u32,
    /// What the row says.
    #[serde(flatten)]
    pub cells: RowCells,
    /// What is wrong, per field; empty when the row can be created.
    pub errors: Vec<FieldError>,
}

/// Every row of a file, checked.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The columns the file has, as the template heads them.
    pub columns: Vec<String>,
    /// Rows that can be created.
    pub valid: usize,
    /// Rows with errors.
    pub invalid: usize,
    /// Every row, in file order.
    pub rows: Vec<PreviewRow>,
}

/// What happened to one row of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Its subscription was created now.
    Created,
    /// Its subscription was created by an earlier upload of the same row.
    AlreadyExists,
    /// The row has errors (see `errors`); nothing was tried.
    Invalid,
    /// The command was refused (see `code`): e.g. `ALREADY_SUBSCRIBED` (R5).
    Refused,
}

/// One row of an import.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedRow {
    /// The row number as the spreadsheet shows it.
    pub row: u32,
    /// What happened.
    pub outcome: Outcome,
    /// The row's subscription, when it is valid.
    pub subscription_id: Option<Uuid>,
    /// The API error code of a refusal.
    pub code: Option<String>,
    /// Why it was refused or is invalid, per field.
    pub errors: Vec<FieldError>,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Subscriptions created now.
    pub created: usize,
    /// Rows created by an earlier upload.
    pub already_existed: usize,
    /// Rows with errors.
    pub invalid: usize,
    /// Rows refused by a rule.
    pub refused: usize,
    /// Every row in the range, in file order.
    pub rows: Vec<ImportedRow>,
}

/// The rows of `bytes` checked for `company` (administrators of it and operators).
pub async fn preview(
    state: &AppState,
    caller: &Caller,
    company: Uuid,
    bytes: &[u8],
) -> Result<Preview, ApiError> {
    let checked = read_and_check(state, caller, company, bytes).await?;
    let rows: Vec<PreviewRow> = checked
        .1
        .into_iter()
        .map(|r| PreviewRow {
            row: r.row,
            cells: r.cells,
            errors: r.errors,
        })
        .collect();
    let invalid = rows.iter().filter(|r| !r.errors.is_empty()).count();
    Ok(Preview {
        columns: checked.0,
        valid: rows.len() - invalid,
        invalid,
        rows,
    })
}

/// Creates the valid rows of `bytes` numbered `from..=to` (all when not given) for `company`,
/// each as `createSubscription` would. At most [`MAX_ROWS_PER_REQUEST`] rows per request.
pub async fn import(
    state: &AppState,
    caller: &Caller,
    company: Uuid,
    bytes: &[u8],
    range: (Option<u32>, Option<u32>),
) -> Result<ImportReport, ApiError> {
    let (_, checked) = read_and_check(state, caller, company, bytes).await?;
    let (from, to) = (range.0.unwrap_or(0), range.1.unwrap_or(u32::MAX));
    let chosen: Vec<CheckedRow> = checked
        .into_iter()
        .filter(|r| (from..=to).contains(&r.row))
        .collect();
    if chosen.len() > MAX_ROWS_PER_REQUEST {
        return Err(ApiError::bad_input(
            "to",
            format!(
                "{} rows chosen; send at most {MAX_ROWS_PER_REQUEST} per request with `from` and `to`",
                chosen.len()
            ),
        ));
    }
    let limit = state.settings.rate_limits.creations_per_address;
    caller.rate_limit(state, "create", limit).await?;
    let by = account_of(caller)?;
    let rows: Vec<ImportedRow> = stream::iter(chosen)
        .map(|row| create_row(state, caller, row, by))
        .buffered(IN_FLIGHT)
        .collect::<Vec<Result<ImportedRow, ApiError>>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut report = ImportReport::default();
    for row in &rows {
        match row.outcome {
            Outcome::Created => report.created += 1,
            Outcome::AlreadyExists => report.already_existed += 1,
            Outcome::Invalid => report.invalid += 1,
            Outcome::Refused => report.refused += 1,
        }
    }
    report.rows = rows;
    tracing::info!(
        created = report.created,
        already_existed = report.already_existed,
        invalid = report.invalid,
        refused = report.refused,
        "subscriptions imported"
    );
    Ok(report)
}

/// Runs one row's `Create`; a refusal of the row is its outcome, a failure inside is the
/// request's error (a stored change is never reported as a failure, and an unknown one
/// never as a refusal).
async fn create_row(
    state: &AppState,
    caller: &Caller,
    row: CheckedRow,
    by: AccountId,
) -> Result<ImportedRow, ApiError> {
    let Some(valid) = row.valid else {
        return Ok(ImportedRow {
            row: row.row,
            outcome: Outcome::Invalid,
            subscription_id: None,
            code: None,
            errors: row.errors,
        });
    };
    let command = SubscriptionCommand::Create {
        details: valid.details,
        form: valid.form,
        start_date: valid.start_date,
        by,
    };
    let done = caller
        .execute::<Subscription>(state, valid.id.to_string(), command)
        .await;
    let (outcome, code, errors) = match done {
        Ok(_) => (Outcome::Created, None, Vec::new()),
        // The row's own id is taken: an earlier upload (or one racing this) created it.
        Err(ApiError::Conflict(_)) => (Outcome::AlreadyExists, None, Vec::new()),
        Err(ApiError::Internal) => return Err(ApiError::Internal),
        Err(error) => {
            let code = error.code().to_owned();
            let (field, message) = match &error {
                ApiError::BadUserInput { field, message, .. } => (field.clone(), message.clone()),
                ApiError::AlreadySubscribed(message) => ("phone".to_owned(), message.clone()),
                other => (String::new(), other.to_string()),
            };
            let column = rows::FIXED
                .iter()
                .find(|(api, _, _)| *api == field)
                .map_or_else(String::new, |(_, heading, _)| (*heading).to_owned());
            let errors = vec![FieldError {
                field,
                column,
                message,
            }];
            (Outcome::Refused, Some(code), errors)
        }
    };
    Ok(ImportedRow {
        row: row.row,
        outcome,
        subscription_id: Some(valid.id),
        code,
        errors,
    })
}

/// The account recorded as creating the subscriptions: an administrator's or an operator's.
fn account_of(caller: &Caller) -> Result<AccountId, ApiError> {
    match caller.principal()? {
        Principal::Operator { account } | Principal::Administrator { account } => {
            Ok(AccountId::from_uuid(account.id.as_uuid()))
        }
        Principal::Employee { .. } | Principal::Holder { .. } => Err(ApiError::forbidden()),
    }
}

/// Authorises the caller on `company` (write side, as `createSubscription`), reads the file
/// and checks every row. Returns the columns found and the rows.
async fn read_and_check(
    state: &AppState,
    caller: &Caller,
    company: Uuid,
    bytes: &[u8],
) -> Result<(Vec<String>, Vec<CheckedRow>), ApiError> {
    let current: Company = caller.manage_now(state, company).await?;
    if let Some(deactivation) = &current.deactivation {
        return Err(ApiError::InvalidState(format!(
            "the company's agreement ends on {}: it takes no new subscriptions",
            deactivation.ends_on
        )));
    }
    let by = account_of(caller)?;
    let sheet = sheet::read(bytes)?;
    let columns = Columns::find(&sheet.headings, &current.order_form)?;
    let zones = zone_map(state).await?;
    let context = CheckContext {
        company: CompanyId::from_uuid(company),
        form: &current.order_form,
        zones: &zones,
        now: state.clock.now(),
        by,
    };
    let checked = rows::check_all(&sheet, &columns, context);
    Ok((columns.names(), checked))
}
