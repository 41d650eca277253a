//! One-time tokens behind e-mailed links (invitation, password reset) and the first-operator
//! link: random, single use, expiring, and stored only as their SHA-256 hash. Issuing a token
//! retires the unused ones of the same kind, account and company (invitations belong to the
//! company that sent them), so only the newest link of each works and one company's invitation
//! never cancels another's.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, CompanyId};
use chrono::Duration;
use sqlx::PgConnection;
use uuid::Uuid;

use super::secret::{new_token, token_hash};
use super::AuthError;

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Sets an administrator's first password; 7 days.
    Invitation,
    /// Sets a new password; 1 hour.
    PasswordReset,
    /// Creates the first operator account on an empty system; 24 hours.
    FirstOperator,
}

impl TokenKind {
    fn code(self) -> &'static str {
        match self {
            Self::Invitation => "INVITATION",
            Self::PasswordReset => "PASSWORD_RESET",
            Self::FirstOperator => "FIRST_OPERATOR",
        }
    }

    /// How long a token of this kind stays valid.
    pub(crate) fn validity(self) -> Duration {
        match self {
            Self::Invitation => Duration::days(7),
            Self::PasswordReset => Duration::hours(1),
            Self::FirstOperator => Duration::hours(24),
        }
    }
}

/// Issues a token of `kind` for `account` (none for the first operator) on behalf of `company`
/// (invitations only; `None` otherwise) and returns it in plain text, the only time it exists
/// so.
pub(crate) async fn issue(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    kind: TokenKind,
    account: Option<AccountId>,
    company: Option<CompanyId>,
) -> Result<String, AuthError> {
    let now = clock.now();
    let account = account.map(|a| a.as_uuid());
    let company = company.map(|c| c.as_uuid());
    sqlx::query(
        "UPDATE one_time_tokens SET used_at = $3, replaced = true \
         WHERE kind = $1 AND account_id IS NOT DISTINCT FROM $2 \
           AND company_id IS NOT DISTINCT FROM $4 AND used_at IS NULL",
    )
    .bind(kind.code())
    .bind(account)
    .bind(now)
    .bind(company)
    .execute(&mut *connection)
    .await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO one_time_tokens \
             (token_hash, kind, account_id, company_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(kind.code())
    .bind(account)
    .bind(company)
    .bind(now)
    .bind(now + kind.validity())
    .execute(&mut *connection)
    .await?;
    Ok(token)
}

/// Uses up `token` if it is of `kind`, unused and unexpired, and returns its account. One
/// statement, so of two concurrent uses exactly one succeeds. Used inside the transaction that
/// acts on it: if that rolls back, the token stays usable.
pub(crate) async fn consume(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    kind: TokenKind,
    token: &str,
) -> Result<Option<AccountId>, AuthError> {
    let account: Option<Option<Uuid>> = sqlx::query_scalar(
        "UPDATE one_time_tokens SET used_at = $3 \
         WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 \
         RETURNING account_id",
    )
    .bind(token_hash(token))
    .bind(kind.code())
    .bind(clock.now())
    .fetch_optional(&mut *connection)
    .await?;
    match account {
        Some(account) => Ok(account.map(AccountId::from_uuid)),
        None => Err(why_refused(connection, kind, token).await?),
    }
}

/// Why `token` of `kind` could not be used: unknown, replaced by a newer link, used, or expired.
/// A replaced token was retired (`used_at` set, `replaced` true) when a newer one of the same
/// kind and account was issued.
async fn why_refused(
    connection: &mut PgConnection,
    kind: TokenKind,
    token: &str,
) -> Result<AuthError, AuthError> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT used_at IS NOT NULL, replaced FROM one_time_tokens \
         WHERE token_hash = $1 AND kind = $2",
    )
    .bind(token_hash(token))
    .bind(kind.code())
    .fetch_optional(connection)
    .await?;
    let refusal = match row {
        None => AuthError::InvalidToken,
        Some((_, true)) => AuthError::LinkReplaced,
        Some((true, false)) => AuthError::LinkUsed,
        // Neither used nor replaced, yet refused by `consume`: only expiry is left.
        Some((false, false)) => AuthError::LinkExpired,
    };
    tracing::info!(kind = kind.code(), refusal = %refusal, "one-time token refused");
    Ok(refusal)
}

/// Retires every unused token of `account` (after its password was set).
pub(crate) async fn retire_all(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    account: AccountId,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE one_time_tokens SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account.as_uuid())
    .bind(clock.now())
    .execute(connection)
    .await?;
    Ok(())
}
