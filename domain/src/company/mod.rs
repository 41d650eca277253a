//! The `Company` aggregate: a company (virksomhet) and its settings. Its administrators approve
//! orders and manage tickets; its settings decide how employees may order (R6) and how much the
//! company pays of each ticket (R14).

mod command;
mod event;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use command::CompanyCommand;
pub use event::CompanyEvent;
pub use settings::{
    ContributionHistory, EmployerContribution, ExtraField, FieldRequirement, OrderForm,
    OrderFormError, OrderingPolicy, MAX_FIELD_ANSWER,
};

use crate::clock::{oslo_date, Clock};
use crate::metadata::Actor;
use crate::subscription::CompanyTerms;
use crate::values::{AccountId, BoundedText, EmailAddress, OrderLinkToken, OrgNumber, PayTypeCode};

/// Why a company command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompanyError {
    /// `Register` on a company that exists.
    #[error("the company is already registered")]
    AlreadyRegistered,
    /// R17: another company is registered with this organisation number. Kept where events
    /// are appended (the store's `company_claims`), so it is decided against every company,
    /// also one registered a moment ago by another request.
    #[error("a company with this organisation number is already registered")]
    OrgNumberTaken,
    /// Any other command on a company that does not exist.
    #[error("there is no such company")]
    NotFound,
    /// The e-mail address already belongs to an administrator of this company.
    #[error("{0} is already an administrator of this company")]
    AlreadyAdministrator(EmailAddress),
    /// `RemoveAdministrator` for someone who is not one.
    #[error("that account is not an administrator of this company")]
    NotAnAdministrator,
    /// Removing the last administrator would leave nobody to approve orders.
    #[error("a company must keep at least one administrator")]
    LastAdministrator,
    /// The department mapping names a field the order form does not have.
    #[error("the order form has no field `{0}` to take the department from")]
    UnknownDepartmentField(BoundedText),
    /// The cost centre mapping names a field the order form does not have.
    #[error("the order form has no field `{0}` to take the cost centre from")]
    UnknownCostCentreField(BoundedText),
    /// A deactivated company changes no more.
    #[error("the company's agreement ends on {0}: it can no longer be changed")]
    Deactivated(NaiveDate),
    /// A company's tickets never end in the past.
    #[error("the end date cannot be in the past")]
    EndDateInPast,
}

/// The end of a company's customer relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deactivation {
    /// The last day its tickets are valid.
    pub ends_on: NaiveDate,
    /// Who ended it.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A company administrator known to the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administrator {
    /// Their login account.
    pub account: AccountId,
    /// Their e-mail address.
    pub email: EmailAddress,
    /// Their name.
    pub name: BoundedText,
}

/// How an administrator hears of employees' orders waiting for approval: an e-mail for each
/// order at once (the default), or one e-mail a day listing what waits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderNotice {
    /// An e-mail per order, when it is placed.
    #[default]
    Immediately,
    /// One e-mail each morning while orders wait, none on days when nothing waits.
    DailyDigest,
}

/// Services the company's command handler needs: the clock.
#[derive(Debug, Clone)]
pub struct CompanyServices {
    /// Source of "now".
    pub clock: Arc<dyn Clock>,
}

/// A company and its settings, folded from its events.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Company {
    /// Organisation number; `None` until registered.
    pub org_number: Option<OrgNumber>,
    /// Name.
    pub name: Option<BoundedText>,
    /// Where invoices go.
    pub invoice_email: Option<EmailAddress>,
    /// Administrators by account.
    pub administrators: BTreeMap<AccountId, Administrator>,
    /// Ordering policy.
    pub policy: OrderingPolicy,
    /// The token of the current order link.
    pub order_link: Option<OrderLinkToken>,
    /// The order form.
    pub order_form: OrderForm,
    /// Every employer contribution setting, with when it was set.
    pub contributions: ContributionHistory,
    /// Pay type code for payroll imports.
    pub pay_type_code: Option<PayTypeCode>,
    /// The order form field whose answer is the department in payroll imports.
    pub department_field: Option<BoundedText>,
    /// The order form field whose answer is the cost centre (or project) in payroll imports.
    pub cost_centre_field: Option<BoundedText>,
    /// When it was registered.
    pub registered_at: Option<DateTime<Utc>>,
    /// The end of the customer relationship, once the operator ended it.
    #[serde(default)]
    pub deactivation: Option<Deactivation>,
    /// The administrators who chose another [`OrderNotice`] than the default.
    #[serde(default)]
    pub order_notices: BTreeMap<AccountId, OrderNotice>,
}

impl Company {
    /// Whether the company has been registered.
    pub fn is_registered(&self) -> bool {
        self.org_number.is_some()
    }

    /// How administrator `account` hears of orders waiting for approval.
    pub fn order_notice(&self, account: &AccountId) -> OrderNotice {
        self.order_notices.get(account).copied().unwrap_or_default()
    }

    /// What the company says about its employees' orders and zone changes now (R6, R8): its
    /// policy and form; a deactivated company takes nothing from its employees (`CLOSED`).
    pub fn employee_terms(&self) -> CompanyTerms {
        CompanyTerms {
            policy: match self.deactivation {
                Some(_) => OrderingPolicy::Closed,
                None => self.policy,
            },
            form: self.order_form.clone(),
        }
    }
}

impl Aggregate for Company {
    const TYPE: &'static str = "Company";
    type Command = CompanyCommand;
    type Event = CompanyEvent;
    type Error = CompanyError;
    type Services = CompanyServices;

    async fn handle(
        &mut self,
        command: CompanyCommand,
        services: &CompanyServices,
        sink: &EventSink<Self>,
    ) -> Result<(), CompanyError> {
        let now = services.clock.now();
        for event in self.decide(command, now)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: CompanyEvent) {
        match event {
            CompanyEvent::CompanyRegistered {
                org_number,
                name,
                invoice_email,
                order_link,
                registered_at,
                ..
            } => {
                self.org_number = Some(org_number);
                self.name = Some(name);
                self.invoice_email = Some(invoice_email);
                self.order_link = Some(order_link);
                self.registered_at = Some(registered_at);
            }
            CompanyEvent::AdministratorInvited { administrator, .. } => {
                self.administrators
                    .insert(administrator.account, administrator);
            }
            CompanyEvent::AdministratorRemoved { account, .. } => {
                self.administrators.remove(&account);
                self.order_notices.remove(&account);
            }
            CompanyEvent::OrderNoticeSet {
                account, notice, ..
            } => {
                self.order_notices.insert(account, notice);
            }
            CompanyEvent::OrderingPolicySet { policy, .. } => self.policy = policy,
            CompanyEvent::CompanyDetailsUpdated {
                name,
                invoice_email,
                ..
            } => {
                self.name = Some(name);
                self.invoice_email = Some(invoice_email);
            }
            CompanyEvent::OrderLinkRotated { token, .. } => self.order_link = Some(token),
            CompanyEvent::OrderFormConfigured { form, .. } => self.order_form = form,
            CompanyEvent::EmployerContributionSet {
                contribution,
                set_at,
                ..
            } => {
                self.contributions.record(set_at, contribution);
            }
            CompanyEvent::PayrollSettingsSet {
                pay_type_code,
                department_field,
                cost_centre_field,
                ..
            } => {
                self.pay_type_code = Some(pay_type_code);
                self.department_field = department_field;
                self.cost_centre_field = cost_centre_field;
            }
            CompanyEvent::CompanyDeactivated {
                ends_on,
                deactivated_by,
                deactivated_at,
            } => {
                self.deactivation = Some(Deactivation {
                    ends_on,
                    by: deactivated_by,
                    at: deactivated_at,
                });
            }
        }
    }
}

impl Company {
    /// Decides what `command` does at `now`: the events to append, or why it is refused.
    pub fn decide(
        &self,
        command: CompanyCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<CompanyEvent>, CompanyError> {
        if let CompanyCommand::Register {
            org_number,
            name,
            invoice_email,
            contact,
            order_link,
            by,
        } = command
        {
            if self.is_registered() {
                return Err(CompanyError::AlreadyRegistered);
            }
            return Ok(vec![
                CompanyEvent::CompanyRegistered {
                    org_number,
                    name,
                    invoice_email,
                    order_link,
                    registered_by: by.clone(),
                    registered_at: now,
                },
                CompanyEvent::AdministratorInvited {
                    administrator: contact,
                    invited_by: by,
                },
            ]);
        }
        if !self.is_registered() {
            return Err(CompanyError::NotFound);
        }
        if let Some(deactivation) = &self.deactivation {
            return Err(CompanyError::Deactivated(deactivation.ends_on));
        }
        let event = match command {
            CompanyCommand::Register { .. } => unreachable!("handled above"),
            CompanyCommand::Deactivate { ends_on, by } => {
                if ends_on < oslo_date(now) {
                    return Err(CompanyError::EndDateInPast);
                }
                CompanyEvent::CompanyDeactivated {
                    ends_on,
                    deactivated_by: by,
                    deactivated_at: now,
                }
            }
            CompanyCommand::InviteAdministrator { administrator, by } => {
                if self
                    .administrators
                    .values()
                    .any(|a| a.email == administrator.email)
                {
                    return Err(CompanyError::AlreadyAdministrator(administrator.email));
                }
                CompanyEvent::AdministratorInvited {
                    administrator,
                    invited_by: by,
                }
            }
            CompanyCommand::RemoveAdministrator { account, by } => {
                if !self.administrators.contains_key(&account) {
                    return Err(CompanyError::NotAnAdministrator);
                }
                if self.administrators.len() == 1 {
                    return Err(CompanyError::LastAdministrator);
                }
                CompanyEvent::AdministratorRemoved {
                    account,
                    removed_by: by,
                }
            }
            CompanyCommand::SetOrderNotice {
                account,
                notice,
                by,
            } => {
                if !self.administrators.contains_key(&account) {
                    return Err(CompanyError::NotAnAdministrator);
                }
                if self.order_notice(&account) == notice {
                    return Ok(Vec::new());
                }
                CompanyEvent::OrderNoticeSet {
                    account,
                    notice,
                    set_by: by,
                }
            }
            CompanyCommand::SetOrderingPolicy { policy, by } => {
                CompanyEvent::OrderingPolicySet { policy, set_by: by }
            }
            CompanyCommand::UpdateDetails {
                name,
                invoice_email,
                by,
            } => CompanyEvent::CompanyDetailsUpdated {
                name,
                invoice_email,
                updated_by: by,
            },
            CompanyCommand::RotateOrderLink { token, by } => CompanyEvent::OrderLinkRotated {
                token,
                rotated_by: by,
            },
            CompanyCommand::ConfigureOrderForm { form, by } => CompanyEvent::OrderFormConfigured {
                form,
                configured_by: by,
            },
            CompanyCommand::SetEmployerContribution { contribution, by } => {
                CompanyEvent::EmployerContributionSet {
                    contribution,
                    set_by: by,
                    set_at: now,
                }
            }
            CompanyCommand::SetPayrollSettings {
                pay_type_code,
                department_field,
                cost_centre_field,
                by,
            } => {
                let on_form = |label: &BoundedText| {
                    self.order_form
                        .extra_fields
                        .iter()
                        .any(|f| &f.label == label)
                };
                if let Some(label) = department_field.as_ref().filter(|l| !on_form(l)) {
                    return Err(CompanyError::UnknownDepartmentField(label.clone()));
                }
                if let Some(label) = cost_centre_field.as_ref().filter(|l| !on_form(l)) {
                    return Err(CompanyError::UnknownCostCentreField(label.clone()));
                }
                CompanyEvent::PayrollSettingsSet {
                    pay_type_code,
                    department_field,
                    cost_centre_field,
                    set_by: by,
                }
            }
        };
        Ok(vec![event])
    }
}
