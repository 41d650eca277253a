//! The company directory: every company with its current settings, and its administrators.

use std::collections::{BTreeMap, HashMap};

use bedrift_domain::company::{
    Company, CompanyEvent, EmployerContribution, OrderForm, OrderNotice, OrderingPolicy,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::{missing_ids, Rows};
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// One row of `companies`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CompanyRow {
    /// The company.
    pub company_id: Uuid,
    /// Organisation number.
    pub org_number: String,
    /// Name.
    pub name: String,
    /// Where invoices go.
    pub invoice_email: String,
    /// CLOSED, APPROVAL_REQUIRED or AUTOMATIC_APPROVAL.
    pub ordering_policy: String,
    /// The current order link's token.
    pub order_link_token: String,
    /// The order form (an `OrderForm` as JSON).
    pub order_form: Value,
    /// NONE, PERCENT or FIXED.
    pub contribution_kind: String,
    /// For PERCENT.
    pub contribution_percent: Option<i16>,
    /// For FIXED, in øre.
    pub contribution_amount_ore: Option<i64>,
    /// Pay type code for payroll imports.
    pub pay_type_code: Option<String>,
    /// The order form field (its label) whose answer is the department in payroll imports.
    pub department_field: Option<String>,
    /// The order form field (its label) whose answer is the cost centre or project.
    pub cost_centre_field: Option<String>,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// Sequence of the last event folded in.
    pub version: i64,
    /// Once deactivated: the last day its tickets are valid.
    pub ends_on: Option<NaiveDate>,
    /// Once deactivated: when the operator ended the relationship.
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// The stored form of an administrator's [`OrderNotice`] (`company_administrators.order_notice`,
/// whose CHECK constraint lists the same two).
pub fn order_notice_code(notice: OrderNotice) -> &'static str {
    match notice {
        OrderNotice::Immediately => "IMMEDIATELY",
        OrderNotice::DailyDigest => "DAILY_DIGEST",
    }
}

/// The [`OrderNotice`] of a stored code.
pub fn order_notice_of(code: &str) -> Result<OrderNotice, ProjectionError> {
    match code {
        "IMMEDIATELY" => Ok(OrderNotice::Immediately),
        "DAILY_DIGEST" => Ok(OrderNotice::DailyDigest),
        other => Err(ProjectionError::Corrupt(format!(
            "unknown order notice code {other:?}"
        ))),
    }
}

fn policy_code(policy: OrderingPolicy) -> &'static str {
    match policy {
        OrderingPolicy::Closed => "CLOSED",
        OrderingPolicy::ApprovalRequired => "APPROVAL_REQUIRED",
        OrderingPolicy::AutomaticApproval => "AUTOMATIC_APPROVAL",
    }
}

/// The contribution as the row's kind, percent and amount columns.
fn contribution_columns(contribution: EmployerContribution) -> (String, Option<i16>, Option<i64>) {
    match contribution {
        EmployerContribution::None => ("NONE".to_owned(), None, None),
        EmployerContribution::Percent { percent } => {
            ("PERCENT".to_owned(), Some(i16::from(percent)), None)
        }
        EmployerContribution::Fixed { amount } => ("FIXED".to_owned(), None, Some(amount.ore())),
    }
}

impl CompanyRow {
    /// The row that the events of `company` (id `id`) fold into, computed from the aggregate
    /// itself: what a mutation answers with, before the projector has written the row.
    /// `None` for a company that is not registered. `version` is 0: no event was folded here.
    pub fn of_aggregate(id: Uuid, company: &Company) -> Option<Self> {
        let (org_number, name, invoice_email, order_link, registered_at) = (
            company.org_number.as_ref()?,
            company.name.as_ref()?,
            company.invoice_email.as_ref()?,
            company.order_link.as_ref()?,
            company.registered_at?,
        );
        let (kind, percent, amount) = contribution_columns(
            company
                .contributions
                .entries()
                .last()
                .map_or(EmployerContribution::None, |(_, c)| *c),
        );
        Some(Self {
            company_id: id,
            org_number: org_number.to_string(),
            name: name.to_string(),
            invoice_email: invoice_email.to_string(),
            ordering_policy: policy_code(company.policy).to_owned(),
            order_link_token: order_link.to_string(),
            order_form: serde_json::to_value(&company.order_form).unwrap_or(Value::Null),
            contribution_kind: kind,
            contribution_percent: percent,
            contribution_amount_ore: amount,
            pay_type_code: company.pay_type_code.as_ref().map(ToString::to_string),
            department_field: company.department_field.as_ref().map(ToString::to_string),
            cost_centre_field: company.cost_centre_field.as_ref().map(ToString::to_string),
            registered_at,
            version: 0,
            ends_on: company.deactivation.as_ref().map(|d| d.ends_on),
            deactivated_at: company.deactivation.as_ref().map(|d| d.at),
        })
    }

    fn apply(&mut self, event: &CompanyEvent) {
        match event {
            CompanyEvent::CompanyRegistered { .. }
            | CompanyEvent::AdministratorInvited { .. }
            | CompanyEvent::AdministratorRemoved { .. }
            | CompanyEvent::OrderNoticeSet { .. } => {}
            CompanyEvent::OrderingPolicySet { policy, .. } => {
                self.ordering_policy = policy_code(*policy).to_owned()
            }
            CompanyEvent::CompanyDetailsUpdated {
                name,
                invoice_email,
                ..
            } => {
                self.name = name.to_string();
                self.invoice_email = invoice_email.to_string();
            }
            CompanyEvent::OrderLinkRotated { token, .. } => {
                self.order_link_token = token.to_string()
            }
            CompanyEvent::OrderFormConfigured { form, .. } => {
                self.order_form = serde_json::to_value(form).unwrap_or(Value::Null);
            }
            CompanyEvent::EmployerContributionSet { contribution, .. } => {
                (
                    self.contribution_kind,
                    self.contribution_percent,
                    self.contribution_amount_ore,
                ) = contribution_columns(*contribution);
            }
            CompanyEvent::PayrollSettingsSet {
                pay_type_code,
                department_field,
                cost_centre_field,
                ..
            } => {
                self.pay_type_code = Some(pay_type_code.to_string());
                self.department_field = department_field.as_ref().map(ToString::to_string);
                self.cost_centre_field = cost_centre_field.as_ref().map(ToString::to_string);
            }
            CompanyEvent::CompanyDeactivated {
                ends_on,
                deactivated_at,
                ..
            } => {
                self.ends_on = Some(*ends_on);
                self.deactivated_at = Some(*deactivated_at);
            }
        }
    }
}

/// Companies and administrator changes in memory.
#[derive(Debug, Default)]
pub struct Companies {
    companies: HashMap<Uuid, CompanyRow>,
    /// (company, account) -> (e-mail, name), or `None` once removed.
    administrators: BTreeMap<(Uuid, Uuid), Option<(String, String)>>,
    /// (company, account) -> their order notice, chosen after their last invitation in the batch
    /// (an invitation or removal starts them again from the default).
    order_notices: BTreeMap<(Uuid, Uuid), OrderNotice>,
}

impl Companies {
    fn registered(envelope: &Envelope, event: &CompanyEvent) -> Option<CompanyRow> {
        let CompanyEvent::CompanyRegistered {
            org_number,
            name,
            invoice_email,
            order_link,
            registered_at,
            ..
        } = event
        else {
            return None;
        };
        Some(CompanyRow {
            company_id: envelope.aggregate_id,
            org_number: org_number.to_string(),
            name: name.to_string(),
            invoice_email: invoice_email.to_string(),
            ordering_policy: policy_code(OrderingPolicy::default()).to_owned(),
            order_link_token: order_link.to_string(),
            order_form: serde_json::to_value(OrderForm::standard()).unwrap_or(Value::Null),
            contribution_kind: "NONE".to_owned(),
            contribution_percent: None,
            contribution_amount_ore: None,
            pay_type_code: None,
            department_field: None,
            cost_centre_field: None,
            registered_at: *registered_at,
            version: envelope.sequence,
            ends_on: None,
            deactivated_at: None,
        })
    }
}

impl Rows for Companies {
    async fn load(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
        events: &[Envelope],
    ) -> Result<(), ProjectionError> {
        let missing = missing_ids(
            events,
            |e| matches!(e, AnyEvent::Company(_)),
            |id| self.companies.contains_key(id),
        );
        if missing.is_empty() {
            return Ok(());
        }
        let rows = sqlx::query_as::<_, CompanyRow>(&format!(
            "SELECT * FROM companies{suffix} WHERE company_id = ANY($1)"
        ))
        .bind(&missing)
        .fetch_all(conn)
        .await?;
        self.companies
            .extend(rows.into_iter().map(|row| (row.company_id, row)));
        Ok(())
    }

    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        for envelope in events {
            let AnyEvent::Company(event) = &envelope.event else {
                continue;
            };
            let id = envelope.aggregate_id;
            if self
                .companies
                .get(&id)
                .is_some_and(|row| envelope.sequence <= row.version)
            {
                continue;
            }
            if let Some(row) = Self::registered(envelope, event) {
                self.companies.insert(id, row);
                continue;
            }
            match event {
                CompanyEvent::AdministratorInvited { administrator, .. } => {
                    let details = (
                        administrator.email.to_string(),
                        administrator.name.to_string(),
                    );
                    let key = (id, administrator.account.as_uuid());
                    self.administrators.insert(key, Some(details));
                    self.order_notices.remove(&key);
                }
                CompanyEvent::AdministratorRemoved { account, .. } => {
                    let key = (id, account.as_uuid());
                    self.administrators.insert(key, None);
                    self.order_notices.remove(&key);
                }
                CompanyEvent::OrderNoticeSet {
                    account, notice, ..
                } => {
                    self.order_notices.insert((id, account.as_uuid()), *notice);
                }
                _ => {}
            }
            let row = self.companies.get_mut(&id).ok_or_else(|| {
                ProjectionError::Corrupt(format!(
                    "company {id} has an event before it was registered"
                ))
            })?;
            row.apply(event);
            row.version = envelope.sequence;
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        for row in std::mem::take(&mut self.companies).into_values() {
            upsert_company(conn, &format!("companies{suffix}"), &row).await?;
        }
        let administrators = format!("company_administrators{suffix}");
        for ((company, account), details) in std::mem::take(&mut self.administrators) {
            match details {
                Some((email, name)) => {
                    sqlx::query(&format!(
                        "INSERT INTO {administrators} (company_id, account_id, email, name) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (company_id, account_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
                             order_notice = EXCLUDED.order_notice"
                    ))
                    .bind(company)
                    .bind(account)
                    .bind(email)
                    .bind(name)
                    .execute(&mut *conn)
                    .await?;
                }
                None => {
                    sqlx::query(&format!(
                        "DELETE FROM {administrators} WHERE company_id = $1 AND account_id = $2"
                    ))
                    .bind(company)
                    .bind(account)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        for ((company, account), notice) in std::mem::take(&mut self.order_notices) {
            sqlx::query(&format!(
                "UPDATE {administrators} SET order_notice = $3 WHERE company_id = $1 AND account_id = $2"
            ))
            .bind(company)
            .bind(account)
            .bind(order_notice_code(notice))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.companies.len() + self.administrators.len() + self.order_notices.len()
    }
}

async fn upsert_company(
    conn: &mut PgConnection,
    table: &str,
    row: &CompanyRow,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {table} (company_id, org_number, name, invoice_email, ordering_policy, order_link_token,
             order_form, contribution_kind, contribution_percent, contribution_amount_ore, pay_type_code,
             registered_at, version, department_field, cost_centre_field, ends_on, deactivated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (company_id) DO UPDATE SET name = EXCLUDED.name,
             invoice_email = EXCLUDED.invoice_email, ordering_policy = EXCLUDED.ordering_policy,
             order_link_token = EXCLUDED.order_link_token, order_form = EXCLUDED.order_form,
             contribution_kind = EXCLUDED.contribution_kind, contribution_percent = EXCLUDED.contribution_percent,
             contribution_amount_ore = EXCLUDED.contribution_amount_ore, pay_type_code = EXCLUDED.pay_type_code,
             version = EXCLUDED.version, department_field = EXCLUDED.department_field,
             cost_centre_field = EXCLUDED.cost_centre_field, ends_on = EXCLUDED.ends_on,
             deactivated_at = EXCLUDED.deactivated_at"
    ))
    .bind(row.company_id)
    .bind(&row.org_number)
    .bind(&row.name)
    .bind(&row.invoice_email)
    .bind(&row.ordering_policy)
    .bind(&row.order_link_token)
    .bind(&row.order_form)
    .bind(&row.contribution_kind)
    .bind(row.contribution_percent)
    .bind(row.contribution_amount_ore)
    .bind(&row.pay_type_code)
    .bind(row.registered_at)
    .bind(row.version)
    .bind(&row.department_field)
    .bind(&row.cost_centre_field)
    .bind(row.ends_on)
    .bind(row.deactivated_at)
    .execute(conn)
    .await?;
    Ok(())
}
