//! The first operator account: on an empty system `serve` prints a one-time link (valid 24
//! hours) with which the first operator signs up. Once an operator exists, no such link works.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, EmailAddress};
use sqlx::{PgConnection, PgPool};

use super::accounts::{insert_operator, Account};
use super::password::{check_password_rules, hash_new_password, HashCost};
use super::tokens::{self, TokenKind};
use super::AuthError;

/// Serialises first-operator sign-ups, so two links used at once cannot make two.
const FIRST_OPERATOR_LOCK: i64 = 0x6265_6472_6966_7401;

async fn operators_exist(connection: &mut PgConnection) -> Result<bool, AuthError> {
    let exists =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE kind = 'OPERATOR')")
            .fetch_one(connection)
            .await?;
    Ok(exists)
}

/// A token for the first-operator link, or `None` when an operator exists. Each call retires
/// the previous token. The token is for the console only, never for an API response.
#[tracing::instrument(skip_all)]
pub async fn issue_first_operator_token(
    connection: &mut PgConnection,
    clock: &dyn Clock,
) -> Result<Option<String>, AuthError> {
    if operators_exist(&mut *connection).await? {
        return Ok(None);
    }
    let token = tokens::issue(connection, clock, TokenKind::FirstOperator, None, None).await?;
    Ok(Some(token))
}

/// Creates the first operator account with the first-operator token: once, and only while no
/// operator exists. The token is checked (and the sign-up lock held) before the password is
/// hashed.
#[tracing::instrument(skip_all, fields(email = %super::Masked(email.as_str())))]
pub async fn create_first_operator(
    pool: &PgPool,
    clock: &dyn Clock,
    cost: HashCost,
    token: &str,
    email: &EmailAddress,
    name: &str,
    password: &str,
) -> Result<Account, AuthError> {
    check_password_rules(password)?;
    let mut transaction = bedrift_store::begin(pool).await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(FIRST_OPERATOR_LOCK)
        .execute(&mut *transaction)
        .await?;
    tokens::consume(&mut transaction, clock, TokenKind::FirstOperator, token).await?;
    if operators_exist(&mut transaction).await? {
        tracing::info!("first-operator token refused: an operator exists");
        return Err(AuthError::InvalidToken);
    }
    let hash = hash_new_password(password, cost).await?;
    let account = insert_operator(
        &mut transaction,
        clock,
        AccountId::new(),
        email,
        name,
        &hash,
    )
    .await?;
    transaction.commit().await?;
    tracing::info!(account = %account.id, "first operator created");
    Ok(account)
}
