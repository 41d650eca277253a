//! The right to erasure over the API (operators only): what `bedrift privacy erase` does.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use bedrift_domain::metadata::Actor;
use bedrift_domain::values::{EmailAddress, PhoneNumber};

use crate::auth::Principal;
use crate::erasure::{self, AccountOutcome, Erased, ErasureError, Outcome};
use crate::graphql::context::parts;
use crate::graphql::scalars::Date;
use crate::graphql::ApiError;

impl From<ErasureError> for ApiError {
    fn from(error: ErasureError) -> Self {
        match error {
            ErasureError::Database(e) => e.into(),
            ErasureError::Store(e) => e.into(),
            ErasureError::CompanyStore(e) => e.into(),
            ErasureError::Auth(e) => e.into(),
        }
    }
}

/// What became of a subscription's personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ErasureOutcome {
    /// Erased: its names, phone, employee number and answers read `[slettet]` everywhere.
    Erased,
    /// Kept: the order or ticket is live. Withdraw or cancel it, then ask again after its end.
    KeptWhileLive,
    /// Kept: it was charged, and the accounts keep it through `keptThrough`; retention erases
    /// it the day after.
    KeptForAccounts,
}

/// One subscription of the phone and what became of it.
#[derive(Debug, Clone, SimpleObject)]
pub struct SubscriptionErasure {
    /// The subscription.
    pub subscription_id: ID,
    /// The company that paid for it.
    pub company_id: ID,
    /// What became of its personal data.
    pub outcome: ErasureOutcome,
    /// The last day the accounts keep it (KEPT_FOR_ACCOUNTS only).
    pub kept_through: Option<Date>,
}

impl From<Erased> for SubscriptionErasure {
    fn from(erased: Erased) -> Self {
        let (outcome, kept_through) = match erased.outcome {
            Outcome::Erased => (ErasureOutcome::Erased, None),
            Outcome::KeptWhileLive => (ErasureOutcome::KeptWhileLive, None),
            Outcome::KeptForAccountsThrough(day) => {
                (ErasureOutcome::KeptForAccounts, Some(Date(day)))
            }
        };
        Self {
            subscription_id: ID(erased.subscription_id.to_string()),
            company_id: ID(erased.company_id.to_string()),
            outcome,
            kept_through,
        }
    }
}

/// What became of an administrator's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum AccountErasureOutcome {
    /// Erased: the account, its name and address in the companies' events, its messages' texts.
    Erased,
    /// No account has the address; messages to it, if any, were erased.
    NoAccount,
    /// Still an administrator of the companies listed: remove them there first.
    KeptWhileAdministering,
    /// An operator's account, kept while they are staff.
    Operator,
}

/// The outcome of erasing an administrator's data.
#[derive(Debug, Clone, SimpleObject)]
pub struct AccountErasure {
    /// What became of it.
    pub outcome: AccountErasureOutcome,
    /// The companies they still administer (KEPT_WHILE_ADMINISTERING only).
    pub administering: Vec<ID>,
}

impl From<AccountOutcome> for AccountErasure {
    fn from(outcome: AccountOutcome) -> Self {
        let (outcome, administering) = match outcome {
            AccountOutcome::Erased => (AccountErasureOutcome::Erased, vec![]),
            AccountOutcome::NoAccount => (AccountErasureOutcome::NoAccount, vec![]),
            AccountOutcome::Operator => (AccountErasureOutcome::Operator, vec![]),
            AccountOutcome::KeptWhileAdministering(companies) => (
                AccountErasureOutcome::KeptWhileAdministering,
                companies.into_iter().map(|c| ID(c.to_string())).collect(),
            ),
        };
        Self {
            outcome,
            administering,
        }
    }
}

/// Erasure on request.
#[derive(Debug, Default)]
pub struct PrivacyMutations;

#[Object]
impl PrivacyMutations {
    /// Erases an employee's personal data at every company, as far as no rule keeps it
    /// (operators only; GDPR art. 17). Each of the phone's subscriptions says what became of
    /// it; an empty list means the service holds none of its data in a subscription.
    async fn erase_personal_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The employee's mobile number.")] phone: String,
    ) -> Result<Vec<SubscriptionErasure>> {
        let (state, caller) = parts(ctx);
        let Principal::Operator { account } = caller.principal()? else {
            return Err(ApiError::forbidden().into());
        };
        let phone =
            PhoneNumber::parse(&phone).map_err(|e| ApiError::bad_input("phone", e.to_string()))?;
        let erased = erasure::erase_phone(
            &state.pool,
            &state.commands.subscriptions,
            &*state.clock,
            &phone,
            Actor::Operator {
                account: account.id,
            },
            state.settings.retention_rules,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(erased.into_iter().map(Into::into).collect())
    }

    /// Erases an administrator's account and personal data once they administer no company
    /// (operators only; GDPR art. 17).
    async fn erase_administrator_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The administrator's e-mail address.")] email: String,
    ) -> Result<AccountErasure> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let email =
            EmailAddress::parse(&email).map_err(|e| ApiError::bad_input("email", e.to_string()))?;
        let outcome = erasure::erase_account(
            &state.pool,
            &state.commands.companies,
            &email,
            erasure::Reason::Request,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(outcome.into())
    }
}
