//! Paged queries over the read models for the API: a company, an administrator's companies,
//! tickets (filtered by derived status, searched, paged by log position), the approval queue
//! and one phone's subscriptions. Status is never stored: the filter mirrors
//! `bedrift_domain::subscription::TicketStatus::on` in SQL for the given day.

use bedrift_domain::subscription::TicketStatus;
use chrono::NaiveDate;
use sqlx::{FromRow, PgPool, Row};
use uuid::Uuid;

use crate::ticket_search::{escape_like, TicketSearch};
use crate::ProjectionError;

/// A company as the API shows it: the company directory's row.
pub use crate::read_models::companies::CompanyRow as CompanyListing;

/// One subscription as the API lists it: the tickets read model's row, paged by
/// `ordered_position` (the log position of the order, which is also the approval queue's order).
pub use crate::read_models::tickets::TicketRow as TicketListing;

/// The SQL condition (on `t`, with `$2` the day) for a ticket status on that day.
fn status_condition(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Pending => "t.order_status = 'PENDING'",
        TicketStatus::Rejected => "t.order_status = 'REJECTED'",
        TicketStatus::Withdrawn => "t.order_status = 'WITHDRAWN'",
        TicketStatus::Ended => {
            "t.order_status = 'APPROVED' AND t.end_date IS NOT NULL
             AND (t.end_date < $2 OR t.end_date < coalesce(t.valid_from, $2))"
        }
        TicketStatus::Upcoming => {
            "t.order_status = 'APPROVED' AND $2 < coalesce(t.valid_from, $2)
             AND (t.end_date IS NULL OR t.end_date >= coalesce(t.valid_from, $2))"
        }
        TicketStatus::Ending => {
            "t.order_status = 'APPROVED' AND t.end_date IS NOT NULL AND t.end_date >= $2
             AND coalesce(t.valid_from, $2) <= $2"
        }
        TicketStatus::Active => {
            "t.order_status = 'APPROVED' AND t.end_date IS NULL AND coalesce(t.valid_from, $2) <= $2"
        }
    }
}

/// A page of a company's tickets after `after` (a paging key), at most `limit` rows, oldest
/// order first; `status` filters by the status on `today`; `search` (see [`TicketSearch`])
/// matches when every word is in the name or employee number (case-insensitive, any order), or
/// when its digits are in the phone number.
pub async fn tickets_page(
    pool: &PgPool,
    company: Uuid,
    today: NaiveDate,
    status: Option<TicketStatus>,
    search: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<TicketListing>, ProjectionError> {
    let filter = status.map_or("TRUE", status_condition);
    let search = search.and_then(TicketSearch::parse);
    let words = search.as_ref().map(|s| s.words.clone());
    let digits = search.and_then(|s| s.phone_digits);
    let sql = format!(
        "SELECT t.* FROM tickets t
         WHERE t.company_id = $1 AND ({filter}) AND t.ordered_position > $3 AND NOT t.restricted
           AND ($4::text[] IS NULL
                OR NOT EXISTS (SELECT 1 FROM unnest($4::text[]) AS w(pattern)
                    WHERE NOT (lower(t.first_name || ' ' || t.last_name) LIKE w.pattern
                        OR lower(coalesce(t.employee_number, '')) LIKE w.pattern))
                OR t.phone LIKE $6)
         ORDER BY t.ordered_position LIMIT $5"
    );
    Ok(sqlx::query_as(&sql)
        .bind(company)
        .bind(today)
        .bind(after.unwrap_or(i64::MIN))
        .bind(words)
        .bind(limit)
        .bind(digits)
        .fetch_all(pool)
        .await?)
}

/// One item of the approval queue: the subscription that waits (a pending order, or an
/// approved ticket whose holder asked for new zones, R8) and its place in the queue.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QueueItem {
    /// The subscription as the tickets read model has it.
    #[sqlx(flatten)]
    pub ticket: TicketListing,
    /// The log position of the order or request: the queue's order and paging key.
    pub queue_position: i64,
}

/// A page of a company's approval queue (pending orders and zone change requests, oldest
/// first).
pub async fn approval_queue_page(
    pool: &PgPool,
    company: Uuid,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<QueueItem>, ProjectionError> {
    let sql = "SELECT t.*, q.position AS queue_position FROM approval_queue q
         JOIN tickets t ON t.subscription_id = q.subscription_id
         WHERE q.company_id = $1 AND q.position > $2 ORDER BY q.position LIMIT $3";
    Ok(sqlx::query_as(sql)
        .bind(company)
        .bind(after.unwrap_or(i64::MIN))
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// What identifies a company's approval queue cheaply: the number of orders, the newest order's
/// log position and the sum of all positions (an order leaving or arriving changes at least
/// one of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueMark {
    /// How many orders wait.
    pub count: i64,
    /// The newest order's log position; 0 when none waits.
    pub newest: i64,
    /// The sum of the orders' log positions; 0 when none waits.
    pub total: i64,
}

/// The mark of `company`'s approval queue now.
pub async fn approval_queue_mark(
    pool: &PgPool,
    company: Uuid,
) -> Result<QueueMark, ProjectionError> {
    let sql = "SELECT count(*) AS count, coalesce(max(position), 0) AS newest,
                      coalesce(sum(position), 0)::bigint AS total
               FROM approval_queue WHERE company_id = $1";
    Ok(sqlx::query_as(sql).bind(company).fetch_one(pool).await?)
}

/// One subscription, if the read model has it.
pub async fn ticket(pool: &PgPool, id: Uuid) -> Result<Option<TicketListing>, ProjectionError> {
    let sql = "SELECT t.* FROM tickets t
         WHERE t.subscription_id = $1";
    Ok(sqlx::query_as(sql).bind(id).fetch_optional(pool).await?)
}

/// Every subscription of `phone` at `company`, oldest first.
pub async fn tickets_of_phone(
    pool: &PgPool,
    company: Uuid,
    phone: &str,
) -> Result<Vec<TicketListing>, ProjectionError> {
    let sql = "SELECT t.* FROM tickets t
         WHERE t.company_id = $1 AND t.phone = $2 ORDER BY t.ordered_position";
    Ok(sqlx::query_as(sql)
        .bind(company)
        .bind(phone)
        .fetch_all(pool)
        .await?)
}

/// Every subscription of `phone` at any company, oldest first (personal access at `/mine`).
pub async fn tickets_of_holder(
    pool: &PgPool,
    phone: &str,
) -> Result<Vec<TicketListing>, ProjectionError> {
    let sql = "SELECT t.* FROM tickets t WHERE t.phone = $1 ORDER BY t.ordered_position";
    Ok(sqlx::query_as(sql).bind(phone).fetch_all(pool).await?)
}

/// The company with `id`, if registered.
pub async fn company(pool: &PgPool, id: Uuid) -> Result<Option<CompanyListing>, ProjectionError> {
    let sql = "SELECT * FROM companies WHERE company_id = $1";
    Ok(sqlx::query_as(sql).bind(id).fetch_optional(pool).await?)
}

/// The company whose current order link has `token`; a deactivated company's link works no
/// more.
pub async fn company_by_order_token(
    pool: &PgPool,
    token: &str,
) -> Result<Option<CompanyListing>, ProjectionError> {
    let sql = "SELECT * FROM companies WHERE order_link_token = $1 AND deactivated_at IS NULL";
    Ok(sqlx::query_as(sql).bind(token).fetch_optional(pool).await?)
}

/// The companies `account` administers, by name.
pub async fn companies_of_administrator(
    pool: &PgPool,
    account: Uuid,
) -> Result<Vec<CompanyListing>, ProjectionError> {
    let sql = "SELECT * FROM companies WHERE company_id IN
           (SELECT company_id FROM company_administrators WHERE account_id = $1)
         ORDER BY lower(name), company_id";
    Ok(sqlx::query_as(sql).bind(account).fetch_all(pool).await?)
}

/// The last day on which the administrators of a company whose tickets ended on `ends_on` may
/// still read it (history, tickets, payroll files): the end of the fifth year after the year
/// the tickets ended, as accounting records are kept (bokføringsloven).
pub fn read_access_until(ends_on: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(chrono::Datelike::year(&ends_on) + 5, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// Whether `account` administers `company` on `today`: an administrator of a deactivated
/// company keeps it through [`read_access_until`].
pub async fn is_administrator(
    pool: &PgPool,
    account: Uuid,
    company: Uuid,
    today: NaiveDate,
) -> Result<bool, ProjectionError> {
    let found = company_administered_by(pool, company, account, today).await?;
    Ok(found.is_some_and(|(_, administered)| administered))
}

/// Company `id`, and whether `account` administers it as [`is_administrator`] decides, in one
/// statement: what a query about one company asks before it answers. `None` when there is no
/// such company.
pub async fn company_administered_by(
    pool: &PgPool,
    id: Uuid,
    account: Uuid,
    today: NaiveDate,
) -> Result<Option<(CompanyListing, bool)>, ProjectionError> {
    let row = sqlx::query(
        "SELECT c.*,
                EXISTS (SELECT 1 FROM company_administrators a
                        WHERE a.account_id = $2 AND a.company_id = c.company_id)
                AND (c.ends_on IS NULL
                     OR $3 <= make_date(extract(year FROM c.ends_on)::int + 5, 12, 31))
                    AS administered
         FROM companies c WHERE c.company_id = $1",
    )
    .bind(id)
    .bind(account)
    .bind(today)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some((
        CompanyListing::from_row(&row)?,
        row.try_get("administered")?,
    )))
}

/// A page of every company, by name then organisation number, skipping `offset` rows, at
/// most `limit` rows; `search` matches part of the name (case-insensitive) or of the
/// organisation number (spaces ignored).
pub async fn companies_page(
    pool: &PgPool,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<CompanyListing>, ProjectionError> {
    let name = search.map(|s| format!("%{}%", escape_like(&s.to_lowercase())));
    let digits = search
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        .map(|d| format!("%{d}%"));
    let sql = "SELECT * FROM companies
         WHERE $1::text IS NULL OR lower(name) LIKE $1 OR org_number LIKE $2
         ORDER BY lower(name), org_number, company_id OFFSET $3 LIMIT $4";
    Ok(sqlx::query_as(sql)
        .bind(name)
        .bind(digits)
        .bind(offset)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// The companies with these ids, in any order (unknown ids are left out).
pub async fn companies_by_ids(
    pool: &PgPool,
    ids: &[Uuid],
) -> Result<Vec<CompanyListing>, ProjectionError> {
    let sql = "SELECT * FROM companies WHERE company_id = ANY($1)";
    Ok(sqlx::query_as(sql).bind(ids).fetch_all(pool).await?)
}
