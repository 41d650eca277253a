//! The approval queue: a company's pending orders, oldest first. A row exists exactly while
//! its order is pending.

use std::collections::BTreeMap;

use bedrift_domain::subscription::SubscriptionEvent;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::{Rows, WRITE_CHUNK};
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// One pending order.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct PendingOrder {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The company.
    pub company_id: Uuid,
    /// E.164 phone.
    pub phone: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Employee number.
    pub employee_number: Option<String>,
    /// Traveller category code.
    pub category: String,
    /// Zone selection as JSON.
    pub zones: Value,
    /// Start date.
    pub start_date: NaiveDate,
    /// When it was ordered.
    pub ordered_at: DateTime<Utc>,
    /// Log position of the order: the queue's order.
    pub position: i64,
}

/// The queue's changes in memory: for each touched order, its row, or `None` once decided or
/// withdrawn. Folding needs no stored rows: an order's row comes whole from its first event.
#[derive(Debug, Default)]
pub struct ApprovalQueue(BTreeMap<Uuid, Option<PendingOrder>>);

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
                    phone: details.phone.to_string(),
                    first_name: details.first_name.to_string(),
                    last_name: details.last_name.to_string(),
                    employee_number: details.employee_number.as_ref().map(ToString::to_string),
                    category: details.category.code().to_owned(),
                    zones: serde_json::to_value(&details.zones).unwrap_or(Value::Null),
                    start_date: *start_date,
                    ordered_at: *ordered_at,
                    position: envelope.position,
                }),
                SubscriptionEvent::SubscriptionApproved { .. }
                | SubscriptionEvent::SubscriptionRejected { .. }
                | SubscriptionEvent::OrderWithdrawn { .. } => None,
                _ => continue,
            };
            self.0.insert(envelope.aggregate_id, row);
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let table = format!("approval_queue{suffix}");
        let outcome = std::mem::take(&mut self.0);
        let gone: Vec<Uuid> = outcome
            .iter()
            .filter(|(_, row)| row.is_none())
            .map(|(id, _)| *id)
            .collect();
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
        Ok(())
    }

    fn len(&self) -> usize {
        self.0.len()
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
             category, zones, start_date, ordered_at, position)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::jsonb[], $9::date[], $10::timestamptz[], $11::bigint[])
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
    .execute(conn)
    .await?;
    Ok(())
}
