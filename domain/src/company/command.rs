//! Commands on a company.

use chrono::NaiveDate;

use super::{Administrator, EmployerContribution, OrderForm, OrderNotice, OrderingPolicy};
use crate::metadata::Actor;
use crate::values::{AccountId, BoundedText, EmailAddress, OrderLinkToken, OrgNumber, PayTypeCode};

/// What can be done to a company. `by` is who does it; authorisation happens before this.
#[derive(Debug, Clone)]
pub enum CompanyCommand {
    /// The operator registers a company and its contact person, who is invited as its first
    /// administrator.
    Register {
        /// Organisation number.
        org_number: OrgNumber,
        /// Name.
        name: BoundedText,
        /// Where invoices go.
        invoice_email: EmailAddress,
        /// The contact person, invited as administrator.
        contact: Administrator,
        /// The first order link's token.
        order_link: OrderLinkToken,
        /// Who registers it.
        by: Actor,
    },
    /// Invite another administrator.
    InviteAdministrator {
        /// The new administrator.
        administrator: Administrator,
        /// Who invites.
        by: Actor,
    },
    /// Remove an administrator (not the last one).
    RemoveAdministrator {
        /// Their account.
        account: AccountId,
        /// Who removes.
        by: Actor,
    },
    /// Set the ordering policy; orders already placed are not affected (R6).
    SetOrderingPolicy {
        /// The new policy.
        policy: OrderingPolicy,
        /// Who sets it.
        by: Actor,
    },
    /// Replace the order link; the old link stops working.
    RotateOrderLink {
        /// The new token.
        token: OrderLinkToken,
        /// Who rotates it.
        by: Actor,
    },
    /// Configure the order form.
    ConfigureOrderForm {
        /// The form.
        form: OrderForm,
        /// Who configures it.
        by: Actor,
    },
    /// Set the employer contribution from now on (R14).
    SetEmployerContribution {
        /// The contribution.
        contribution: EmployerContribution,
        /// Who sets it.
        by: Actor,
    },
    /// Set the pay type code used in payroll imports.
    SetPayrollSettings {
        /// The pay type code (lønnsart).
        pay_type_code: PayTypeCode,
        /// The label of the order form field whose answer is the department (avdeling) in the
        /// payroll import files; `None` for none.
        department_field: Option<BoundedText>,
        /// The label of the order form field whose answer is the cost centre or project
        /// (koststed, prosjekt) in the payroll import files; `None` for none.
        cost_centre_field: Option<BoundedText>,
        /// Who sets it.
        by: Actor,
    },
    /// Change the company's name and where invoices go.
    UpdateDetails {
        /// The new name.
        name: BoundedText,
        /// The new invoice e-mail address.
        invoice_email: EmailAddress,
        /// Who changes them.
        by: Actor,
    },
    /// End the customer relationship (operators): the company's tickets end on `ends_on`
    /// (today or later), its order link stops, and nothing about it changes any more.
    Deactivate {
        /// The last day its tickets are valid.
        ends_on: NaiveDate,
        /// Who ends it.
        by: Actor,
    },
    /// An administrator chooses how they hear of orders waiting for approval.
    SetOrderNotice {
        /// The administrator's account.
        account: AccountId,
        /// Their choice.
        notice: OrderNotice,
        /// Who chooses (authorised as that administrator before this).
        by: Actor,
    },
}
