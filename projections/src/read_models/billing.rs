//! The billing read model: every subscription folded by the domain itself (its state is what
//! `bedrift_domain::billing::charge` prices), and every employer-contribution setting with the
//! instant it was set. The payroll deduction basis and the invoice basis are computed from
//! these rows by the domain's billing function, never re-implemented in SQL.

use std::collections::HashMap;

use bedrift_domain::company::{CompanyEvent, EmployerContribution};
use bedrift_domain::subscription::{OrderStatus, Subscription};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{missing_ids, Rows, WRITE_CHUNK};
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// One employer-contribution setting.
#[derive(Debug, Clone)]
struct ContributionRow {
    company_id: Uuid,
    position: i64,
    set_at: DateTime<Utc>,
    contribution: EmployerContribution,
}

/// Folded subscriptions (with the sequence of their last event) and new contribution settings.
#[derive(Debug, Default)]
pub struct Billing {
    subscriptions: HashMap<Uuid, (Subscription, i64)>,
    contributions: Vec<ContributionRow>,
}

impl Rows for Billing {
    async fn load(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        let missing = missing_ids(
            events,
            |e| matches!(e, AnyEvent::Subscription(_)),
            |id| self.subscriptions.contains_key(id),
        );
        if missing.is_empty() {
            return Ok(());
        }
        let stored: Vec<(Uuid, String, i64)> = sqlx::query_as(&format!(
            "SELECT subscription_id, state::text, version FROM billing_subscriptions{suffix}
             WHERE subscription_id = ANY($1)"
        ))
        .bind(&missing)
        .fetch_all(conn)
        .await?;
        for (id, state, version) in stored {
            let state = serde_json::from_str(&state)
                .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
            self.subscriptions.insert(id, (state, version));
        }
        Ok(())
    }

    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        for envelope in events {
            match &envelope.event {
                AnyEvent::Subscription(event) => {
                    let (state, version) =
                        self.subscriptions.entry(envelope.aggregate_id).or_default();
                    if envelope.sequence > *version {
                        state.apply(event.clone());
                        *version = envelope.sequence;
                    }
                }
                AnyEvent::Company(CompanyEvent::EmployerContributionSet {
                    contribution,
                    set_at,
                    ..
                }) => {
                    self.contributions.push(ContributionRow {
                        company_id: envelope.aggregate_id,
                        position: envelope.position,
                        set_at: *set_at,
                        contribution: *contribution,
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let subscriptions: Vec<(Uuid, (Subscription, i64))> = self.subscriptions.drain().collect();
        for chunk in subscriptions.chunks(WRITE_CHUNK) {
            upsert_subscriptions(conn, &format!("billing_subscriptions{suffix}"), chunk).await?;
        }
        let contributions = std::mem::take(&mut self.contributions);
        for chunk in contributions.chunks(WRITE_CHUNK) {
            insert_contributions(conn, &format!("billing_contributions{suffix}"), chunk).await?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.subscriptions.len() + self.contributions.len()
    }
}

async fn upsert_subscriptions(
    conn: &mut PgConnection,
    table: &str,
    rows: &[(Uuid, (Subscription, i64))],
) -> Result<(), ProjectionError> {
    let mut ids = Vec::with_capacity(rows.len());
    let mut companies = Vec::with_capacity(rows.len());
    let mut approved = Vec::with_capacity(rows.len());
    let mut valid_from = Vec::with_capacity(rows.len());
    let mut end_date = Vec::with_capacity(rows.len());
    let mut states = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for (id, (state, version)) in rows {
        // Every subscription in the log starts with its order, so a folded state that is not
        // ordered is a broken log: an error, never a row left out of the money path.
        let ordered = state.ordered().ok_or_else(|| {
            ProjectionError::Corrupt(format!("subscription {id} has events but no order"))
        })?;
        ids.push(*id);
        companies.push(ordered.details.company.as_uuid());
        approved.push(ordered.status() == OrderStatus::Approved);
        valid_from.push(ordered.valid_from());
        end_date.push(ordered.end_date());
        states.push(
            serde_json::to_string(state).map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
        );
        versions.push(*version);
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (subscription_id, company_id, approved, valid_from, end_date, state, version)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bool[], $4::date[], $5::date[], $6::text[]::jsonb[], $7::bigint[])
         ON CONFLICT (subscription_id) DO UPDATE SET approved = EXCLUDED.approved,
             valid_from = EXCLUDED.valid_from, end_date = EXCLUDED.end_date, state = EXCLUDED.state,
             version = EXCLUDED.version"
    ))
    .bind(ids)
    .bind(companies)
    .bind(approved)
    .bind(valid_from)
    .bind(end_date)
    .bind(states)
    .bind(versions)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_contributions(
    conn: &mut PgConnection,
    table: &str,
    rows: &[ContributionRow],
) -> Result<(), ProjectionError> {
    let mut kind = Vec::with_capacity(rows.len());
    let mut percent: Vec<Option<i16>> = Vec::with_capacity(rows.len());
    let mut amount_ore: Vec<Option<i64>> = Vec::with_capacity(rows.len());
    for row in rows {
        let (k, p, a) = match row.contribution {
            EmployerContribution::None => ("NONE", None, None),
            EmployerContribution::Percent { percent } => {
                ("PERCENT", Some(i16::from(percent)), None)
            }
            EmployerContribution::Fixed { amount } => ("FIXED", None, Some(amount.ore())),
        };
        kind.push(k);
        percent.push(p);
        amount_ore.push(a);
    }
    sqlx::query(&format!(
        "INSERT INTO {table} (company_id, position, set_at, kind, percent, amount_ore)
         SELECT * FROM UNNEST($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::smallint[], $6::bigint[])
         ON CONFLICT (company_id, position) DO NOTHING"
    ))
    .bind(rows.iter().map(|r| r.company_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.position).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.set_at).collect::<Vec<_>>())
    .bind(kind)
    .bind(percent)
    .bind(amount_ore)
    .execute(conn)
    .await?;
    Ok(())
}
