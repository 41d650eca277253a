//! Facts about a company. Stored forever: change a shape only with a new version and an
//! upcaster (see `crate::upcasting`).

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{Administrator, EmployerContribution, OrderForm, OrderNotice, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{AccountId, BoundedText, EmailAddress, OrderLinkToken, OrgNumber, PayTypeCode};

/// Something that happened to a company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CompanyEvent {
    /// The operator registered the company.
    CompanyRegistered {
        /// Organisation number.
        org_number: OrgNumber,
        /// Name.
        name: BoundedText,
        /// Where invoices go.
        invoice_email: EmailAddress,
        /// The first order link's token.
        order_link: OrderLinkToken,
        /// Who registered it.
        registered_by: Actor,
        /// When.
        registered_at: DateTime<Utc>,
    },
    /// An administrator was invited.
    AdministratorInvited {
        /// The administrator.
        administrator: Administrator,
        /// Who invited them.
        invited_by: Actor,
    },
    /// An administrator was removed.
    AdministratorRemoved {
        /// Their account.
        account: AccountId,
        /// Who removed them.
        removed_by: Actor,
    },
    /// The ordering policy was set.
    OrderingPolicySet {
        /// The policy.
        policy: OrderingPolicy,
        /// Who set it.
        set_by: Actor,
    },
    /// The order link was replaced.
    OrderLinkRotated {
        /// The new token.
        token: OrderLinkToken,
        /// Who rotated it.
        rotated_by: Actor,
    },
    /// The order form was configured.
    OrderFormConfigured {
        /// The form.
        form: OrderForm,
        /// Who configured it.
        configured_by: Actor,
    },
    /// The employer contribution was set; in force from `set_at` (R14).
    EmployerContributionSet {
        /// The contribution.
        contribution: EmployerContribution,
        /// Who set it.
        set_by: Actor,
        /// When it was set.
        set_at: DateTime<Utc>,
    },
    /// The payroll settings were set.
    PayrollSettingsSet {
        /// The pay type code.
        pay_type_code: PayTypeCode,
        /// The order form field mapped to the department; absent in events stored before the
        /// mapping existed, which therefore load as "none".
        #[serde(default)]
        department_field: Option<BoundedText>,
        /// The order form field mapped to the cost centre (or project); absent in older events.
        #[serde(default)]
        cost_centre_field: Option<BoundedText>,
        /// Who set it.
        set_by: Actor,
    },
    /// The company's name and invoice e-mail address were changed.
    CompanyDetailsUpdated {
        /// The new name.
        name: BoundedText,
        /// The new invoice e-mail address.
        invoice_email: EmailAddress,
        /// Who changed them.
        updated_by: Actor,
    },
    /// The operator ended the customer relationship: the company's tickets end on `ends_on`
    /// (each by its own cancellation event), its order link stops, its settings are frozen.
    CompanyDeactivated {
        /// The last day its tickets are valid.
        ends_on: NaiveDate,
        /// Who ended it.
        deactivated_by: Actor,
        /// When.
        deactivated_at: DateTime<Utc>,
    },
    /// An administrator chose how they hear of orders waiting for approval.
    OrderNoticeSet {
        /// The administrator's account.
        account: AccountId,
        /// Their choice.
        notice: OrderNotice,
        /// Who chose: the administrator themself.
        set_by: Actor,
    },
}

impl DomainEvent for CompanyEvent {
    fn event_type(&self) -> String {
        let name = match self {
            Self::CompanyRegistered { .. } => "CompanyRegistered",
            Self::AdministratorInvited { .. } => "AdministratorInvited",
            Self::AdministratorRemoved { .. } => "AdministratorRemoved",
            Self::OrderingPolicySet { .. } => "OrderingPolicySet",
            Self::OrderLinkRotated { .. } => "OrderLinkRotated",
            Self::OrderFormConfigured { .. } => "OrderFormConfigured",
            Self::EmployerContributionSet { .. } => "EmployerContributionSet",
            Self::PayrollSettingsSet { .. } => "PayrollSettingsSet",
            Self::CompanyDetailsUpdated { .. } => "CompanyDetailsUpdated",
            Self::CompanyDeactivated { .. } => "CompanyDeactivated",
            Self::OrderNoticeSet { .. } => "OrderNoticeSet",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
