//! The billing read model: every approved subscription folded by the domain itself (its state
//! is what `bedrift_domain::billing::charge` prices), and every employer-contribution setting
//! with the instant it was set. The payroll deduction basis and the invoice basis are computed
//! from these rows by the domain's billing function, never re-implemented in SQL.

use std::collections::HashMap;

use bedrift_domain::company::{CompanyEvent, EmployerContribution};
use bedrift_domain::subscription::{OrderStatus, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// Folds a batch into `billing_subscriptions` and `billing_contributions` (with `suffix`).
pub async fn apply(
    conn: &mut PgConnection,
    suffix: &str,
    events: &[Envelope],
) -> Result<(), ProjectionError> {
    apply_subscriptions(conn, &format!("billing_subscriptions{suffix}"), events).await?;
    apply_contributions(conn, &format!("billing_contributions{suffix}"), events).await
}

async fn apply_subscriptions(
    conn: &mut PgConnection,
    table: &str,
    events: &[Envelope],
) -> Result<(), ProjectionError> {
    let mut ids: Vec<Uuid> = events
        .iter()
        .filter(|e| matches!(e.event, AnyEvent::Subscription(_)))
        .map(|e| e.aggregate_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let stored: Vec<(Uuid, Value, i64)> = sqlx::query_as(&format!(
        "SELECT subscription_id, state, version FROM {table} WHERE subscription_id = ANY($1)"
    ))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut states: HashMap<Uuid, (Subscription, i64)> = HashMap::with_capacity(ids.len());
    for (id, state, version) in stored {
        let state =
            serde_json::from_value(state).map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        states.insert(id, (state, version));
    }
    for envelope in events {
        let AnyEvent::Subscription(event) = &envelope.event else {
            continue;
        };
        let (state, version) = states.entry(envelope.aggregate_id).or_default();
        if envelope.sequence > *version {
            state.apply(event.clone());
            *version = envelope.sequence;
        }
    }
    let mut columns = Columns::default();
    for id in &ids {
        let (state, version) = &states[id];
        let Some(company) = state.company else {
            continue;
        };
        columns.subscription_id.push(*id);
        columns.company_id.push(company.as_uuid());
        columns.approved.push(state.status == OrderStatus::Approved);
        columns.valid_from.push(state.valid_from);
        columns.end_date.push(state.end_date);
        columns.state.push(
            serde_json::to_value(state).map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
        );
        columns.version.push(*version);
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (subscription_id, company_id, approved, valid_from, end_date, state, version)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bool[], $4::date[], $5::date[], $6::jsonb[], $7::bigint[])
         ON CONFLICT (subscription_id) DO UPDATE SET approved = EXCLUDED.approved,
             valid_from = EXCLUDED.valid_from, end_date = EXCLUDED.end_date, state = EXCLUDED.state,
             version = EXCLUDED.version"
    ))
    .bind(columns.subscription_id)
    .bind(columns.company_id)
    .bind(columns.approved)
    .bind(columns.valid_from)
    .bind(columns.end_date)
    .bind(columns.state)
    .bind(columns.version)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Default)]
struct Columns {
    subscription_id: Vec<Uuid>,
    company_id: Vec<Uuid>,
    approved: Vec<bool>,
    valid_from: Vec<Option<NaiveDate>>,
    end_date: Vec<Option<NaiveDate>>,
    state: Vec<Value>,
    version: Vec<i64>,
}

async fn apply_contributions(
    conn: &mut PgConnection,
    table: &str,
    events: &[Envelope],
) -> Result<(), ProjectionError> {
    let mut company_id = Vec::new();
    let mut position = Vec::new();
    let mut set_at: Vec<DateTime<Utc>> = Vec::new();
    let mut kind = Vec::new();
    let mut percent: Vec<Option<i16>> = Vec::new();
    let mut amount_ore: Vec<Option<i64>> = Vec::new();
    for envelope in events {
        let AnyEvent::Company(CompanyEvent::EmployerContributionSet {
            contribution,
            set_at: at,
            ..
        }) = &envelope.event
        else {
            continue;
        };
        company_id.push(envelope.aggregate_id);
        position.push(envelope.position);
        set_at.push(*at);
        let (k, p, a) = match contribution {
            EmployerContribution::None => ("NONE", None, None),
            EmployerContribution::Percent { percent } => {
                ("PERCENT", Some(i16::from(*percent)), None)
            }
            EmployerContribution::Fixed { amount } => ("FIXED", None, Some(amount.ore())),
        };
        kind.push(k);
        percent.push(p);
        amount_ore.push(a);
    }
    if company_id.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (company_id, position, set_at, kind, percent, amount_ore)
         SELECT * FROM UNNEST($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::smallint[], $6::bigint[])
         ON CONFLICT (company_id, position) DO NOTHING"
    ))
    .bind(company_id)
    .bind(position)
    .bind(set_at)
    .bind(kind)
    .bind(percent)
    .bind(amount_ore)
    .execute(conn)
    .await?;
    Ok(())
}
