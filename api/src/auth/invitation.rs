//! Administrator invitations (SPEC.md flow step 1): a one-time link, valid 7 days, with which
//! the invited contact person sets their password.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, CompanyId};
use sqlx::{PgConnection, PgPool};

use super::accounts::{set_password_hash, Account};
use super::password::{check_password_rules, hash_new_password, HashCost};
use super::tokens::{self, TokenKind};
use super::AuthError;

/// Issues an invitation for an existing account and returns the token for the link, which
/// the caller e-mails through the outbox in the same transaction (see
/// [`super::enqueue_message`]) and never returns in an API response. Earlier unused
/// invitations of the account from the same `company` stop working; those of other companies
/// keep working (any of them sets the account's password, which then retires the rest).
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn issue_invitation(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    account: AccountId,
    company: CompanyId,
) -> Result<String, AuthError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)")
        .bind(account.as_uuid())
        .fetch_one(&mut *connection)
        .await?;
    if !exists {
        return Err(AuthError::bad_input("account", "no such account"));
    }
    let token = tokens::issue(
        connection,
        clock,
        TokenKind::Invitation,
        Some(account),
        Some(company),
    )
    .await?;
    tracing::info!("invitation issued");
    Ok(token)
}

/// Sets the password of the invited account: the token works once, and not after 7 days.
/// A password that breaks the rules is refused without using up the token; the token is
/// checked (and its row locked) before the password is hashed.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    pool: &PgPool,
    clock: &dyn Clock,
    cost: HashCost,
    token: &str,
    password: &str,
) -> Result<Account, AuthError> {
    check_password_rules(password)?;
    let mut transaction = bedrift_store::begin(pool).await?;
    let account = tokens::consume(&mut transaction, clock, TokenKind::Invitation, token)
        .await?
        .ok_or(AuthError::InvalidToken)?;
    let hash = hash_new_password(password, cost).await?;
    let account = set_password_hash(&mut transaction, account, &hash).await?;
    tokens::retire_all(&mut transaction, clock, account.id).await?;
    transaction.commit().await?;
    tracing::info!(account = %account.id, "invitation accepted");
    Ok(account)
}
