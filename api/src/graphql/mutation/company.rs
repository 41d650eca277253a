//! Mutations of companies: registering one (operators), its ordering policy and order link
//! (its administrators and operators).

use async_graphql::{Context, InputObject, Object, Result, ID};
use bedrift_domain::company::{Administrator, Company, CompanyCommand};
use bedrift_domain::values::{AccountId, BoundedText, CompanyId, EmailAddress, OrgNumber};

use super::administrators;
use super::input::{new_order_link_token, uuid};
use crate::auth::{self, AccountKind};
use crate::graphql::context::parts;
use crate::graphql::types::company::CompanyView;
use crate::graphql::types::enums::OrderingPolicy;
use crate::graphql::ApiError;
use crate::AppState;

/// Company mutations.
#[derive(Debug, Default)]
pub struct CompanyMutations;

/// A company to register, with its contact person.
#[derive(Debug, Clone, InputObject)]
pub struct RegisterCompanyInput {
    /// Organisation number: 9 digits with a valid check digit.
    pub org_number: String,
    /// The company's name, 1-200 characters.
    pub name: String,
    /// Where invoices go.
    pub invoice_email: String,
    /// The contact person's name; they are invited as the first administrator.
    pub contact_name: String,
    /// The contact person's e-mail; the invitation goes there.
    pub contact_email: String,
}

/// The account of the contact person: their existing administrator account, or a new one.
async fn contact_account(
    state: &AppState,
    email: &EmailAddress,
    name: &str,
) -> Result<AccountId, ApiError> {
    match auth::find_account_by_email(&state.pool, email).await? {
        Some(account) if account.kind == AccountKind::Administrator => Ok(account.id),
        Some(_) => Err(ApiError::bad_input(
            "contactEmail",
            "this e-mail address belongs to an operator account",
        )),
        None => {
            let id = AccountId::new();
            auth::create_administrator_account(&state.pool, &*state.clock, id, email, name).await?;
            Ok(id)
        }
    }
}

#[Object]
impl CompanyMutations {
    /// Registers a company and invites its contact person as administrator (operators only).
    async fn register_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company and its contact person.")] input: RegisterCompanyInput,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let org_number =
            OrgNumber::parse(&input.org_number).map_err(|e| ApiError::invalid("orgNumber", e))?;
        let name = BoundedText::parse(&input.name, "the company name", 1, 200)
            .map_err(|e| ApiError::invalid("name", e))?;
        let invoice_email = EmailAddress::parse(&input.invoice_email)
            .map_err(|e| ApiError::invalid("invoiceEmail", e))?;
        let contact_email = EmailAddress::parse(&input.contact_email)
            .map_err(|e| ApiError::invalid("contactEmail", e))?;
        let contact_name = BoundedText::parse(&input.contact_name, "the contact's name", 1, 200)
            .map_err(|e| ApiError::invalid("contactName", e))?;
        let account = contact_account(state, &contact_email, contact_name.as_str()).await?;
        let id = CompanyId::new();
        let command = CompanyCommand::Register {
            org_number,
            name: name.clone(),
            invoice_email,
            contact: Administrator {
                account,
                email: contact_email.clone(),
                name: contact_name.clone(),
            },
            order_link: new_order_link_token(),
            by: caller.actor()?,
        };
        let registered = caller
            .create::<Company>(state, id.to_string(), command)
            .await?;
        // A new account: the contact person gets an invitation, never a notice.
        administrators::notify(
            state,
            id,
            account,
            false,
            &contact_email,
            contact_name.as_str(),
            name.as_str(),
        )
        .await?;
        Ok(CompanyView::of(id.as_uuid(), &registered)?)
    }

    /// Sets whether and how employees may order (R6); orders already placed are not affected.
    async fn set_ordering_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
        #[graphql(desc = "The new policy.")] policy: OrderingPolicy,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        caller.manage_now(state, id).await?;
        let command = CompanyCommand::SetOrderingPolicy {
            policy: policy.into(),
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }

    /// Replaces the order link; the old link stops working at once.
    async fn rotate_order_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company.")] company_id: ID,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&company_id, "companyId")?;
        caller.manage_now(state, id).await?;
        let command = CompanyCommand::RotateOrderLink {
            token: new_order_link_token(),
            by: caller.actor()?,
        };
        let changed = caller
            .execute::<Company>(state, id.to_string(), command)
            .await?;
        Ok(CompanyView::of(id, &changed)?)
    }
}
