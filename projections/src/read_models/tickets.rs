//! Tickets: every subscription of a company, for the ticket list (filter by status, search by
//! name, phone or employee number), one ticket's page, and an employee's own subscriptions.
//!
//! The status shown (upcoming, active, ending, ended) depends on today's date, so it is not
//! stored: queries derive it from the stored dates (see `bedrift_domain::subscription::TicketStatus`).

use std::collections::HashMap;

use bedrift_domain::subscription::{OrderStatus, SubscriptionEvent, ZoneChangeFrom};
use bedrift_domain::values::ERASED;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::{missing_ids, Rows, WRITE_CHUNK};
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// One row of `tickets`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TicketRow {
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
    /// Extra field answers (label -> answer).
    pub extra_fields: Value,
    /// Traveller category code.
    pub category: String,
    /// The latest zone selection (a `ZoneSelection` as JSON).
    pub zones: Value,
    /// From when the latest zones apply.
    pub zones_from: NaiveDate,
    /// PENDING, APPROVED, REJECTED or WITHDRAWN.
    pub order_status: String,
    /// Start date as ordered.
    pub start_date: NaiveDate,
    /// First valid day, once approved.
    pub valid_from: Option<NaiveDate>,
    /// Last valid day, when cancelled.
    pub end_date: Option<NaiveDate>,
    /// When it was ordered.
    pub ordered_at: DateTime<Utc>,
    /// Log position of the order: the list's stable sort key.
    pub ordered_position: i64,
    /// When it was approved or rejected.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// Sequence of the last event folded in; guards against applying an event twice.
    pub version: i64,
    /// The zones of the holder's pending zone change request (R8), as JSON.
    pub requested_zones: Option<Value>,
    /// From when the request asks: NEXT_MONTH or IMMEDIATELY.
    pub requested_zones_from: Option<String>,
    /// When the pending request was made.
    pub zones_requested_at: Option<DateTime<Utc>>,
    /// Kept for the accounts only after its holder asked for erasure (GDPR art. 18): left out
    /// of the company's lists and searches.
    pub restricted: bool,
}

/// The stored code of when a zone change takes effect.
pub fn zone_change_from_code(from: ZoneChangeFrom) -> &'static str {
    match from {
        ZoneChangeFrom::NextMonth => "NEXT_MONTH",
        ZoneChangeFrom::Immediately => "IMMEDIATELY",
    }
}

impl TicketRow {
    fn ordered(envelope: &Envelope, event: &SubscriptionEvent) -> Option<Self> {
        let SubscriptionEvent::SubscriptionOrdered {
            details,
            start_date,
            ordered_at,
            ..
        } = event
        else {
            return None;
        };
        Some(Self {
            subscription_id: envelope.aggregate_id,
            company_id: details.company.as_uuid(),
            phone: details.phone.to_string(),
            first_name: details.first_name.to_string(),
            last_name: details.last_name.to_string(),
            employee_number: details.employee_number.as_ref().map(ToString::to_string),
            extra_fields: serde_json::to_value(&details.extra_fields).unwrap_or(Value::Null),
            category: details.category.code().to_owned(),
            zones: serde_json::to_value(&details.zones).unwrap_or(Value::Null),
            zones_from: *start_date,
            order_status: OrderStatus::Pending.code().to_owned(),
            start_date: *start_date,
            valid_from: None,
            end_date: None,
            ordered_at: *ordered_at,
            ordered_position: envelope.position,
            decided_at: None,
            rejection_reason: None,
            version: envelope.sequence,
            requested_zones: None,
            restricted: false,
            requested_zones_from: None,
            zones_requested_at: None,
        })
    }

    fn apply(&mut self, sequence: i64, event: &SubscriptionEvent) {
        match event {
            SubscriptionEvent::SubscriptionOrdered { .. } => {}
            SubscriptionEvent::SubscriptionApproved {
                decided_at,
                valid_from,
                ..
            } => {
                self.order_status = OrderStatus::Approved.code().to_owned();
                self.valid_from = Some(*valid_from);
                self.decided_at = Some(*decided_at);
            }
            SubscriptionEvent::SubscriptionRejected {
                reason, decided_at, ..
            } => {
                self.order_status = OrderStatus::Rejected.code().to_owned();
                self.rejection_reason = Some(reason.to_string());
                self.decided_at = Some(*decided_at);
            }
            SubscriptionEvent::ZonesChanged {
                zones,
                effective_from,
                ..
            } => {
                self.zones = serde_json::to_value(zones).unwrap_or(Value::Null);
                self.zones_from = *effective_from;
                self.clear_zone_request();
            }
            SubscriptionEvent::SubscriptionCancelled { end_date, .. } => {
                self.end_date = Some(*end_date)
            }
            SubscriptionEvent::CancellationWithdrawn { .. } => self.end_date = None,
            SubscriptionEvent::OrderWithdrawn { .. } => {
                self.order_status = OrderStatus::Withdrawn.code().to_owned()
            }
            SubscriptionEvent::EmployeeDetailsUpdated { details, .. } => {
                self.first_name = details.first_name.to_string();
                self.last_name = details.last_name.to_string();
                self.employee_number = details.employee_number.as_ref().map(ToString::to_string);
                self.extra_fields =
                    serde_json::to_value(&details.extra_fields).unwrap_or(Value::Null);
            }
            SubscriptionEvent::ZoneChangeRequested {
                zones,
                from,
                requested_at,
                ..
            } => {
                self.requested_zones = Some(serde_json::to_value(zones).unwrap_or(Value::Null));
                self.requested_zones_from = Some(zone_change_from_code(*from).to_owned());
                self.zones_requested_at = Some(*requested_at);
            }
            SubscriptionEvent::ZoneChangeApproved { .. }
            | SubscriptionEvent::ZoneChangeRejected { .. } => self.clear_zone_request(),
            SubscriptionEvent::ProcessingRestricted { .. } => self.restricted = true,
            SubscriptionEvent::PersonalDataErased { .. } => {
                // What the earlier events read as without the key (a rebuild gives the same).
                ERASED.clone_into(&mut self.phone);
                ERASED.clone_into(&mut self.first_name);
                ERASED.clone_into(&mut self.last_name);
                if self.employee_number.is_some() {
                    self.employee_number = Some(ERASED.to_owned());
                }
                if let Value::Object(answers) = &mut self.extra_fields {
                    for answer in answers.values_mut() {
                        *answer = Value::from(ERASED);
                    }
                }
            }
        }
        self.version = sequence;
    }

    fn clear_zone_request(&mut self) {
        self.requested_zones = None;
        self.requested_zones_from = None;
        self.zones_requested_at = None;
    }
}

/// Tickets in memory, by subscription.
#[derive(Debug, Default)]
pub struct Tickets(HashMap<Uuid, TicketRow>);

impl Rows for Tickets {
    async fn load(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        let missing = missing_ids(
            events,
            |e| matches!(e, AnyEvent::Subscription(_)),
            |id| self.0.contains_key(id),
        );
        if missing.is_empty() {
            return Ok(());
        }
        let rows = sqlx::query_as::<_, TicketRow>(&format!(
            "SELECT * FROM tickets{suffix} WHERE subscription_id = ANY($1)"
        ))
        .bind(&missing)
        .fetch_all(conn)
        .await?;
        self.0
            .extend(rows.into_iter().map(|row| (row.subscription_id, row)));
        Ok(())
    }

    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        for envelope in events {
            let AnyEvent::Subscription(event) = &envelope.event else {
                continue;
            };
            match self.0.get_mut(&envelope.aggregate_id) {
                Some(row) if envelope.sequence > row.version => row.apply(envelope.sequence, event),
                Some(_) => {}
                None => {
                    let row = TicketRow::ordered(envelope, event).ok_or_else(|| {
                        ProjectionError::Corrupt(format!(
                            "subscription {} has an event before it was ordered",
                            envelope.aggregate_id
                        ))
                    })?;
                    self.0.insert(row.subscription_id, row);
                }
            }
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let rows: Vec<TicketRow> = self.0.drain().map(|(_, row)| row).collect();
        for chunk in rows.chunks(WRITE_CHUNK) {
            upsert(conn, &format!("tickets{suffix}"), chunk).await?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

async fn upsert(
    conn: &mut PgConnection,
    table: &str,
    rows: &[TicketRow],
) -> Result<(), ProjectionError> {
    macro_rules! column {
        ($field:ident) => {
            rows.iter().map(|r| r.$field.clone()).collect::<Vec<_>>()
        };
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (subscription_id, company_id, phone, first_name, last_name, employee_number,
             extra_fields, category, zones, zones_from, order_status, start_date, valid_from, end_date,
             ordered_at, ordered_position, decided_at, rejection_reason, version,
             requested_zones, requested_zones_from, zones_requested_at, restricted)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::jsonb[], $8::text[], $9::jsonb[], $10::date[], $11::text[], $12::date[], $13::date[], $14::date[],
             $15::timestamptz[], $16::bigint[], $17::timestamptz[], $18::text[], $19::bigint[],
             $20::jsonb[], $21::text[], $22::timestamptz[], $23::boolean[])
         ON CONFLICT (subscription_id) DO UPDATE SET
             restricted = EXCLUDED.restricted,
             phone = EXCLUDED.phone, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
             employee_number = EXCLUDED.employee_number, extra_fields = EXCLUDED.extra_fields,
             requested_zones = EXCLUDED.requested_zones,
             requested_zones_from = EXCLUDED.requested_zones_from,
             zones_requested_at = EXCLUDED.zones_requested_at,
             zones = EXCLUDED.zones, zones_from = EXCLUDED.zones_from, order_status = EXCLUDED.order_status,
             valid_from = EXCLUDED.valid_from, end_date = EXCLUDED.end_date, decided_at = EXCLUDED.decided_at,
             rejection_reason = EXCLUDED.rejection_reason, version = EXCLUDED.version"
    ))
    .bind(column!(subscription_id))
    .bind(column!(company_id))
    .bind(column!(phone))
    .bind(column!(first_name))
    .bind(column!(last_name))
    .bind(column!(employee_number))
    .bind(column!(extra_fields))
    .bind(column!(category))
    .bind(column!(zones))
    .bind(column!(zones_from))
    .bind(column!(order_status))
    .bind(column!(start_date))
    .bind(column!(valid_from))
    .bind(column!(end_date))
    .bind(column!(ordered_at))
    .bind(column!(ordered_position))
    .bind(column!(decided_at))
    .bind(column!(rejection_reason))
    .bind(column!(version))
    .bind(column!(requested_zones))
    .bind(column!(requested_zones_from))
    .bind(column!(zones_requested_at))
    .bind(column!(restricted))
    .execute(conn)
    .await?;
    Ok(())
}
