//! Mutations of employees: logging in through the order link with an SMS code, and ordering.

use async_graphql::{Context, Object, Result, ID};
use bedrift_domain::company::Company;
use bedrift_domain::subscription::{Subscription, SubscriptionCommand};
use bedrift_domain::values::{CompanyId, SubscriptionId};
use bedrift_projections::listing::{self, CompanyListing};

use super::input::{order_details, OrderInput};
use crate::auth::{self, Channel, Login};
use crate::graphql::context::parts;
use crate::graphql::types::enums::{LanguageView, ViewerKind};
use crate::graphql::types::public::{SessionPayload, Viewer};
use crate::graphql::types::subscription::SubscriptionView;
use crate::graphql::ApiError;
use crate::AppState;

/// Employee mutations.
#[derive(Debug, Default)]
pub struct EmployeeMutations;

/// The company of an order link, or `NOT_FOUND`.
async fn company_of_link(state: &AppState, token: &str) -> Result<CompanyListing, ApiError> {
    if token.len() > 100 {
        return Err(ApiError::bad_input("orderToken", "not an order link token"));
    }
    listing::company_by_order_token(&state.pool, token.trim())
        .await?
        .ok_or_else(|| ApiError::NotFound("this order link does not work (any more)".into()))
}

#[Object]
impl EmployeeMutations {
    /// Sends a 6-digit login code by SMS to `phone`, for the company of the order link. The
    /// code is valid 10 minutes; requests are rate-limited per phone and per client address.
    async fn request_verification_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the order link.")] order_token: String,
        #[graphql(desc = "The mobile number, e.g. 912 34 567.")] phone: String,
        #[graphql(desc = "The language of the SMS: the order page's; bokmål when left out.")]
        language: Option<LanguageView>,
    ) -> Result<bool> {
        let (state, caller) = parts(ctx);
        let phone = super::input::phone(&phone)?;
        let company = company_of_link(state, &order_token).await?;
        let company = CompanyId::from_uuid(company.company_id);
        let mut transaction = bedrift_store::begin(&state.pool)
            .await
            .map_err(ApiError::from)?;
        let code = auth::request_verification_code(
            &mut transaction,
            &*state.clock,
            &state.settings.rate_limits,
            Login::OrderLink {
                company,
                token: order_token.trim(),
            },
            &phone,
            caller.address,
        )
        .await
        .map_err(ApiError::from)?;
        let body = auth::code_sms_in(language.map(Into::into).unwrap_or_default(), &code);
        auth::enqueue_message(&mut transaction, Channel::Sms, phone.as_str(), None, &body)
            .await
            .map_err(ApiError::from)?;
        transaction.commit().await.map_err(ApiError::from)?;
        Ok(true)
    }

    /// Checks the SMS code and logs the employee in at the company of the order link. The
    /// session ends when the company rotates the link (log in at `/mine` to reach existing
    /// subscriptions without it).
    async fn verify_phone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the order link.")] order_token: String,
        #[graphql(desc = "The mobile number the code was sent to.")] phone: String,
        #[graphql(desc = "The 6-digit code.")] code: String,
    ) -> Result<SessionPayload> {
        let (state, caller) = parts(ctx);
        let phone = super::input::phone(&phone)?;
        let company = company_of_link(state, &order_token).await?;
        let company = CompanyId::from_uuid(company.company_id);
        let token = auth::verify_phone(
            &state.pool,
            &*state.clock,
            &state.settings.rate_limits,
            Login::OrderLink {
                company,
                token: order_token.trim(),
            },
            &phone,
            &code,
            caller.address,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(SessionPayload {
            token,
            viewer: Viewer {
                kind: ViewerKind::Employee,
                account_id: None,
                email: None,
                name: None,
                phone: Some(phone.to_string()),
                company_id: Some(ID(company.to_string())),
                companies: Vec::new(),
            },
        })
    }

    /// Orders a subscription for the logged-in employee; it starts on the first of next month
    /// (R2). Refused with `ORDERING_CLOSED` (R6) or `ALREADY_SUBSCRIBED` (R5); orders are
    /// rate-limited per client address (`RATE_LIMITED`).
    async fn order_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: OrderInput,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let (employee_phone, company) = caller.require_employee()?;
        caller
            .rate_limit(
                state,
                "order",
                state.settings.rate_limits.orders_per_address,
            )
            .await?;
        // The policy and form in force now, from the company's own events (the write side), so
        // a policy an administrator set a moment ago applies at once (R6); read alongside the
        // tariff that checks the zones, on two connections, to save a round trip's wait.
        let (details, current) = tokio::try_join!(
            order_details(state, company, employee_phone.clone(), input),
            state.load::<Company>(company.to_string()),
        )?;
        if !current.is_registered() {
            return Err(ApiError::NotFound("there is no such company".into()).into());
        }
        // A deactivated company's terms are closed.
        let terms = current.employee_terms();
        let id = SubscriptionId::new();
        let command = SubscriptionCommand::Order { details, terms };
        let ordered = caller
            .create::<Subscription>(state, id.to_string(), command)
            .await?;
        Ok(SubscriptionView::of(
            id.as_uuid(),
            &ordered,
            state.clock.today(),
        )?)
    }
}
