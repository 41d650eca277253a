//! Personal access at `/mine`: a holder logs in with phone and SMS code, without an order link,
//! to see, cancel and resume their own subscriptions at every company (the subscription
//! mutations accept their session as the holder's). Ordering still needs an order link.

use async_graphql::{Context, Object, Result};
use bedrift_domain::subscription::OrderStatus;
use bedrift_projections::listing;

use crate::auth::{self, Channel, Login};
use crate::graphql::context::parts;
use crate::graphql::types::enums::{LanguageView, ViewerKind};
use crate::graphql::types::public::{SessionPayload, Viewer};
use crate::graphql::ApiError;

/// Personal login mutations.
#[derive(Debug, Default)]
pub struct PersonalMutations;

#[Object]
impl PersonalMutations {
    /// Sends a 6-digit login code for `/mine` by SMS to `phone`, when that phone has an
    /// approved subscription at some company; the answer is `true` either way, so it does not
    /// tell whose number has one. Valid 10 minutes; rate-limited per phone and per address.
    async fn request_personal_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobile number, e.g. 912 34 567.")] phone: String,
        #[graphql(desc = "The language of the SMS: the page's; bokmål when left out.")]
        language: Option<LanguageView>,
    ) -> Result<bool> {
        let (state, caller) = parts(ctx);
        let phone = super::input::phone(&phone)?;
        let mut transaction = bedrift_store::begin(&state.pool)
            .await
            .map_err(ApiError::from)?;
        // Counted (and rate-limited) whether or not a code is sent: the same answer and the
        // same limits for every number.
        let code = auth::request_verification_code(
            &mut transaction,
            &*state.clock,
            &state.settings.rate_limits,
            Login::Personal,
            &phone,
            caller.address,
        )
        .await
        .map_err(ApiError::from)?;
        let holds = listing::tickets_of_holder(&state.pool, phone.as_str())
            .await
            .map_err(ApiError::from)?
            .iter()
            .any(|t| OrderStatus::from_code(&t.order_status) == Some(OrderStatus::Approved));
        if holds {
            let body = auth::code_sms_in(language.map(Into::into).unwrap_or_default(), &code);
            auth::enqueue_message(&mut transaction, Channel::Sms, phone.as_str(), None, &body)
                .await
                .map_err(ApiError::from)?;
        }
        transaction.commit().await.map_err(ApiError::from)?;
        Ok(true)
    }

    /// Checks the code from `requestPersonalCode` and logs the holder in at `/mine`: their
    /// subscriptions at every company (`mySubscriptions`), which they may cancel and resume as
    /// through an order link. The session lasts 30 days and survives order link rotation.
    async fn verify_personal_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobile number the code was sent to.")] phone: String,
        #[graphql(desc = "The 6-digit code.")] code: String,
    ) -> Result<SessionPayload> {
        let (state, caller) = parts(ctx);
        let phone = super::input::phone(&phone)?;
        let token = auth::verify_phone(
            &state.pool,
            &*state.clock,
            &state.settings.rate_limits,
            Login::Personal,
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
                company_id: None,
                companies: Vec::new(),
            },
        })
    }
}
