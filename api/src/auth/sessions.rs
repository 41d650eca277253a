//! Sessions: opaque random tokens sent as `Authorization: Bearer`, stored only as their SHA-256
//! hash, for an account (12 hours) or an employee (30 days), ended by expiry, logout or a
//! password reset.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, CompanyId, PhoneNumber};
use bedrift_store::LogPosition;
use chrono::Duration;
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::accounts::{Account, AccountKind, ACCOUNT_COLUMNS};
use super::secret::{new_token, token_hash};
use super::AuthError;

/// How long an operator's or administrator's session lasts.
pub const ACCOUNT_SESSION_LIFETIME: Duration = Duration::hours(12);
/// How long an employee's session lasts.
pub const EMPLOYEE_SESSION_LIFETIME: Duration = Duration::days(30);

/// Who a request is made by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Operator staff.
    Operator {
        /// The operator's account.
        account: Account,
    },
    /// A company administrator; their companies are recorded by the `Company` aggregate.
    Administrator {
        /// The administrator's account.
        account: Account,
    },
    /// An employee who logged in with an SMS code through a company's order link; the session
    /// ends when the company rotates that link.
    Employee {
        /// The verified phone number.
        phone: PhoneNumber,
        /// The company whose order link they came through; they act only there.
        company: CompanyId,
    },
    /// A person who logged in with phone and SMS code at `/mine`, without an order link: they
    /// see and manage that phone's own subscriptions at every company, and cannot order.
    Holder {
        /// The verified phone number.
        phone: PhoneNumber,
    },
}

/// The token of an `Authorization` header value of the form `Bearer <token>`.
pub fn bearer_token(header_value: &str) -> Option<&str> {
    let (scheme, token) = header_value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Starts a session for an account (after its password was checked) and returns its token.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_account_session(
    pool: &PgPool,
    clock: &dyn Clock,
    account: AccountId,
) -> Result<String, AuthError> {
    let mut connection = pool.acquire().await?;
    let subject = Subject::Account(account);
    insert(&mut connection, clock, subject, ACCOUNT_SESSION_LIFETIME).await
}

/// Starts a session for an employee (after their phone was verified) through the order link
/// with `order_token`, and returns its token.
#[tracing::instrument(skip_all, fields(company = %company))]
pub async fn create_employee_session(
    pool: &PgPool,
    clock: &dyn Clock,
    company: CompanyId,
    order_token: &str,
    phone: &PhoneNumber,
) -> Result<String, AuthError> {
    let mut connection = pool.acquire().await?;
    let subject = Subject::Employee(company, token_hash(order_token), phone);
    insert(&mut connection, clock, subject, EMPLOYEE_SESSION_LIFETIME).await
}

/// Whose session it is.
pub(crate) enum Subject<'a> {
    Account(AccountId),
    /// An employee at a company, through the order link whose token has this hash.
    Employee(CompanyId, Vec<u8>, &'a PhoneNumber),
    /// A holder at `/mine`.
    Holder(&'a PhoneNumber),
}

pub(crate) async fn insert(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    subject: Subject<'_>,
    lifetime: Duration,
) -> Result<String, AuthError> {
    let (account, phone, company, link) = match subject {
        Subject::Account(account) => (Some(account.as_uuid()), None, None, None),
        Subject::Employee(company, link, phone) => (
            None,
            Some(phone.as_str()),
            Some(company.as_uuid()),
            Some(link),
        ),
        Subject::Holder(phone) => (None, Some(phone.as_str()), None, None),
    };
    let token = new_token();
    let now = clock.now();
    sqlx::query(
        // A new session starts where the log stands (R19): its first queries wait until the
        // read models show everything that happened before it, such as its company's
        // registration or its own invitation.
        // The ORDER BY names the table's columns: the bare names would be the output's cast
        // `tx_id::text::bigint`, which no index orders, and every login sorted the whole log.
        "INSERT INTO sessions \
         (token_hash, account_id, employee_phone, employee_company, order_link_hash, \
          created_at, expires_at, last_written_tx_id, last_written_position) \
         SELECT $1, $2, $3, $4, $5, $6, $7, head.tx_id, head.position \
         FROM (SELECT NULL) AS one \
         LEFT JOIN (SELECT events.tx_id::text::bigint AS tx_id, events.position FROM events \
                    ORDER BY events.tx_id DESC, events.position DESC LIMIT 1) AS head ON true",
    )
    .bind(token_hash(&token))
    .bind(account)
    .bind(phone)
    .bind(company)
    .bind(link)
    .bind(now)
    .bind(now + lifetime)
    .execute(&mut *connection)
    .await?;
    if let Some(account) = account {
        // The administrator list shows it; sessions are purged after they end.
        sqlx::query("UPDATE accounts SET last_login_at = $2 WHERE id = $1")
            .bind(account)
            .bind(now)
            .execute(&mut *connection)
            .await?;
    }
    Ok(token)
}

/// Who holds `token` (the bearer token, without `Bearer `): `Unauthenticated` when it is
/// unknown, expired or logged out, or an employee's whose company has rotated the order link
/// they came through (checked against the company directory on every request).
pub async fn authenticate(
    pool: &PgPool,
    clock: &dyn Clock,
    token: &str,
) -> Result<Principal, AuthError> {
    Ok(authenticate_session(pool, clock, token).await?.principal)
}

/// A live session: who holds it, and the log position of the newest event it wrote (R19).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who holds it.
    pub principal: Principal,
    /// Where its newest write stands in the log, `None` before its first write.
    pub last_written: Option<LogPosition>,
}

/// The session of `token`, as [`authenticate`] finds it, with its last written position.
#[tracing::instrument(skip_all)]
pub async fn authenticate_session(
    pool: &PgPool,
    clock: &dyn Clock,
    token: &str,
) -> Result<Session, AuthError> {
    if token.is_empty() || token.len() > 200 {
        return Err(AuthError::Unauthenticated);
    }
    let row = sqlx::query(&format!(
        "SELECT sessions.employee_phone, sessions.employee_company, \
                sessions.last_written_tx_id, sessions.last_written_position, {ACCOUNT_COLUMNS} \
         FROM sessions LEFT JOIN accounts ON accounts.id = sessions.account_id \
           LEFT JOIN companies ON companies.company_id = sessions.employee_company \
         WHERE sessions.token_hash = $1 AND sessions.revoked_at IS NULL \
           AND sessions.expires_at > $2 \
           AND (sessions.employee_company IS NULL OR sessions.order_link_hash \
                = sha256(convert_to(companies.order_link_token, 'UTF8')))"
    ))
    .bind(token_hash(token))
    .bind(clock.now())
    .fetch_optional(pool)
    .await?
    .ok_or(AuthError::Unauthenticated)?;
    let tx_id: Option<i64> = row.try_get("last_written_tx_id")?;
    let position: Option<i64> = row.try_get("last_written_position")?;
    let last_written = tx_id
        .zip(position)
        .map(|(tx_id, position)| LogPosition { tx_id, position });
    let principal = if row.try_get::<Option<Uuid>, _>("id")?.is_some() {
        let account = Account::from_row(&row)?;
        match account.kind {
            AccountKind::Operator => Principal::Operator { account },
            AccountKind::Administrator => Principal::Administrator { account },
        }
    } else {
        let phone: String = row.try_get("employee_phone")?;
        let phone = PhoneNumber::parse(&phone)
            .map_err(|_| sqlx::Error::Decode("a stored phone number does not parse".into()))?;
        match row.try_get::<Option<Uuid>, _>("employee_company")? {
            Some(company) => Principal::Employee {
                phone,
                company: CompanyId::from_uuid(company),
            },
            None => Principal::Holder { phone },
        }
    };
    Ok(Session {
        principal,
        last_written,
    })
}

/// Remembers in the session of `token` the log position of aggregate `aggregate_id`'s newest
/// event, unless the session already wrote later (R19). One statement; the position is read
/// from the log itself, by the primary key of `events`.
///
/// Committed without waiting for the WAL flush (`synchronous_commit = off` for this statement's
/// transaction only): the row is visible to every replica at once, as with any commit, and the
/// write it points at was flushed by its own commit before. A database crash can lose only this
/// hint, after which the session's next query might not wait for its last write; it saves each
/// mutation a second wait for the disk.
pub async fn remember_write(
    pool: &PgPool,
    token: &str,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE sessions AS s \
         SET last_written_tx_id = e.tx_id, last_written_position = e.position \
         FROM (SELECT tx_id::text::bigint AS tx_id, position FROM events \
               WHERE aggregate_type = $2 AND aggregate_id = $3 \
               ORDER BY sequence DESC LIMIT 1) AS e, \
              (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit \
         WHERE s.token_hash = $1 \
           AND (s.last_written_tx_id IS NULL \
                OR (s.last_written_tx_id, s.last_written_position) < (e.tx_id, e.position))",
    )
    .bind(token_hash(token))
    .bind(aggregate_type)
    .bind(aggregate_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The one authentication boundary: who holds `token`, if anyone. No token, or a token that is
/// unknown, expired or logged out, is `Ok(None)` (an anonymous caller); every other failure (the
/// database, a stored row that does not decode) is an error, so a busy pool never logs anybody
/// out. Every entry point (`/graphql`, `/graphql/ws`, `/reports`) goes through here.
pub async fn session_principal(
    pool: &PgPool,
    clock: &dyn Clock,
    token: Option<&str>,
) -> Result<Option<Principal>, AuthError> {
    Ok(session_of(pool, clock, token).await?.map(|s| s.principal))
}

/// Like [`session_principal`], with the session's last written log position (R19).
pub async fn session_of(
    pool: &PgPool,
    clock: &dyn Clock,
    token: Option<&str>,
) -> Result<Option<Session>, AuthError> {
    let Some(token) = token else {
        return Ok(None);
    };
    match authenticate_session(pool, clock, token).await {
        Ok(session) => Ok(Some(session)),
        Err(AuthError::Unauthenticated) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Ends the session of `token`. Ending an unknown or already ended session does nothing.
#[tracing::instrument(skip_all)]
pub async fn log_out(pool: &PgPool, clock: &dyn Clock, token: &str) -> Result<(), AuthError> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash(token))
        .bind(clock.now())
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of `account` (after a password reset).
pub(crate) async fn revoke_account_sessions(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    account: AccountId,
) -> Result<u64, AuthError> {
    let revoked = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account.as_uuid())
    .bind(clock.now())
    .execute(connection)
    .await?
    .rows_affected();
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_header_yields_its_token() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
