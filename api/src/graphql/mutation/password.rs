//! Password reset for operators and administrators: asking for a link (always the same
//! answer, so nobody learns which addresses have accounts) and using it.

use async_graphql::{Context, Object, Result};
use bedrift_domain::values::EmailAddress;

use crate::auth::{self, Channel};
use crate::graphql::context::parts;
use crate::graphql::ApiError;

/// Password mutations.
#[derive(Debug, Default)]
pub struct PasswordMutations;

#[Object]
impl PasswordMutations {
    /// Asks for a password reset link (single use, 1 hour) by e-mail. Answers `true` whether
    /// or not the address has an account; limited per address (`RATE_LIMITED`).
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The login e-mail.")] email: String,
    ) -> Result<bool> {
        let (state, _) = parts(ctx);
        let email = EmailAddress::parse(&email).map_err(|e| ApiError::invalid("email", e))?;
        let mut transaction = bedrift_store::begin(&state.pool)
            .await
            .map_err(ApiError::from)?;
        let token = auth::request_password_reset(
            &mut transaction,
            &*state.clock,
            &state.settings.rate_limits,
            &email,
        )
        .await
        .map_err(ApiError::from)?;
        if let Some(token) = token {
            let link = format!("{}/nytt-passord?token={token}", state.settings.public_url);
            let text = auth::password_reset_email(&link);
            auth::enqueue_message(
                &mut transaction,
                Channel::Email,
                email.as_str(),
                Some(&text.subject),
                &text.body,
            )
            .await
            .map_err(ApiError::from)?;
        }
        transaction.commit().await.map_err(ApiError::from)?;
        Ok(true)
    }

    /// Sets a new password with the token of a reset link and ends every session of the
    /// account; log in again afterwards. The token works once, within the hour. Uses of links
    /// are limited per client address (`RATE_LIMITED`).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the reset link.")] token: String,
        #[graphql(desc = "The new password: 10-200 characters.")] password: String,
    ) -> Result<bool> {
        let (state, caller) = parts(ctx);
        let limit = state.settings.rate_limits.token_uses_per_address;
        caller.rate_limit(state, "token", limit).await?;
        auth::reset_password(
            &state.pool,
            &*state.clock,
            state.settings.hash_cost,
            token.trim(),
            &password,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(true)
    }
}
