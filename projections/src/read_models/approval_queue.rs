//! The approval queue: what a company's administrators are asked to decide, oldest first. A
//! row exists exactly while an order is pending (`ORDER`) or while a holder's zone change
//! request waits (`ZONE_CHANGE`, R8); a request row knows only its company and place in the
//! queue (the page reads the rest from the tickets).

use std::collections::{BTreeMap, BTreeSet};

use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::SubscriptionEvent;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::{Rows, WRITE_CHUNK};
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// One pending order, or (R8) one holder's zone change request.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PendingOrder {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The company.
    pub company_id: Uuid,
    /// `ORDER` or `ZONE_CHANGE`.
    pub request: String,
    /// E.164 phone (orders).
    pub phone: Option<String>,
    /// First name (orders).
    pub first_name: Option<String>,
    /// Last name (orders).
    pub last_name: Option<String>,
    /// Employee number.
    pub employee_number: Option<String>,
    /// Traveller category code (orders).
    pub category: Option<String>,
    /// Zone selection as JSON (orders).
    pub zones: Option<Value>,
    /// Start date (orders).
    pub start_date: Option<NaiveDate>,
    /// When it was ordered (orders).
    pub ordered_at: Option<DateTime<Utc>>,
    /// Log position of the order or request: the queue's order.
    pub position: i64,
}

/// An order's corrected names and employee number (R18).
#[derive(Debug, Clone)]
struct Correction {
    first_name: String,
    last_name: String,
    employee_number: Option<String>,
}

/// The queue's changes in memory: for each touched order, its row, or `None` once decided or
/// withdrawn; and corrections of stored orders' names. Folding needs no stored rows: an
/// order's row comes whole from its first event.
#[derive(Debug, Default)]
pub struct ApprovalQueue {
    rows: BTreeMap<Uuid, Option<PendingOrder>>,
    corrections: BTreeMap<Uuid, Correction>,
    /// Subscriptions whose stored row this batch ended (decided, withdrawn), even if a new
    /// request followed: the stored row goes before the batch's own is inserted.
    reset: BTreeSet<Uuid>,
}

impl Rows for ApprovalQueue {
    async fn load(
        &mut self,
        _: &mut PgConnection,
        _: &str,
        _: &[Envelope],
    ) -> Result<(), ProjectionError> {
        Ok(())
    }

    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        for envelope in events {
            let AnyEvent::Subscription(event) = &envelope.event else {
                continue;
            };
            let row = match event {
                SubscriptionEvent::SubscriptionOrdered {
                    details,
                    start_date,
                    ordered_at,
                    ..
                } => Some(PendingOrder {
                    subscription_id: envelope.aggregate_id,
                    company_id: details.company.as_uuid(),
                    request: "ORDER".to_owned(),
                    phone: Some(details.phone.to_string()),
                    first_name: Some(details.first_name.to_string()),
                    last_name: Some(details.last_name.to_string()),
                    employee_number: details.employee_number.as_ref().map(ToString::to_string),
                    category: Some(details.category.code().to_owned()),
                    zones: Some(serde_json::to_value(&details.zones).unwrap_or(Value::Null)),
                    start_date: Some(*start_date),
                    ordered_at: Some(*ordered_at),
                    position: envelope.position,
                }),
                // A request that replaces one still waiting keeps the first one's place in the
                // queue, as the stored row does (its insert leaves an existing row alone), so a
                // batch and a rebuild agree.
                SubscriptionEvent::ZoneChangeRequested { .. }
                    if matches!(
                        self.rows.get(&envelope.aggregate_id),
                        Some(Some(row)) if row.request == "ZONE_CHANGE"
                    ) =>
                {
                    continue
                }
                // The holder asks as the employee of the subscription's company (R8).
                SubscriptionEvent::ZoneChangeRequested {
                    requested_by: Actor::Employee { company, .. },
                    ..
                } => Some(PendingOrder {
                    subscription_id: envelope.aggregate_id,
                    company_id: company.as_uuid(),
                    request: "ZONE_CHANGE".to_owned(),
                    phone: None,
                    first_name: None,
                    last_name: None,
                    employee_number: None,
                    category: None,
                    zones: None,
                    start_date: None,
                    ordered_at: None,
                    position: envelope.position,
                }),
                SubscriptionEvent::SubscriptionApproved { .. }
                | SubscriptionEvent::SubscriptionRejected { .. }
                | SubscriptionEvent::OrderWithdrawn { .. }
                | SubscriptionEvent::ZoneChangeApproved { .. }
                | SubscriptionEvent::ZoneChangeRejected { .. }
                // An administrator's change supersedes a waiting request, as in the
                // subscription itself.
                | SubscriptionEvent::ZonesChanged { .. } => None,
                SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => {
                    let correction = Correction {
                        first_name: details.first_name.to_string(),
                        last_name: details.last_name.to_string(),
                        employee_number: details.employee_number.as_ref().map(ToString::to_string),
                    };
                    match self.rows.get_mut(&envelope.aggregate_id) {
                        Some(Some(row)) if row.request == "ORDER" => {
                            row.first_name = Some(correction.first_name);
                            row.last_name = Some(correction.last_name);
                            row.employee_number = correction.employee_number;
                        }
                        Some(_) => {}
                        None => {
                            self.corrections.insert(envelope.aggregate_id, correction);
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            if row.is_none() {
                self.reset.insert(envelope.aggregate_id);
            }
            self.rows.insert(envelope.aggregate_id, row);
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let table = format!("approval_queue{suffix}");
        let outcome = std::mem::take(&mut self.rows);
        let gone: Vec<Uuid> = std::mem::take(&mut self.reset).into_iter().collect();
        for chunk in gone.chunks(WRITE_CHUNK) {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE subscription_id = ANY($1)"
            ))
            .bind(chunk)
            .execute(&mut *conn)
            .await?;
        }
        let rows: Vec<PendingOrder> = outcome.into_values().flatten().collect();
        for chunk in rows.chunks(WRITE_CHUNK) {
            insert(conn, &table, chunk).await?;
        }
        // Names corrected on an order stored in an earlier batch (still pending or not: a
        // decided order has no row and the update finds none).
        for (id, correction) in std::mem::take(&mut self.corrections) {
            sqlx::query(&format!(
                "UPDATE {table} SET first_name = $2, last_name = $3, employee_number = $4
                 WHERE subscription_id = $1 AND request = 'ORDER'"
            ))
            .bind(id)
            .bind(correction.first_name)
            .bind(correction.last_name)
            .bind(correction.employee_number)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.rows.len() + self.corrections.len()
    }
}

async fn insert(
    conn: &mut PgConnection,
    table: &str,
    rows: &[PendingOrder],
) -> Result<(), ProjectionError> {
    macro_rules! column {
        ($field:ident) => {
            rows.iter().map(|r| r.$field.clone()).collect::<Vec<_>>()
        };
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (subscription_id, company_id, phone, first_name, last_name, employee_number,
             category, zones, start_date, ordered_at, position, request)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::jsonb[], $9::date[], $10::timestamptz[], $11::bigint[], $12::text[])
         ON CONFLICT (subscription_id) DO NOTHING"
    ))
    .bind(column!(subscription_id))
    .bind(column!(company_id))
    .bind(column!(phone))
    .bind(column!(first_name))
    .bind(column!(last_name))
    .bind(column!(employee_number))
    .bind(column!(category))
    .bind(column!(zones))
    .bind(column!(start_date))
    .bind(column!(ordered_at))
    .bind(column!(position))
    .bind(column!(request))
    .execute(conn)
    .await?;
    Ok(())
}
