//! Inviting another administrator to a company (its administrators and operators): the account
//! is created (or found) in the authentication layer, the `Company` aggregate records the
//! administrator, and the invitation e-mail goes to the outbox in the same transaction as its
//! one-time token. Removing one (not the last) is the `Company` aggregate's decision alone: the
//! account stays (it may administer other companies) and loses this company at once, since
//! every check of who manages a company reads the directory.

use async_graphql::{Context, Object, Result, ID};
use bedrift_domain::company::{Administrator, Company, CompanyCommand};
use bedrift_domain::messages;
use bedrift_domain::metadata::Actor;
use bedrift_domain::values::{AccountId, BoundedText, CompanyId, EmailAddress};
use bedrift_projections::listing;

use super::input::uuid;
use crate::auth::{self, Channel};
use crate::graphql::context::parts;
use crate::graphql::types::company::CompanyView;
use crate::graphql::types::enums::OrderNotice;
use crate::graphql::ApiError;
use crate::AppState;

/// Administrator mutations.
#[derive(Debug, Default)]
pub struct AdministratorMutations;

/// The invited person's account: the existing one of that address (with its stored e-mail,
/// and whether it has a password), or a new administrator account without a password. Nobody
/// is invited twice to the same company.
///
/// The kind of an existing account is not looked at: an operator's address is invited like any
/// other existing account (listed, and told by e-mail), so the answer never tells the inviter
/// whether an address belongs to an operator. Being listed gives an operator nothing they did
/// not have: their sessions are operator sessions, which manage every company.
async fn administrator_account(
    state: &AppState,
    company: uuid::Uuid,
    email: &EmailAddress,
    name: &str,
) -> Result<(AccountId, EmailAddress, bool), ApiError> {
    match auth::find_account_by_email(&state.pool, email).await? {
        Some(account) => {
            let today = state.clock.today();
            if listing::is_administrator(&state.pool, account.id.as_uuid(), company, today).await? {
                return Err(ApiError::bad_input(
                    "email",
                    "this person is already an administrator of this company",
                ));
            }
            let has_password: bool =
                sqlx::query_scalar("SELECT password_hash IS NOT NULL FROM accounts WHERE id = $1")
                    .bind(account.id.as_uuid())
                    .fetch_one(&state.pool)
                    .await?;
            Ok((account.id, account.email, has_password))
        }
        None => {
            let id = AccountId::new();
            auth::create_administrator_account(&state.pool, &*state.clock, id, email, name).await?;
            Ok((id, email.clone(), false))
        }
    }
}

/// Queues the e-mail: an invitation with a fresh token for an account without a password, a
/// notice for one that has one. Token and message are committed together or not at all.
pub(super) async fn notify(
    state: &AppState,
    company: CompanyId,
    account: AccountId,
    has_password: bool,
    email: &EmailAddress,
    name: &str,
    company_name: &str,
) -> Result<(), ApiError> {
    let mut transaction = bedrift_store::begin(&state.pool).await?;
    let text = if has_password {
        messages::administrator_added_email(
            name,
            company_name,
            &format!("{}/logg-inn", state.settings.public_url),
        )
    } else {
        let token =
            auth::issue_invitation(&mut transaction, &*state.clock, account, company).await?;
        let link = format!("{}/invitasjon?token={token}", state.settings.public_url);
        auth::invitation_email(name, company_name, &link)
    };
    auth::enqueue_message(
        &mut transaction,
        Channel::Email,
        email.as_str(),
        Some(&text.subject),
        &text.body,
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

#[Object]
impl AdministratorMutations {
    /// Invites another administrator to a company (its administrators and operators). A new
    /// person gets an invitation link (single use, 7 days) by e-mail; someone who already
    /// administers another company keeps their password and is told by e-mail. Returns the
    /// company with its administrators.
    async fn invite_administrator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The new administrator's e-mail; the invitation goes there.")]
        email: String,
        #[graphql(desc = "The new administrator's name, 1-200 characters.")] name: String,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        let company = caller.manage_now(state, id).await?;
        let company_name = company
            .name
            .as_ref()
            .map(ToString::to_string)
            .ok_or_else(|| ApiError::NotFound("there is no such company".into()))?;
        let email = EmailAddress::parse(&email).map_err(|e| ApiError::invalid("email", e))?;
        let name = BoundedText::parse(&name, "the administrator's name", 1, 200)
            .map_err(|e| ApiError::invalid("name", e))?;
        let (account, email, has_password) =
            administrator_account(state, id, &email, name.as_str()).await?;
        let command = CompanyCommand::InviteAdministrator {
            administrator: Administrator {
                account,
                email: email.clone(),
                name: name.clone(),
            },
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        notify(
            state,
            CompanyId::from_uuid(id),
            account,
            has_password,
            &email,
            name.as_str(),
            &company_name,
        )
        .await?;
        Ok(CompanyView::of(id, &changed)?)
    }

    /// Removes an administrator from a company (its administrators and operators). The last
    /// administrator cannot be removed (`INVALID_STATE`); someone who is not one is
    /// `NOT_FOUND`. Returns the company with its remaining administrators.
    async fn remove_administrator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The administrator's account (`AdministratorView.accountId`).")]
        account_id: ID,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        let account = AccountId::from_uuid(uuid(&account_id, "accountId")?);
        caller.manage(state, id).await?;
        let command = CompanyCommand::RemoveAdministrator {
            account,
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }

    /// Chooses how the calling administrator hears of orders waiting for approval at this
    /// company: an e-mail for each at once, or one daily digest. Each administrator chooses
    /// for themself; a caller who is not an administrator of the company is `NOT_FOUND`.
    /// Returns the company, whose `administrators` show the choice.
    async fn set_order_notice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The choice.")] notice: OrderNotice,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        caller.manage(state, id).await?;
        let by = caller.actor()?;
        let Actor::Administrator { account } = by else {
            return Err(ApiError::NotFound(
                "only the company's administrators choose how they hear of orders".to_owned(),
            )
            .into());
        };
        let command = CompanyCommand::SetOrderNotice {
            account,
            notice: notice.into(),
            by,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }
}
