//! Operator and administrator accounts: e-mail (unique, lower case), name and an argon2id
//! password hash, which an administrator only gets by accepting an invitation.

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{AccountId, EmailAddress};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};

use super::password::{hash_new_password, password_matches, HashCost};
use super::AuthError;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// Staff of the transport operator: sees everything.
    Operator,
    /// A company's contact person; which companies is recorded by the `Company` aggregate.
    Administrator,
}

impl AccountKind {
    /// The stored form, `OPERATOR` or `ADMINISTRATOR`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Operator => "OPERATOR",
            Self::Administrator => "ADMINISTRATOR",
        }
    }
}

/// An operator's or administrator's login account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its id (recorded by the `Company` aggregate for administrators).
    pub id: AccountId,
    /// Operator or administrator.
    pub kind: AccountKind,
    /// The login e-mail, in lower case.
    pub email: EmailAddress,
    /// The holder's name.
    pub name: String,
}

/// The columns [`Account::from_row`] reads, for `SELECT`s joined with other tables.
pub(crate) const ACCOUNT_COLUMNS: &str =
    "accounts.id, accounts.kind, accounts.email, accounts.name";

impl Account {
    pub(crate) fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        let kind = match row.try_get::<&str, _>("kind")? {
            "OPERATOR" => AccountKind::Operator,
            "ADMINISTRATOR" => AccountKind::Administrator,
            other => return Err(decode_error(format!("unknown account kind {other}"))),
        };
        let email = EmailAddress::parse(row.try_get("email")?)
            .map_err(|_| decode_error("a stored e-mail address does not parse".into()))?;
        Ok(Self {
            id: AccountId::from_uuid(row.try_get("id")?),
            kind,
            email,
            name: row.try_get("name")?,
        })
    }
}

fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

/// The stored form of an e-mail address: all of it in lower case, so `Kari@x.no` and
/// `kari@x.no` are one account.
pub(crate) fn login_email(email: &EmailAddress) -> String {
    email.as_str().to_lowercase()
}

fn check_name(name: &str) -> Result<String, AuthError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AuthError::bad_input(
            "name",
            "a name must be 1-200 characters",
        ));
    }
    Ok(name)
}

fn email_taken(error: sqlx::Error) -> AuthError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => AuthError::bad_input(
            "email",
            "an account with this e-mail address already exists",
        ),
        _ => AuthError::from(error),
    }
}

/// Creates an operator account with a password. Operators are created by operators (or the
/// first one through [`super::create_first_operator`]).
#[tracing::instrument(skip_all, fields(email = %super::Masked(email.as_str())))]
pub async fn create_operator(
    pool: &PgPool,
    clock: &dyn Clock,
    cost: HashCost,
    email: &EmailAddress,
    name: &str,
    password: &str,
) -> Result<AccountId, AuthError> {
    check_name(name)?;
    let id = AccountId::new();
    let hash = hash_new_password(password, cost).await?;
    let mut connection = pool.acquire().await?;
    insert_operator(&mut connection, clock, id, email, name, &hash).await?;
    tracing::info!(account = %id, "operator account created");
    Ok(id)
}

/// Inserts an operator account with a hashed password.
pub(crate) async fn insert_operator(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    id: AccountId,
    email: &EmailAddress,
    name: &str,
    password_hash: &str,
) -> Result<Account, AuthError> {
    let name = check_name(name)?;
    let row = sqlx::query(&format!(
        "INSERT INTO accounts (id, kind, email, name, password_hash, created_at) \
         VALUES ($1, 'OPERATOR', $2, $3, $4, $5) RETURNING {ACCOUNT_COLUMNS}"
    ))
    .bind(id.as_uuid())
    .bind(login_email(email))
    .bind(name)
    .bind(password_hash)
    .bind(clock.now())
    .fetch_one(connection)
    .await
    .map_err(email_taken)?;
    Ok(Account::from_row(&row)?)
}

/// Creates an administrator account without a password (the invitation sets it), under the id
/// the `Company` aggregate recorded. Doing it again with the same id and e-mail changes nothing.
#[tracing::instrument(skip_all, fields(account = %id, email = %super::Masked(email.as_str())))]
pub async fn create_administrator_account(
    pool: &PgPool,
    clock: &dyn Clock,
    id: AccountId,
    email: &EmailAddress,
    name: &str,
) -> Result<(), AuthError> {
    let name = check_name(name)?;
    let inserted = sqlx::query(
        "INSERT INTO accounts (id, kind, email, name, password_hash, created_at) \
         VALUES ($1, 'ADMINISTRATOR', $2, $3, NULL, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id.as_uuid())
    .bind(login_email(email))
    .bind(&name)
    .bind(clock.now())
    .execute(pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        tracing::info!("administrator account created");
        return Ok(());
    }
    match find_account(pool, id).await? {
        Some(existing)
            if existing.kind == AccountKind::Administrator
                && login_email(&existing.email) == login_email(email) =>
        {
            Ok(())
        }
        _ => Err(AuthError::bad_input(
            "email",
            "an account with this e-mail address already exists",
        )),
    }
}

/// The account with `email` and this `password`. An unknown e-mail, an account without a
/// password and a wrong password all give `Unauthenticated` after the same argon2 work.
#[tracing::instrument(skip_all)]
pub async fn verify_password(
    pool: &PgPool,
    cost: HashCost,
    email: &EmailAddress,
    password: &str,
) -> Result<Account, AuthError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE email = $1"
    ))
    .bind(login_email(email))
    .fetch_optional(pool)
    .await?;
    let stored = match &row {
        Some(row) => row.try_get::<Option<String>, _>("password_hash")?,
        None => None,
    };
    if !password_matches(password, stored, cost).await? {
        tracing::info!("login refused");
        return Err(AuthError::Unauthenticated);
    }
    let row = row.expect("a matching password belongs to a row");
    Ok(Account::from_row(&row)?)
}

/// How many operator accounts exist (none: the first-operator setup is open).
pub async fn operator_count(pool: &PgPool) -> Result<i64, AuthError> {
    let count = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE kind = 'OPERATOR'")
        .fetch_one(pool)
        .await?;
    Ok(count)
}

/// The account with `id`, if any.
pub async fn find_account(pool: &PgPool, id: AccountId) -> Result<Option<Account>, AuthError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row).transpose()?)
}

/// The account with `email`, if any: an administrator invited by a second company keeps the
/// account (and id) they have.
pub async fn find_account_by_email(
    pool: &PgPool,
    email: &EmailAddress,
) -> Result<Option<Account>, AuthError> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
    ))
    .bind(login_email(email))
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row).transpose()?)
}

/// Sets the password hash of `account` and returns the account.
pub(crate) async fn set_password_hash(
    connection: &mut PgConnection,
    account: AccountId,
    password_hash: &str,
) -> Result<Account, AuthError> {
    let row = sqlx::query(&format!(
        "UPDATE accounts SET password_hash = $2 WHERE id = $1 RETURNING {ACCOUNT_COLUMNS}"
    ))
    .bind(account.as_uuid())
    .bind(password_hash)
    .fetch_one(connection)
    .await?;
    Ok(Account::from_row(&row)?)
}
