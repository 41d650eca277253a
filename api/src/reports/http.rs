//! The download routes: `GET /reports/payroll/{companyId}/{month}.{csv|xlsx}` with
//! `?format=generic|visma|tripletex` (default generic; the workbook only generic) and
//! `GET /reports/invoice/{month}.csv` (operators) and
//! `GET /reports/tickets/{companyId}.{csv|xlsx}?status=ACTIVE&search=...` (the ticket list with
//! the portal's filter; both parameters optional, percent-encoded). Authorised exactly like `/graphql`: the
//! session in `Authorization: Bearer`, administrators only for their own companies, operators
//! for all. A refusal carries the GraphQL error code with its HTTP status and a small JSON
//! body: `{"error": {"code": "FORBIDDEN", "message": "...", "field": null}}`.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bedrift_domain::values::{CompanyId, Month};
use serde_json::json;

use super::{
    invoice_csv, invoice_file_name, load_invoice, load_payroll, load_tickets, payroll_file_name,
    render_payroll, status_from_code, tickets_csv, tickets_workbook, FileKind, PayrollFormat,
    TicketFilter, MAX_SEARCH,
};
use crate::auth::bearer_token;
use crate::feed::keys::{self, Scope};
use crate::graphql::{ApiError, Caller};
use crate::AppState;

/// The report routes, over `state`.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/reports/payroll/{company_id}/{file}", get(payroll))
        .route("/reports/invoice/{file}", get(invoice))
        .route("/reports/tickets/{file}", get(tickets))
        .with_state(state)
}

/// The HTTP status of an API error code.
pub fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ApiError::Conflict(_)
        | ApiError::Taken { .. }
        | ApiError::OrderingClosed(_)
        | ApiError::AlreadySubscribed(_)
        | ApiError::InvalidState(_)
        | ApiError::CategoryChangeRequiresNewSubscription(_) => StatusCode::CONFLICT,
    }
}

/// The response of a refused request.
fn refusal(error: ApiError) -> Response {
    let field = match &error {
        ApiError::BadUserInput { field, .. } => Some(field.clone()),
        _ => None,
    };
    let body = json!({ "error": {
        "code": error.code(), "message": error.to_string(), "field": field } });
    let mut response = (status_of(&error), Json(body)).into_response();
    if matches!(error, ApiError::Unauthenticated(_)) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// A file to download.
pub(crate) struct Download {
    pub(crate) name: String,
    /// The media type it is sent with.
    pub(crate) content_type: &'static str,
    pub(crate) bytes: Vec<u8>,
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let disposition = format!("attachment; filename=\"{}\"", self.name);
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                // Personal data: no shared cache keeps a copy.
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// The caller of a request, as `/graphql` finds it (the one extractor,
/// [`Caller::from_request`]), once the read models have passed the caller's last write (R19,
/// bounded): a download right after a change shows it; past the bound the file is made as
/// things stand.
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<Caller, ApiError> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let caller = Caller::from_request(state, headers, peer, uuid::Uuid::new_v4()).await?;
    if let Some(position) = caller.last_written {
        state.wait_for(position).await?;
    }
    Ok(caller)
}

/// The response of a route's `work`: its answer, or the refusal it ended with.
pub(crate) async fn respond<T: IntoResponse>(
    work: impl Future<Output = Result<T, ApiError>>,
) -> Response {
    match work.await {
        Ok(answer) => answer.into_response(),
        Err(error) => refusal(error),
    }
}

/// Whether the request carries an API key with `reports:read` (a finance system without a
/// person's session), which reads every company's reports. A key without that scope, revoked
/// or unknown is `UNAUTHENTICATED`; a session token is not a key (`false`).
async fn report_key(state: &AppState, headers: &HeaderMap) -> Result<bool, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    match token {
        Some(key) if key.starts_with(keys::PREFIX) => {
            if keys::allows(&state.pool, key, Scope::ReportsRead).await? {
                Ok(true)
            } else {
                Err(ApiError::Unauthenticated(
                    "this API key may not read reports".to_owned(),
                ))
            }
        }
        _ => Ok(false),
    }
}

/// The month and file kind of a file name such as `2026-12.csv`.
fn month_and_kind(file: &str) -> Result<(Month, FileKind), ApiError> {
    let (month, extension) = file
        .rsplit_once('.')
        .ok_or_else(|| ApiError::bad_input("format", "ask for <month>.csv or <month>.xlsx"))?;
    let month = Month::parse(month).map_err(|e| ApiError::invalid("month", e))?;
    let kind = FileKind::parse(extension)
        .ok_or_else(|| ApiError::bad_input("format", "ask for <month>.csv or <month>.xlsx"))?;
    Ok((month, kind))
}

/// The `format` parameter of a query string (default generic); given twice or unknown, refused.
fn format_of(query: Option<&str>) -> Result<PayrollFormat, ApiError> {
    let mut values = query
        .unwrap_or_default()
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .filter(|(key, _)| *key == "format")
        .map(|(_, value)| value);
    let refused = || ApiError::bad_input("format", "format is one of generic, visma, tripletex");
    let format = match values.next() {
        None => PayrollFormat::Generic,
        Some(value) => PayrollFormat::parse(value).ok_or_else(refused)?,
    };
    if values.next().is_some() {
        return Err(refused());
    }
    Ok(format)
}

/// `GET /reports/payroll/{companyId}/{month}.{csv|xlsx}?format=...`
#[tracing::instrument(skip_all, fields(company = %company_id, file = %file))]
async fn payroll(
    State(state): State<AppState>,
    Path((company_id, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        let machine = report_key(&state, &headers).await?;
        if !machine {
            caller.principal()?;
        }
        let company = uuid::Uuid::parse_str(company_id.trim())
            .map_err(|_| ApiError::bad_input("companyId", "not a valid id"))?;
        let (month, kind) = month_and_kind(&file)?;
        let format = format_of(query.as_deref())?;
        if kind == FileKind::Xlsx && format != PayrollFormat::Generic {
            return Err(super::ReportError::WorkbookFormat.into());
        }
        if !machine {
            caller.manage(&state, company).await?;
        }
        let export = load_payroll(
            &state.pool,
            &state.billing_states,
            CompanyId::from_uuid(company),
            month,
            state.clock.today(),
        )
        .await?;
        let bytes = render_payroll(&export, format, kind)?;
        Ok::<_, ApiError>(Download {
            name: payroll_file_name(&export, format, kind),
            content_type: kind.content_type(),
            bytes,
        })
    })
    .await
}

/// The ticket list filter of a query string: `status` (a ticket status code) and `search`
/// (trimmed; empty is none; at most 100 characters), each at most once; other keys ignored.
fn ticket_filter(query: Option<&str>) -> Result<TicketFilter, ApiError> {
    let mut filter = TicketFilter::default();
    let (mut seen_status, mut seen_search) = (false, false);
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "status" => {
                if std::mem::replace(&mut seen_status, true) {
                    return Err(ApiError::bad_input("status", "give the status once"));
                }
                if !value.is_empty() {
                    filter.status = Some(status_from_code(&value).ok_or_else(|| {
                        ApiError::bad_input("status", "not a ticket status, e.g. ACTIVE")
                    })?);
                }
            }
            "search" => {
                if std::mem::replace(&mut seen_search, true) {
                    return Err(ApiError::bad_input("search", "give the search once"));
                }
                let search = value.trim();
                if search.chars().count() > MAX_SEARCH {
                    return Err(ApiError::bad_input(
                        "search",
                        "search for at most 100 characters",
                    ));
                }
                filter.search = (!search.is_empty()).then(|| search.to_owned());
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// `GET /reports/tickets/{companyId}.{csv|xlsx}?status=...&search=...`
#[tracing::instrument(skip_all, fields(file = %file))]
async fn tickets(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        caller.principal()?;
        let (company, extension) = file.rsplit_once('.').ok_or_else(|| {
            ApiError::bad_input("format", "ask for <companyId>.csv or <companyId>.xlsx")
        })?;
        let company = uuid::Uuid::parse_str(company.trim())
            .map_err(|_| ApiError::bad_input("companyId", "not a valid id"))?;
        let kind = FileKind::parse(extension).ok_or_else(|| {
            ApiError::bad_input("format", "ask for <companyId>.csv or <companyId>.xlsx")
        })?;
        let filter = ticket_filter(query.as_deref())?;
        caller.manage(&state, company).await?;
        let export = load_tickets(
            &state.pool,
            CompanyId::from_uuid(company),
            &filter,
            state.clock.today(),
        )
        .await?;
        let bytes = match kind {
            FileKind::Csv => tickets_csv(&export),
            FileKind::Xlsx => tickets_workbook(&export)?,
        };
        Ok::<_, ApiError>(Download {
            name: export.file_name(kind.extension()),
            content_type: kind.content_type(),
            bytes,
        })
    })
    .await
}

/// `GET /reports/invoice/{month}.csv` (operators only).
#[tracing::instrument(skip_all, fields(file = %file))]
async fn invoice(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
) -> Response {
    respond(async {
        let caller = caller(&state, &headers, &extensions).await?;
        let machine = report_key(&state, &headers).await?;
        if !machine {
            caller.principal()?;
        }
        let (month, kind) = month_and_kind(&file)?;
        if kind != FileKind::Csv || format_of(query.as_deref())? != PayrollFormat::Generic {
            return Err(ApiError::bad_input(
                "format",
                "the invoice basis is one generic CSV: <month>.csv",
            ));
        }
        if !machine {
            caller.require_operator()?;
        }
        let basis = load_invoice(
            &state.pool,
            &state.billing_states,
            month,
            state.clock.today(),
        )
        .await?;
        let bytes = invoice_csv(&basis)?;
        Ok::<_, ApiError>(Download {
            name: invoice_file_name(&basis),
            content_type: kind.content_type(),
            bytes,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use bedrift_domain::subscription::TicketStatus;

    use super::*;

    #[test]
    fn a_file_name_gives_the_month_and_the_kind() {
        let (month, kind) = month_and_kind("2026-12.xlsx").unwrap();
        assert_eq!(month.to_string(), "2026-12");
        assert_eq!(kind, FileKind::Xlsx);
        assert_eq!(month_and_kind("2026-12.csv").unwrap().1, FileKind::Csv);
    }

    #[test]
    fn a_bad_month_or_extension_is_bad_input_on_its_field() {
        let field = |file: &str| match month_and_kind(file) {
            Err(ApiError::BadUserInput { field, .. }) => field,
            other => panic!("{file}: {other:?}"),
        };
        assert_eq!(field("2026-13.csv"), "month");
        assert_eq!(field("december.csv"), "month");
        assert_eq!(field("2026-12.pdf"), "format");
        assert_eq!(field("2026-12"), "format");
    }

    #[test]
    fn the_format_parameter_defaults_to_generic_and_refuses_unknown_or_repeated_values() {
        assert_eq!(format_of(None).unwrap(), PayrollFormat::Generic);
        assert_eq!(format_of(Some("x=1")).unwrap(), PayrollFormat::Generic);
        assert_eq!(
            format_of(Some("format=visma")).unwrap(),
            PayrollFormat::Visma
        );
        assert_eq!(
            format_of(Some("a=b&format=tripletex")).unwrap(),
            PayrollFormat::Tripletex
        );
        assert!(format_of(Some("format=VISMA")).is_err());
        assert!(format_of(Some("format=")).is_err());
        assert!(format_of(Some("format=visma&format=generic")).is_err());
    }

    #[test]
    fn the_ticket_filter_takes_a_status_code_and_a_decoded_trimmed_search_once_each() {
        assert_eq!(ticket_filter(None).unwrap(), TicketFilter::default());
        let filter = ticket_filter(Some("status=ACTIVE&search=+%C3%85se%20B+&x=1")).unwrap();
        assert_eq!(filter.status, Some(TicketStatus::Active));
        assert_eq!(filter.search.as_deref(), Some("Åse B"));
        assert_eq!(
            ticket_filter(Some("status=&search=")).unwrap(),
            TicketFilter::default()
        );
        let field = |query: &str| match ticket_filter(Some(query)) {
            Err(ApiError::BadUserInput { field, .. }) => field,
            other => panic!("{query}: {other:?}"),
        };
        assert_eq!(field("status=active"), "status");
        assert_eq!(field("status=ACTIVE&status=ENDED"), "status");
        assert_eq!(field(&format!("search={}", "a".repeat(101))), "search");
        assert_eq!(field("search=a&search=b"), "search");
    }

    #[test]
    fn every_code_has_its_http_status() {
        let cases = [
            (ApiError::unauthenticated(), 401),
            (ApiError::forbidden(), 403),
            (ApiError::NotFound(String::new()), 404),
            (ApiError::bad_input("month", ""), 400),
            (ApiError::InvalidState(String::new()), 409),
            (ApiError::Conflict(String::new()), 409),
            (
                ApiError::RateLimited {
                    message: String::new(),
                    retry_after_secs: Some(1),
                    reason: crate::graphql::Reason::TooManyRequests,
                },
                429,
            ),
            (ApiError::Internal, 500),
        ];
        for (error, status) in cases {
            assert_eq!(status_of(&error).as_u16(), status, "{error:?}");
        }
    }
}
