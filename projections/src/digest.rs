//! The daily digest of what waits for approval, for the administrators who chose it
//! ([`OrderNotice::DailyDigest`]; the others get an e-mail per order from [`crate::notices`]).
//!
//! Once a day, each such administrator of a company (not deactivated) where something waits in
//! the approval queue gets one e-mail listing the waiting orders and counting the zone change
//! requests. A digest reports the present, not an event, so it reads the read models as they
//! stand. Each is queued with the cause `digest:<Oslo date>:<company>:<account>`, so it is
//! queued at most once a day however often the job runs and on however many replicas.

use std::collections::BTreeMap;

use bedrift_domain::company::OrderNotice;
use bedrift_domain::messages;
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::outbox::{self, Channel, NewMessage};
use crate::read_models::companies::order_notice_code;
use crate::ProjectionError;

/// One waiting item of one digest recipient, as the query reads it.
#[derive(sqlx::FromRow)]
struct Waiting {
    company_id: Uuid,
    account_id: Uuid,
    email: String,
    name: String,
    company_name: String,
    /// `ORDER` or `ZONE_CHANGE` (the CHECK constraint of `approval_queue.request`).
    request: String,
    first_name: Option<String>,
    last_name: Option<String>,
    start_date: Option<NaiveDate>,
}

/// What one administrator's digest lists.
struct Digest {
    email: String,
    name: String,
    company_name: String,
    orders: Vec<(String, NaiveDate)>,
    zone_requests: usize,
}

/// Queues the digests of `date` (an Oslo calendar day) linking to `<public_url>/portal`.
/// Returns how many were queued now: none for an administrator whose digest of that day is
/// queued already.
pub async fn queue_digests(
    pool: &PgPool,
    date: NaiveDate,
    public_url: &str,
) -> Result<u64, ProjectionError> {
    let rows: Vec<Waiting> = sqlx::query_as(
        "SELECT a.company_id, a.account_id, a.email, a.name, c.name AS company_name,
                q.request, q.first_name, q.last_name, q.start_date
         FROM company_administrators a
         JOIN companies c ON c.company_id = a.company_id AND c.ends_on IS NULL
         JOIN approval_queue q ON q.company_id = a.company_id
         WHERE a.order_notice = $1
         ORDER BY a.company_id, a.account_id, q.position",
    )
    .bind(order_notice_code(OrderNotice::DailyDigest))
    .fetch_all(pool)
    .await?;
    let mut digests: BTreeMap<(Uuid, Uuid), Digest> = BTreeMap::new();
    for row in rows {
        let digest = digests
            .entry((row.company_id, row.account_id))
            .or_insert_with(|| Digest {
                email: row.email,
                name: row.name,
                company_name: row.company_name,
                orders: Vec::new(),
                zone_requests: 0,
            });
        match (
            row.request.as_str(),
            row.first_name,
            row.last_name,
            row.start_date,
        ) {
            ("ORDER", Some(first), Some(last), Some(start)) => {
                digest.orders.push((format!("{first} {last}"), start));
            }
            ("ZONE_CHANGE", ..) => digest.zone_requests += 1,
            (request, ..) => {
                return Err(ProjectionError::Corrupt(format!(
                    "approval queue row of company {} is a {request:?} without its order",
                    row.company_id
                )))
            }
        }
    }
    let link = format!("{}/portal", public_url.trim_end_matches('/'));
    let texts: Vec<(String, String, messages::EmailText)> = digests
        .into_iter()
        .map(|((company, account), digest)| {
            let text = messages::order_digest_email(
                &digest.name,
                &digest.company_name,
                &digest.orders,
                digest.zone_requests,
                &link,
            );
            (
                format!("digest:{date}:{company}:{account}"),
                digest.email,
                text,
            )
        })
        .collect();
    let messages: Vec<NewMessage<'_>> = texts
        .iter()
        .map(|(cause, email, text)| NewMessage {
            channel: Channel::Email,
            recipient: email,
            subject: Some(&text.subject),
            body: &text.body,
            cause: Some(cause),
        })
        .collect();
    let mut conn = pool.acquire().await?;
    Ok(outbox::enqueue_all(&mut conn, &messages).await?)
}
