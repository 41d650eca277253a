//! Mutations of operator and administrator accounts: accepting an invitation, logging in and
//! out.

use async_graphql::{Context, Object, Result};
use bedrift_domain::values::EmailAddress;

use crate::auth::{self, Account, AccountKind, Principal};
use crate::graphql::context::{parts, Caller};
use crate::graphql::query::viewer_of;
use crate::graphql::types::public::SessionPayload;
use crate::graphql::ApiError;
use crate::AppState;

/// Account mutations.
#[derive(Debug, Default)]
pub struct AccountMutations;

/// A session for `account`, with the viewer it belongs to.
async fn session_for(state: &AppState, account: Account) -> Result<SessionPayload, ApiError> {
    let token = auth::create_account_session(&state.pool, &*state.clock, account.id).await?;
    let principal = match account.kind {
        AccountKind::Operator => Principal::Operator { account },
        AccountKind::Administrator => Principal::Administrator { account },
    };
    let caller = Caller {
        principal: Some(principal),
        token: None,
        address: std::net::Ipv4Addr::UNSPECIFIED.into(),
        correlation_id: uuid::Uuid::nil(),
        last_written: None,
    };
    let viewer = viewer_of(state, &caller)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(SessionPayload { token, viewer })
}

#[Object]
impl AccountMutations {
    /// Sets the password of an invited administrator with the invitation link's token (single
    /// use, 7 days) and logs them in. Uses of links are limited per client address
    /// (`RATE_LIMITED`).
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the invitation link.")] token: String,
        #[graphql(desc = "The new password: 10-200 characters.")] password: String,
    ) -> Result<SessionPayload> {
        let (state, caller) = parts(ctx);
        let limit = state.settings.rate_limits.token_uses_per_address;
        caller.rate_limit(state, "token", limit).await?;
        let account = auth::accept_invitation(
            &state.pool,
            &*state.clock,
            state.settings.hash_cost,
            token.trim(),
            &password,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(session_for(state, account).await?)
    }

    /// Logs an operator or administrator in with e-mail and password. Attempts are
    /// rate-limited per client address (`RATE_LIMITED`).
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The login e-mail.")] email: String,
        #[graphql(desc = "The password.")] password: String,
    ) -> Result<SessionPayload> {
        let (state, caller) = parts(ctx);
        caller
            .rate_limit(
                state,
                "login",
                state.settings.rate_limits.logins_per_address,
            )
            .await?;
        let email = EmailAddress::parse(&email).map_err(|e| ApiError::invalid("email", e))?;
        if password.chars().count() > auth::MAX_PASSWORD_CHARS {
            return Err(ApiError::Unauthenticated("wrong e-mail or password".into()).into());
        }
        let account =
            auth::verify_password(&state.pool, state.settings.hash_cost, &email, &password)
                .await
                .map_err(ApiError::from)?;
        Ok(session_for(state, account).await?)
    }

    /// Creates the first operator account with the one-time token that `serve` printed on an
    /// empty system, and logs them in. Works once, and only while no operator exists. Uses of
    /// links are limited per client address (`RATE_LIMITED`).
    async fn create_first_operator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the first-operator link.")] token: String,
        #[graphql(desc = "The operator's login e-mail.")] email: String,
        #[graphql(desc = "The operator's name.")] name: String,
        #[graphql(desc = "The password: 10-200 characters.")] password: String,
    ) -> Result<SessionPayload> {
        let (state, caller) = parts(ctx);
        let limit = state.settings.rate_limits.token_uses_per_address;
        caller.rate_limit(state, "token", limit).await?;
        let email = EmailAddress::parse(&email).map_err(|e| ApiError::invalid("email", e))?;
        let account = auth::create_first_operator(
            &state.pool,
            &*state.clock,
            state.settings.hash_cost,
            token.trim(),
            &email,
            &name,
            &password,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(session_for(state, account).await?)
    }

    /// Ends the caller's session. True when there was one to end.
    async fn log_out(&self, ctx: &Context<'_>) -> Result<bool> {
        let (state, caller) = parts(ctx);
        let Some(token) = &caller.token else {
            return Ok(false);
        };
        auth::log_out(&state.pool, &*state.clock, token)
            .await
            .map_err(ApiError::from)?;
        Ok(caller.principal.is_some())
    }
}
