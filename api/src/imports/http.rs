//! The bulk-add routes, authorised like `/graphql` (the session in `Authorization: Bearer`;
//! administrators of the company and operators):
//!
//! - `POST /imports/subscriptions/{companyId}/preview`: the file as the request body (CSV or
//!   `.xlsx`, told apart by its content); answers the checked rows as JSON ([`Preview`]).
//!   Changes nothing.
//! - `POST /imports/subscriptions/{companyId}?from=2&to=101`: the same file; creates the
//!   valid rows numbered `from..=to` (both optional: every row; at most 1,000 per request)
//!   and answers what happened to each ([`ImportReport`]). The portal sends a large file in
//!   ranges of 100 rows and shows the progress between them.
//! - `GET /imports/subscriptions/{companyId}/template.{csv|xlsx}`: an empty file with the
//!   company's columns and one example row.
//!
//! The body may be up to `IMPORT_BODY_LIMIT` bytes (default 5 MiB), the only routes beyond
//! `REQUEST_BODY_LIMIT`. Refusals are as `/reports`' (status and JSON `error`).
//!
//! [`Preview`]: super::Preview
//! [`ImportReport`]: super::ImportReport

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::limit::RequestBodyLimitLayer;

use crate::graphql::ApiError;
use crate::reports::http::{caller, respond, Download};
use crate::reports::FileKind;
use crate::AppState;

/// The bulk-add routes over `state`, with their own body limit.
pub fn routes(state: AppState) -> Router {
    let limit = state.settings.import_body_limit;
    Router::new()
        .route("/imports/subscriptions/{company_id}", post(import))
        .route("/imports/subscriptions/{company_id}/preview", post(preview))
        .route("/imports/subscriptions/{company_id}/{file}", get(template))
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .with_state(state)
}

fn company_of(text: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(text.trim())
        .map_err(|_| ApiError::bad_input("companyId", "not a valid id"))
}

/// `from` and `to` of a query string: spreadsheet row numbers, each optional.
fn range_of(query: Option<&str>) -> Result<(Option<u32>, Option<u32>), ApiError> {
    let mut range = (None, None);
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let slot = match key.as_ref() {
            "from" => &mut range.0,
            "to" => &mut range.1,
            _ => continue,
        };
        let number = value
            .parse::<u32>()
            .map_err(|_| ApiError::bad_input(key.as_ref(), "a row number, e.g. 2"))?;
        if slot.replace(number).is_some() {
            return Err(ApiError::bad_input(key.as_ref(), "give it once"));
        }
    }
    Ok(range)
}

/// `POST /imports/subscriptions/{companyId}/preview`
#[tracing::instrument(skip_all, fields(company = %company_id, bytes = body.len()))]
async fn preview(
    State(state): State<AppState>,
    Path(company_id): Path<String>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        caller.principal()?;
        let company = company_of(&company_id)?;
        super::preview(&state, &caller, company, &body)
            .await
            .map(Json)
    })
    .await
}

/// `POST /imports/subscriptions/{companyId}?from=&to=`
#[tracing::instrument(skip_all, fields(company = %company_id, bytes = body.len()))]
async fn import(
    State(state): State<AppState>,
    Path(company_id): Path<String>,
    RawQuery(query): RawQuery,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        caller.principal()?;
        let company = company_of(&company_id)?;
        let range = range_of(query.as_deref())?;
        super::import(&state, &caller, company, &body, range)
            .await
            .map(Json)
    })
    .await
}

/// `GET /imports/subscriptions/{companyId}/template.{csv|xlsx}`
#[tracing::instrument(skip_all, fields(company = %company_id, file = %file))]
async fn template(
    State(state): State<AppState>,
    Path((company_id, file)): Path<(String, String)>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        caller.principal()?;
        let company = company_of(&company_id)?;
        let kind = file
            .strip_prefix("template.")
            .and_then(FileKind::parse)
            .ok_or_else(|| ApiError::bad_input("file", "ask for template.csv or template.xlsx"))?;
        let current = caller.manage_now(&state, company).await?;
        let form = &current.order_form;
        let start = bedrift_domain::subscription::decide::employee_start_date(state.clock.today());
        let zones = crate::graphql::mutation::input::zone_map(&state).await?;
        let zone = zones
            .zones
            .first()
            .map_or(super::rows::WHOLE_REGION, |z| z.name.as_str());
        let bytes = match kind {
            FileKind::Csv => super::template_csv(form, zone, start),
            FileKind::Xlsx => super::template_workbook(form, zone, start)?,
        };
        Ok::<_, ApiError>(Download {
            name: format!("bulk-add-mal.{}", kind.extension()),
            content_type: kind.content_type(),
            bytes,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_takes_from_and_to_once_each() {
        assert_eq!(range_of(None).unwrap(), (None, None));
        assert_eq!(
            range_of(Some("from=2&to=101")).unwrap(),
            (Some(2), Some(101))
        );
        assert!(range_of(Some("from=x")).is_err());
        assert!(range_of(Some("to=3&to=4")).is_err());
    }
}
