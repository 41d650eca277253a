//! Shared set-up: a fresh database, a clock that tests move, and accounts to work with.

use std::net::IpAddr;

use bedrift_api::auth::{self, HashCost, RateLimits};
use bedrift_domain::clock::FixedClock;
use bedrift_domain::values::{AccountId, CompanyId, EmailAddress, PhoneNumber};
use bedrift_store::testing::TestDatabase;
use chrono::{Duration, NaiveDate};
use sqlx::PgPool;

/// Cheap hashing, so tests stay fast.
pub const COST: HashCost = HashCost::MinimalForTests;
/// A password that meets the rules.
pub const PASSWORD: &str = "korrekt hest batteri";

/// A fresh database and a clock at noon on 1 December 2026.
pub async fn setup() -> (TestDatabase, FixedClock) {
    let db = TestDatabase::create().await;
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    (db, clock)
}

/// Moves `clock` forward by `by`.
pub fn advance(clock: &FixedClock, by: Duration) {
    use bedrift_domain::clock::Clock;
    clock.set(clock.now() + by);
}

pub fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

pub fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap()
}

pub fn address(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The default limits.
pub fn limits() -> &'static RateLimits {
    static LIMITS: std::sync::OnceLock<RateLimits> = std::sync::OnceLock::new();
    LIMITS.get_or_init(RateLimits::default)
}

/// An administrator account with an invitation; returns its id and the invitation token.
pub async fn invited_administrator(
    pool: &PgPool,
    clock: &FixedClock,
    mail: &str,
) -> (AccountId, String) {
    let id = AccountId::new();
    auth::create_administrator_account(pool, clock, id, &email(mail), "Kari Nordmann")
        .await
        .unwrap();
    let mut connection = pool.acquire().await.unwrap();
    let token = auth::issue_invitation(&mut connection, clock, id, inviting_company())
        .await
        .unwrap();
    (id, token)
}

/// An administrator who has accepted the invitation with [`PASSWORD`].
pub async fn administrator(pool: &PgPool, clock: &FixedClock, mail: &str) -> AccountId {
    let (id, token) = invited_administrator(pool, clock, mail).await;
    auth::accept_invitation(pool, clock, COST, &token, PASSWORD)
        .await
        .unwrap();
    id
}

/// Requests a code for `phone` at `company` from `client`.
pub async fn request_code(
    pool: &PgPool,
    clock: &FixedClock,
    company: CompanyId,
    phone: &PhoneNumber,
    client: IpAddr,
) -> Result<String, auth::AuthError> {
    let mut transaction = bedrift_store::begin(pool).await.unwrap();
    let code = auth::request_verification_code(
        &mut transaction,
        clock,
        limits(),
        link(company),
        phone,
        client,
    )
    .await?;
    transaction.commit().await.unwrap();
    Ok(code)
}

/// The order link token of the tests' employee logins.
pub const LINK: &str = "test-order-link";

/// A login through `company`'s order link [`LINK`].
pub fn link(company: CompanyId) -> auth::Login<'static> {
    auth::Login::OrderLink {
        company,
        token: LINK,
    }
}

/// Lists `company` in the company directory with the order link `token`, as the projector
/// would after its registration: employee sessions authenticate only while their link is the
/// company's current one.
pub async fn list_company(pool: &PgPool, company: CompanyId, token: &str) {
    sqlx::query(
        "INSERT INTO companies (company_id, org_number, name, invoice_email, ordering_policy,
             order_link_token, order_form, contribution_kind, registered_at, version)
         VALUES ($1, '974760673', 'Firma AS', 'faktura@firma.no', 'APPROVAL_REQUIRED', $2,
             '{}'::jsonb, 'NONE', now(), 1)
         ON CONFLICT (company_id) DO UPDATE SET order_link_token = EXCLUDED.order_link_token",
    )
    .bind(company.as_uuid())
    .bind(token)
    .execute(pool)
    .await
    .unwrap();
}

/// A code that is not `code`.
pub fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// The company that sends the invitations of these tests.
pub fn inviting_company() -> CompanyId {
    CompanyId::from_uuid(uuid::Uuid::from_u128(7))
}
