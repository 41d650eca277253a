//! Employee login by SMS (SPEC.md flow step 4 and "Security"): a 6-digit code, valid 10
//! minutes, at most 5 attempts, rate-limited per phone and per client address. A code is low in
//! entropy, so the attempt limit is what protects it; the stored hash (salted SHA-256) only
//! keeps it out of plain sight. Counting happens in single `UPDATE`s under row locks, so
//! concurrent guesses cannot get past the limit.

use std::net::IpAddr;

use bedrift_domain::clock::Clock;
use bedrift_domain::values::{CompanyId, PhoneNumber};
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool, Row};

use super::rate_limit::{client_key, hit, RateLimits};
use super::secret::{code_hash, hashes_equal, new_code, new_salt, token_hash};
use super::sessions::{self, Subject, EMPLOYEE_SESSION_LIFETIME};
use super::AuthError;

/// Where an SMS code logs in.
#[derive(Debug, Clone, Copy)]
pub enum Login<'a> {
    /// At a company, through its order link (its token as the employee has it).
    OrderLink {
        /// The company of the link.
        company: CompanyId,
        /// The link's token; the session ends when the company rotates it.
        token: &'a str,
    },
    /// At `/mine`, without an order link: the phone's own subscriptions at every company.
    Personal,
}

impl Login<'_> {
    /// The company whose code this is; none for a personal login.
    fn company(&self) -> Option<uuid::Uuid> {
        match self {
            Self::OrderLink { company, .. } => Some(company.as_uuid()),
            Self::Personal => None,
        }
    }
}

/// How long an SMS code is valid.
pub const CODE_VALIDITY: Duration = Duration::minutes(10);
/// How many verifications one code allows; the last wrong one burns it.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

/// Makes a new code for `phone` at `login` (replacing any earlier one) and returns it, for
/// the caller to send by SMS through the outbox in the same transaction (see
/// [`super::enqueue_message`] and [`super::code_sms`]); it never goes in an API response.
/// Refused with `RateLimited` beyond `limits.codes_per_phone` or `limits.codes_per_address`;
/// the caller should then roll back.
#[tracing::instrument(skip_all, fields(phone = %super::Masked(phone.as_str())))]
pub async fn request_verification_code(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    limits: &RateLimits,
    login: Login<'_>,
    phone: &PhoneNumber,
    client_address: IpAddr,
) -> Result<String, AuthError> {
    let phone_key = format!("code:phone:{phone}");
    hit(&mut *connection, clock, &phone_key, limits.codes_per_phone).await?;
    let address_key = format!("code:address:{}", client_key(client_address));
    hit(
        &mut *connection,
        clock,
        &address_key,
        limits.codes_per_address,
    )
    .await?;
    let code = new_code();
    let salt = new_salt();
    let now = clock.now();
    sqlx::query(
        "INSERT INTO verification_codes \
         (company_id, phone, code_hash, salt, created_at, expires_at, attempts) \
         VALUES ($1, $2, $3, $4, $5, $6, 0) \
         ON CONFLICT (phone, company_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, \
           salt = EXCLUDED.salt, created_at = EXCLUDED.created_at, \
           expires_at = EXCLUDED.expires_at, attempts = 0",
    )
    .bind(login.company())
    .bind(phone.as_str())
    .bind(code_hash(&salt, &code))
    .bind(&salt)
    .bind(now)
    .bind(now + CODE_VALIDITY)
    .execute(connection)
    .await?;
    tracing::info!("verification code issued");
    Ok(code)
}

/// Checks `code` for `phone` at `login` and, when right, uses it up and returns a new
/// session token (an employee's bound to the order link, or a holder's for `/mine`). A wrong
/// code counts an attempt (`Unauthenticated`); the fifth wrong one burns the code
/// (`TooManyAttempts`); an expired code is `CodeExpired`, a missing one `NoCode`.
/// Verifications are limited per client address by `limits.verifications_per_address`.
#[tracing::instrument(skip_all, fields(phone = %super::Masked(phone.as_str())))]
pub async fn verify_phone(
    pool: &PgPool,
    clock: &dyn Clock,
    limits: &RateLimits,
    login: Login<'_>,
    phone: &PhoneNumber,
    code: &str,
    client_address: IpAddr,
) -> Result<String, AuthError> {
    let key = format!("verify:address:{}", client_key(client_address));
    hit(
        &mut *pool.acquire().await?,
        clock,
        &key,
        limits.verifications_per_address,
    )
    .await?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AuthError::bad_input("code", "the code has 6 digits"));
    }
    let now = clock.now();
    let mut transaction = bedrift_store::begin(pool).await?;
    let attempt = sqlx::query(
        "UPDATE verification_codes SET attempts = attempts + 1 \
         WHERE company_id IS NOT DISTINCT FROM $1 AND phone = $2 AND attempts < $3 \
           AND expires_at > $4 RETURNING code_hash, salt, attempts",
    )
    .bind(login.company())
    .bind(phone.as_str())
    .bind(MAX_CODE_ATTEMPTS)
    .bind(now)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(attempt) = attempt else {
        return Err(why_no_attempt(&mut transaction, login, phone).await?);
    };
    let stored: Vec<u8> = attempt.try_get("code_hash")?;
    let salt: Vec<u8> = attempt.try_get("salt")?;
    let attempts: i32 = attempt.try_get("attempts")?;
    if !hashes_equal(&stored, &code_hash(&salt, &code)) {
        transaction.commit().await?;
        tracing::info!(attempts, "wrong verification code");
        return Err(if attempts >= MAX_CODE_ATTEMPTS {
            AuthError::TooManyAttempts
        } else {
            AuthError::Unauthenticated
        });
    }
    sqlx::query(
        "DELETE FROM verification_codes WHERE company_id IS NOT DISTINCT FROM $1 AND phone = $2",
    )
    .bind(login.company())
    .bind(phone.as_str())
    .execute(&mut *transaction)
    .await?;
    let subject = match login {
        Login::OrderLink { company, token } => Subject::Employee(company, token_hash(token), phone),
        Login::Personal => Subject::Holder(phone),
    };
    let token =
        sessions::insert(&mut transaction, clock, subject, EMPLOYEE_SESSION_LIFETIME).await?;
    transaction.commit().await?;
    tracing::info!("phone verified");
    Ok(token)
}

/// Why no attempt could be counted: no code, a burned one, or an expired one.
async fn why_no_attempt(
    connection: &mut PgConnection,
    login: Login<'_>,
    phone: &PhoneNumber,
) -> Result<AuthError, AuthError> {
    let row = sqlx::query(
        "SELECT attempts, expires_at FROM verification_codes \
         WHERE company_id IS NOT DISTINCT FROM $1 AND phone = $2",
    )
    .bind(login.company())
    .bind(phone.as_str())
    .fetch_optional(connection)
    .await?;
    let Some(row) = row else {
        tracing::info!("verification without a code");
        return Ok(AuthError::NoCode);
    };
    let attempts: i32 = row.try_get("attempts")?;
    let expires_at: DateTime<Utc> = row.try_get("expires_at")?;
    if attempts >= MAX_CODE_ATTEMPTS {
        tracing::info!("verification of a burned code");
        return Ok(AuthError::TooManyAttempts);
    }
    tracing::info!(%expires_at, "verification of an expired code");
    Ok(AuthError::CodeExpired)
}
