//! Set-based rules kept where events are appended (R5, R17): the claims tables' exclusion
//! constraints, kept by the `events_claim` trigger in the append's own transaction (see the
//! migration `20261130001100_claims.sql` for why a trigger). When an append breaks one, the
//! whole append rolls back and PostgreSQL names the constraint; this module turns that name
//! into the aggregate's own refusal, so a client sees `ALREADY_SUBSCRIBED` or `CONFLICT`, never
//! an internal error.

use bedrift_domain::company::{Company, CompanyError};
use bedrift_domain::subscription::{Subscription, SubscriptionError};
use bedrift_domain::tariff::Tariff;
use cqrs_es::Aggregate;

/// SQLSTATE of an exclusion constraint violation.
const EXCLUSION_VIOLATION: &str = "23P01";

/// A claim an append could not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// R5: the phone has a live subscription at the company over the same days
    /// (`subscription_claims.one_live_subscription_per_phone`).
    OneLiveSubscriptionPerPhone,
    /// R17: the organisation number belongs to another company
    /// (`company_claims.one_company_per_org_number`).
    OneCompanyPerOrgNumber,
}

impl Claim {
    /// The claim that `error` (an event store failure) reports as taken, if it is one.
    pub fn refused_by(error: &(dyn std::error::Error + 'static)) -> Option<Self> {
        let sqlx::Error::Database(database) = error.downcast_ref::<sqlx::Error>()? else {
            return None;
        };
        if database.code().as_deref() != Some(EXCLUSION_VIOLATION) {
            return None;
        }
        match database.constraint()? {
            "one_live_subscription_per_phone" => Some(Self::OneLiveSubscriptionPerPhone),
            "one_company_per_org_number" => Some(Self::OneCompanyPerOrgNumber),
            _ => None,
        }
    }
}

/// How an aggregate refuses a command whose events would break a claim.
pub trait ClaimRefusal: Aggregate {
    /// The refusal for `claim`, or `None` when the aggregate's events never take that claim
    /// (then the failure is internal: the trigger and the aggregate disagree).
    fn refusal(claim: Claim) -> Option<Self::Error>;
}

impl ClaimRefusal for Subscription {
    fn refusal(claim: Claim) -> Option<SubscriptionError> {
        match claim {
            Claim::OneLiveSubscriptionPerPhone => Some(SubscriptionError::AlreadySubscribed),
            Claim::OneCompanyPerOrgNumber => None,
        }
    }
}

impl ClaimRefusal for Company {
    fn refusal(claim: Claim) -> Option<CompanyError> {
        match claim {
            Claim::OneCompanyPerOrgNumber => Some(CompanyError::OrgNumberTaken),
            Claim::OneLiveSubscriptionPerPhone => None,
        }
    }
}

impl ClaimRefusal for Tariff {
    fn refusal(_: Claim) -> Option<<Tariff as Aggregate>::Error> {
        None
    }
}

/// The subscriptions of `company` that are still live after `day`: pending orders, and
/// approved tickets valid on a day after it. Read from the claims (the write side, kept in
/// every append's transaction), so a subscription ordered a moment ago is among them; ending a
/// company's agreement (`deactivateCompany`) ends these. Ids as stored in the log.
pub async fn live_after(
    pool: &sqlx::PgPool,
    company: uuid::Uuid,
    day: chrono::NaiveDate,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT subscription_id FROM subscription_claims
         WHERE company_id = $1 AND NOT isempty(period)
           AND (upper_inf(period) OR upper(period) > $2 + 1)
         ORDER BY subscription_id",
    )
    .bind(company)
    .bind(day)
    .fetch_all(pool)
    .await
}
