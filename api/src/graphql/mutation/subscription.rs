//! Mutations of subscriptions: administrators create, approve, reject; administrators and the
//! holder change zones, cancel and resume; the holder withdraws a pending order.

use async_graphql::{Context, Object, Result, ID};
use bedrift_domain::subscription::{Subscription, SubscriptionCommand};
use bedrift_domain::values::{AccountId, BoundedText, CompanyId, SubscriptionId};

use super::input::{order_details, uuid, OrderInput};
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
/// the command left it. Who holds it and which company pays are read on the write side (the
/// subscription's own events), so a subscription ordered a moment ago is found even while the
/// read models catch up.
pub(super) async fn act(
    state: &AppState,
    caller: &Caller,
    id: &ID,
    allowed: Allowed,
    command: SubscriptionCommand,
) -> Result<SubscriptionView, ApiError> {
    let id = uuid(id, "id")?;
    caller.principal()?;
    let not_found = || ApiError::NotFound("there is no such subscription".to_owned());
    let current = state.load::<Subscription>(id.to_string()).await?;
    let details = &current.ordered().ok_or_else(not_found)?.details;
    let holder = caller.holds_order(details);
    let manager = match caller.manage_now(state, details.company.as_uuid()).await {
        Ok(_) => true,
        Err(ApiError::Forbidden(_) | ApiError::NotFound(_)) => false,
        Err(other) => return Err(other),
    };
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

    /// Approves a pending order (R7).
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

    /// Rejects a pending order with a reason the employee receives (R7).
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

    /// Changes the zones of an approved ticket that has not ended (R8).
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
        let command = SubscriptionCommand::ChangeZones {
            zones,
            from: from.into(),
            by: caller.actor_on(state, &id).await?,
        };
        Ok(act(state, caller, &id, Allowed::ManagersAndHolder, command).await?)
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
