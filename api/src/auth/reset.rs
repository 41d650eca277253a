//! Password reset: a one-time link, valid 1 hour, e-mailed to the account's address; using it
//! sets a new password and ends every session of the account.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, EmailAddress};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::accounts::{login_email, set_password_hash};
use super::password::{check_password_rules, hash_new_password, HashCost};
use super::rate_limit::{hit, RateLimits};
use super::sessions::revoke_account_sessions;
use super::tokens::{self, TokenKind};
use super::AuthError;

/// Issues a reset token for the account with `email`, or `None` when there is none. The
/// caller e-mails the link through the outbox in the same transaction and answers the same in
/// both cases, so nobody learns which addresses have accounts. Limited per address (known or
/// not) by `limits.resets_per_email`.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    limits: &RateLimits,
    email: &EmailAddress,
) -> Result<Option<String>, AuthError> {
    let email = login_email(email);
    let key = format!("reset:email:{email}");
    hit(&mut *connection, clock, &key, limits.resets_per_email).await?;
    let account: Option<Uuid> = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(account) = account else {
        tracing::info!("password reset asked for an unknown address");
        return Ok(None);
    };
    let account = AccountId::from_uuid(account);
    let token = tokens::issue(
        connection,
        clock,
        TokenKind::PasswordReset,
        Some(account),
        None,
    )
    .await?;
    tracing::info!(account = %account, "password reset issued");
    Ok(Some(token))
}

/// Sets a new password with a reset token (once, within the hour) and ends every session of
/// the account. A password that breaks the rules is refused without using up the token; the
/// token is checked (and its row locked) before the password is hashed, so a made-up token
/// costs no argon2 work.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    pool: &PgPool,
    clock: &dyn Clock,
    cost: HashCost,
    token: &str,
    new_password: &str,
) -> Result<(), AuthError> {
    check_password_rules(new_password)?;
    let mut transaction = bedrift_store::begin(pool).await?;
    let account = tokens::consume(&mut transaction, clock, TokenKind::PasswordReset, token)
        .await?
        .ok_or(AuthError::InvalidToken)?;
    let hash = hash_new_password(new_password, cost).await?;
    set_password_hash(&mut transaction, account, &hash).await?;
    tokens::retire_all(&mut transaction, clock, account).await?;
    let revoked = revoke_account_sessions(&mut transaction, clock, account).await?;
    transaction.commit().await?;
    tracing::info!(account = %account, revoked, "password reset");
    Ok(())
}
