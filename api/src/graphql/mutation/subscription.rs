//! Mutations of subscriptions: administrators create, approve, reject and correct the
//! employee's details; administrators and the holder change zones (the holder's under the
//! company's policy, R8), cancel and resume; the holder withdraws a pending order. Nothing but
//! an earlier end changes on the tickets of a deactivated company.

use async_graphql::{Context, Object, Result, ID};
use bedrift_domain::company::Company;
use bedrift_domain::subscription::{Subscription, SubscriptionCommand};
use bedrift_domain::values::{AccountId, BoundedText, CompanyId, SubscriptionId};

use super::input::{order_details, uuid, EmployeeDetailsInput, OrderInput};
use crate::auth::Principal;
use crate::graphql::context::{parts, Caller};
use crate::graphql::scalars::Date;
use crate::graphql::types::enums::{CancelAt, TravellerCategory, ZoneChangeFrom};
use crate::graphql::types::subscription::SubscriptionView;
use crate::graphql::ApiError;
use crate::AppState;

/// Subscription mutations.
#[derive(Debug, Default)]
pub struct SubscriptionMutations;

/// Who may act on a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Allowed {
    /// Operators and the company's administrators.
    Managers,
    /// Those, and the employee who holds it.
    ManagersAndHolder,
    /// The employee who holds it.
    Holder,
}

/// Authorises the caller on subscription `id`, runs `command` and returns the subscription as
/// the command left it. See [`act_on`].
pub(super) async fn act(
    state: &AppState,
    caller: &Caller,
    id: &ID,
    allowed: Allowed,
    command: SubscriptionCommand,
) -> Result<SubscriptionView, ApiError> {
    act_on(state, caller, id, allowed, |_| command).await
}

/// Authorises the caller on subscription `id`, runs the command that `command` makes from the
/// paying company as it stands (its policy, its form), and returns the subscription as the
/// command left it. Who holds it, which company pays and what that company says are read on
/// the write side (the aggregates' own events), so a subscription ordered or a policy set a
/// moment ago counts even while the read models catch up. On a deactivated company's tickets
/// only cancellations are taken (`INVALID_STATE` otherwise).
pub(super) async fn act_on(
    state: &AppState,
    caller: &Caller,
    id: &ID,
    allowed: Allowed,
    command: impl FnOnce(&Company) -> SubscriptionCommand,
) -> Result<SubscriptionView, ApiError> {
    let id = uuid(id, "id")?;
    caller.principal()?;
    let not_found = || ApiError::NotFound("there is no such subscription".to_owned());
    let current = state.load::<Subscription>(id.to_string()).await?;
    let details = &current.ordered().ok_or_else(not_found)?.details;
    let holder = caller.holds_order(details);
    let company = state
        .load::<Company>(details.company.as_uuid().to_string())
        .await?;
    let manager = company.is_registered() && caller.manages(&company);
    if !holder && !manager {
        return Err(not_found());
    }
    let permitted = match allowed {
        Allowed::Managers => manager,
        Allowed::ManagersAndHolder => manager || holder,
        Allowed::Holder => holder,
    };
    if !permitted {
        return Err(ApiError::forbidden());
    }
    let command = command(&company);
    if let Some(deactivation) = &company.deactivation {
        if !matches!(command, SubscriptionCommand::Cancel { .. }) {
            return Err(ApiError::InvalidState(format!(
                "the company's agreement ends on {}: its tickets can only be ended earlier",
                deactivation.ends_on
            )));
        }
    }
    let metadata = caller.metadata_on(state, details.company.as_uuid())?;
    let after = caller
        .execute_as::<Subscription>(state, id.to_string(), command, metadata)
        .await?;
    SubscriptionView::of(id, &after, state.clock.today())
}

#[Object]
impl SubscriptionMutations {
    /// Creates an approved subscription for an employee (administrators and operators),
    /// starting on a day from today up to 12 months ahead (default: first of next month).
    /// Rate-limited per client address (`RATE_LIMITED`).
    async fn create_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company that pays.")] company_id: ID,
        #[graphql(desc = "The employee's mobile number.")] phone: String,
        #[graphql(desc = "The subscription.")] input: OrderInput,
        #[graphql(desc = "First day; default the first of next month.")] start_date: Option<Date>,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let company = uuid(&company_id, "companyId")?;
        let current = caller.manage_now(state, company).await?;
        if let Some(deactivation) = &current.deactivation {
            return Err(ApiError::InvalidState(format!(
                "the company's agreement ends on {}: it takes no new subscriptions",
                deactivation.ends_on
            ))
            .into());
        }
        let by = match caller.principal()? {
            Principal::Operator { account } | Principal::Administrator { account } => account.id,
            Principal::Employee { .. } | Principal::Holder { .. } => {
                return Err(ApiError::forbidden().into())
            }
        };
        let limit = state.settings.rate_limits.creations_per_address;
        caller.rate_limit(state, "create", limit).await?;
        let company = CompanyId::from_uuid(company);
        let phone = super::input::phone(&phone)?;
        let details = order_details(state, company, phone, input).await?;
        let command = SubscriptionCommand::Create {
            details,
            form: current.order_form.clone(),
            start_date: start_date.map(|d| d.0),
            by: AccountId::from_uuid(by.as_uuid()),
        };
        let id = SubscriptionId::new();
        let created = caller
            .create::<Subscription>(state, id.to_string(), command)
            .await?;
        Ok(SubscriptionView::of(
            id.as_uuid(),
            &created,
            state.clock.today(),
        )?)
    }

    /// Approves what the subscription waits for in the approval queue: its pending order (R7),
    /// or its holder's zone change request (R8), which then applies from the first of next
    /// month or today, as asked, counted from the approval.
    async fn approve_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let command = SubscriptionCommand::Approve {
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::Managers, command).await?)
    }

    /// Rejects what the subscription waits for with a reason: its pending order (R7; the
    /// employee receives the reason), or its holder's zone change request (R8; the zones stay).
    async fn reject_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "Why, 1-500 characters.")] reason: String,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let reason = BoundedText::parse(&reason, "the reason", 1, 500)
            .map_err(|e| ApiError::invalid("reason", e))?;
        let command = SubscriptionCommand::Reject {
            reason,
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::Managers, command).await?)
    }

    /// Changes the zones of an approved ticket that has not ended (R8). An administrator's or
    /// operator's change applies at once. The holder's follows the company's policy: under
    /// `APPROVAL_REQUIRED` it becomes a request in the approval queue (the answer shows it in
    /// `zoneChangeRequest`, the zones stay until it is approved), under `AUTOMATIC_APPROVAL` it
    /// applies at once, under `CLOSED` it is refused (`FORBIDDEN`).
    async fn change_zones(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "One zone code, or two neighbouring ones.")] zones: Vec<String>,
        #[graphql(desc = "The whole region instead.", default)] whole_region: bool,
        #[graphql(desc = "From when; default the first of next month.", default)]
        from: ZoneChangeFrom,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let zones = super::input::zones(state, &zones, whole_region).await?;
        let by = caller.actor_on(state, &id).await?;
        let command = |company: &Company| SubscriptionCommand::ChangeZones {
            zones,
            from: from.into(),
            by,
            policy: company.employee_terms().policy,
        };
        Ok(act_on(state, caller, &id, Allowed::ManagersAndHolder, command).await?)
    }

    /// Corrects the employee's details (R18; administrators of the paying company and
    /// operators): first and last name, employee number and the answers to the company's
    /// form, at any time. Checked as an order is, against the company's form as it is now
    /// (`BAD_USER_INPUT` on `firstName`, `lastName`, `employeeNumber` or
    /// `extraFields[<label>]`). Recorded as `EmployeeDetailsUpdated` with who and when; payroll
    /// files made from then on carry the new details, the history keeps the earlier ones. A
    /// correction that changes nothing records nothing.
    async fn update_employee_details(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "The details as they should stand, whole.")] input: EmployeeDetailsInput,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let details = input.parse()?;
        let by = caller.actor_on(state, &id).await?;
        let command = |company: &Company| SubscriptionCommand::UpdateEmployeeDetails {
            details,
            form: company.order_form.clone(),
            by,
        };
        Ok(act_on(state, caller, &id, Allowed::Managers, command).await?)
    }

    /// Changing the traveller category is always refused with
    /// `CATEGORY_CHANGE_REQUIRES_NEW_SUBSCRIPTION` (R9): cancel and order anew.
    async fn change_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "The wanted category.")] category: TravellerCategory,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let command = SubscriptionCommand::ChangeCategory {
            category: category.into(),
        };
        Ok(act(state, caller, &id, Allowed::ManagersAndHolder, command).await?)
    }

    /// Cancels a ticket (R10): at the end of the month, or today (administrators only).
    async fn cancel_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "When it ends; default the end of this month.", default)] at: CancelAt,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let command = SubscriptionCommand::Cancel {
            at: at.into(),
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::ManagersAndHolder, command).await?)
    }

    /// Undoes a cancellation before its end date (R11).
    async fn resume_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let command = SubscriptionCommand::Resume {
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::ManagersAndHolder, command).await?)
    }

    /// The employee withdraws their pending order (R10).
    async fn withdraw_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription.")] id: ID,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let command = SubscriptionCommand::WithdrawOrder {
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::Holder, command).await?)
    }
}
