//! Mutations of companies: registering one and ending its customer relationship (operators),
//! its ordering policy and order link (its administrators and operators).

use async_graphql::{Context, InputObject, Object, Result, ID};
use bedrift_domain::company::{Administrator, Company, CompanyCommand, CompanyError};
use bedrift_domain::subscription::{CancelAt, OrderState, Subscription, SubscriptionCommand};
use bedrift_domain::values::{AccountId, BoundedText, CompanyId, EmailAddress, Month, OrgNumber};
use chrono::NaiveDate;

use super::administrators;
use super::input::{new_order_link_token, uuid};
use crate::auth::{self, AccountKind};
use crate::graphql::context::{parts, Caller};
use crate::graphql::scalars::Date;
use crate::graphql::types::company::CompanyView;
use crate::graphql::types::enums::OrderingPolicy;
use crate::graphql::ApiError;
use crate::AppState;

/// Company mutations.
#[derive(Debug, Default)]
pub struct CompanyMutations;

/// A company to register, with its contact person.
#[derive(Debug, Clone, InputObject)]
pub struct RegisterCompanyInput {
    /// Organisation number: 9 digits with a valid check digit.
    pub org_number: String,
    /// The company's name, 1-200 characters.
    pub name: String,
    /// Where invoices go.
    pub invoice_email: String,
    /// The contact person's name; they are invited as the first administrator.
    pub contact_name: String,
    /// The contact person's e-mail; the invitation goes there.
    pub contact_email: String,
}

/// The account of the contact person: their existing administrator account, or a new one.
async fn contact_account(
    state: &AppState,
    email: &EmailAddress,
    name: &str,
) -> Result<AccountId, ApiError> {
    match auth::find_account_by_email(&state.pool, email).await? {
        Some(account) if account.kind == AccountKind::Administrator => Ok(account.id),
        Some(_) => Err(ApiError::bad_input(
            "contactEmail",
            "this e-mail address belongs to an operator account",
        )),
        None => {
            let id = AccountId::new();
            auth::create_administrator_account(&state.pool, &*state.clock, id, email, name).await?;
            Ok(id)
        }
    }
}

/// The reason a deactivated company's pending orders are rejected with; the employee receives
/// it by SMS, in bokmål.
const DEACTIVATION_REASON: &str = "Bedriftsavtalen med transportselskapet er avsluttet.";

/// Ends every subscription of `company` still live after `ends_on` (or after today, when a
/// repeated call comes later): approved tickets are cancelled to end on that day, pending
/// orders rejected. Each is its own subscription event, by the operator. The live ones are read
/// from the claims (the write side), so an order placed a moment before the company's
/// deactivation is among them; an interrupted run is finished by calling again.
async fn end_subscriptions(
    state: &AppState,
    caller: &Caller,
    company: uuid::Uuid,
    ends_on: NaiveDate,
) -> Result<(), ApiError> {
    let day = ends_on.max(state.clock.today());
    let live = bedrift_store::claims::live_after(&state.pool, company, day).await?;
    let reason = BoundedText::parse(DEACTIVATION_REASON, "the reason", 1, 500)
        .map_err(|e| ApiError::invalid("reason", e))?;
    for id in live {
        let current = state.load::<Subscription>(id.clone()).await?;
        let Some(ordered) = current.ordered() else {
            continue;
        };
        let command = match ordered.order {
            OrderState::Pending => SubscriptionCommand::Reject {
                reason: reason.clone(),
                by: caller.actor()?,
            },
            OrderState::Approved(_) => SubscriptionCommand::Cancel {
                at: CancelAt::On(day),
                by: caller.actor()?,
            },
            OrderState::Rejected { .. } | OrderState::Withdrawn { .. } => continue,
        };
        caller.execute::<Subscription>(state, id, command).await?;
    }
    Ok(())
}

#[Object]
impl CompanyMutations {
    /// Ends a company's customer relationship (operators only). Its tickets end on `endsOn`
    /// (default: the last day of this month; never in the past, `BAD_USER_INPUT` on `endsOn`):
    /// each approved ticket is cancelled to end that day and each pending order rejected, as
    /// their own subscription events by the operator, after the company's own
    /// `CompanyDeactivated`. From then on its order link stops working, employees can order
    /// nothing, and nothing about the company or its tickets changes but an earlier end
    /// (`INVALID_STATE`). Its administrators keep read access (tickets, history, payroll files)
    /// until `readAccessUntil`. Calling it again finishes what an interrupted call left; with a
    /// different `endsOn` it is `INVALID_STATE`.
    async fn deactivate_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The last day its tickets are valid; default the end of this month.")]
        ends_on: Option<Date>,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let id = uuid(&company_id, "companyId")?;
        let current = caller.manage_now(state, id).await?;
        let asked = ends_on.map(|d| d.0);
        let company = match &current.deactivation {
            Some(done) if asked.is_none_or(|day| day == done.ends_on) => current.clone(),
            Some(done) => {
                return Err(ApiError::from(CompanyError::Deactivated(done.ends_on)).into())
            }
            None => {
                let ends_on = asked.unwrap_or_else(|| Month::of(state.clock.today()).last_day());
                let command = CompanyCommand::Deactivate {
                    ends_on,
                    by: caller.actor()?,
                };
                caller
                    .execute::<Company>(state, id.to_string(), command)
                    .await?
            }
        };
        let ends_on = company
            .deactivation
            .as_ref()
            .map(|d| d.ends_on)
            .ok_or(ApiError::Internal)?;
        end_subscriptions(state, caller, id, ends_on).await?;
        Ok(CompanyView::of(id, &company)?)
    }

    /// Registers a company and invites its contact person as administrator (operators only).
    async fn register_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company and its contact person.")] input: RegisterCompanyInput,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let org_number =
            OrgNumber::parse(&input.org_number).map_err(|e| ApiError::invalid("orgNumber", e))?;
        let name = BoundedText::parse(&input.name, "the company name", 1, 200)
            .map_err(|e| ApiError::invalid("name", e))?;
        let invoice_email = EmailAddress::parse(&input.invoice_email)
            .map_err(|e| ApiError::invalid("invoiceEmail", e))?;
        let contact_email = EmailAddress::parse(&input.contact_email)
            .map_err(|e| ApiError::invalid("contactEmail", e))?;
        let contact_name = BoundedText::parse(&input.contact_name, "the contact's name", 1, 200)
            .map_err(|e| ApiError::invalid("contactName", e))?;
        let account = contact_account(state, &contact_email, contact_name.as_str()).await?;
        let id = CompanyId::new();
        let command = CompanyCommand::Register {
            org_number,
            name: name.clone(),
            invoice_email,
            contact: Administrator {
                account,
                email: contact_email.clone(),
                name: contact_name.clone(),
            },
            order_link: new_order_link_token(),
            by: caller.actor()?,
        };
        let registered = caller
            .create::<Company>(state, id.to_string(), command)
            .await?;
        // A new account: the contact person gets an invitation, never a notice.
        administrators::notify(
            state,
            id,
            account,
            false,
            &contact_email,
            contact_name.as_str(),
            name.as_str(),
        )
        .await?;
        Ok(CompanyView::of(id.as_uuid(), &registered)?)
    }

    /// Sets whether and how employees may order (R6); orders already placed are not affected.
    async fn set_ordering_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The new policy.")] policy: OrderingPolicy,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        caller.manage_now(state, id).await?;
        let command = CompanyCommand::SetOrderingPolicy {
            policy: policy.into(),
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }

    /// Replaces the order link; the old link stops working at once.
    async fn rotate_order_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        caller.manage_now(state, id).await?;
        let command = CompanyCommand::RotateOrderLink {
            token: new_order_link_token(),
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }
}
