//! The queries of SPEC.md's API surface.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, ID};
use bedrift_domain::company::{FieldRequirement, OrderForm as DomainForm};
use bedrift_domain::subscription::decide::employee_start_date;
use bedrift_projections::listing;
use bedrift_projections::queries::invoice_basis;
use bedrift_projections::read_models::tariff::price_list;

use super::context::{parts, Caller};
use super::mutation::webhooks::WebhookEndpoint;
use super::pagination::{Page, PageCursor};
use super::scalars::{Date, Month};
use super::types::company::CompanyView;
use super::types::enums::{OrderingPolicy, ViewerKind};
use super::types::invoice::InvoiceBasis;
use super::types::public::{FormField, OrderForm, TariffView, Viewer};
use super::types::settings::EmployerContributionView;
use super::types::subscription::SubscriptionView;
use super::{parse_id, ApiError};
use crate::auth::Principal;
use crate::AppState;

/// Everything that can be read.
#[derive(Debug, Default)]
pub struct QueryRoot;

/// The viewer of `caller`, when logged in.
pub async fn viewer_of(state: &AppState, caller: &Caller) -> Result<Option<Viewer>, ApiError> {
    let Some(principal) = &caller.principal else {
        return Ok(None);
    };
    let account = |kind, account: &crate::auth::Account, companies| Viewer {
        kind,
        account_id: Some(ID(account.id.to_string())),
        email: Some(account.email.as_str().to_owned()),
        name: Some(account.name.clone()),
        phone: None,
        company_id: None,
        companies,
    };
    Ok(Some(match principal {
        Principal::Operator { account: a } => account(ViewerKind::Operator, a, Vec::new()),
        Principal::Administrator { account: a } => {
            let companies = listing::companies_of_administrator(&state.pool, a.id.as_uuid())
                .await?
                .into_iter()
                .map(|row| CompanyView(row, None))
                .collect();
            account(ViewerKind::Administrator, a, companies)
        }
        Principal::Employee { phone, company } => Viewer {
            kind: ViewerKind::Employee,
            account_id: None,
            email: None,
            name: None,
            phone: Some(phone.to_string()),
            company_id: Some(ID(company.to_string())),
            companies: Vec::new(),
        },
        Principal::Holder { phone } => Viewer {
            kind: ViewerKind::Employee,
            account_id: None,
            email: None,
            name: None,
            phone: Some(phone.to_string()),
            company_id: None,
            companies: Vec::new(),
        },
    }))
}

#[Object]
impl QueryRoot {
    /// Who is logged in; null without a valid session.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<Viewer>> {
        let (state, caller) = parts(ctx);
        Ok(viewer_of(state, caller).await?)
    }

    /// The tariff version in force on a day (default: today). Public.
    #[graphql(complexity = "super::limits::LOOKUP_COST + child_complexity")]
    async fn tariff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day; today when left out.")] on: Option<Date>,
    ) -> Result<Option<TariffView>> {
        let (state, _) = parts(ctx);
        let on = on.map_or_else(|| state.clock.today(), |d| d.0);
        let mut connection = state.pool.acquire().await.map_err(ApiError::from)?;
        let prices = price_list(&mut connection).await.map_err(ApiError::from)?;
        Ok(prices.in_force(on).map(TariffView::from))
    }

    /// The order page of an order link. Public; `NOT_FOUND` for an unknown or rotated link.
    #[graphql(complexity = "super::limits::LOOKUP_COST + child_complexity")]
    async fn order_form(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token of the order link.")] token: String,
    ) -> Result<OrderForm> {
        let (state, _) = parts(ctx);
        let company = listing::company_by_order_token(&state.pool, token.trim())
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound("this order link does not work (any more)".into()))?;
        let form: DomainForm = serde_json::from_value(company.order_form.clone())
            .map_err(|e| ApiError::internal(&e))?;
        let employer_contribution = EmployerContributionView::try_from(&company)?;
        Ok(OrderForm {
            employer_contribution,
            company_name: company.name,
            ordering_policy: OrderingPolicy::from_code(&company.ordering_policy),
            start_date: Date(employee_start_date(state.clock.today())),
            employee_number: match form.employee_number {
                FieldRequirement::Hidden => "HIDDEN",
                FieldRequirement::Optional => "OPTIONAL",
                FieldRequirement::Required => "REQUIRED",
            }
            .to_owned(),
            extra_fields: form
                .extra_fields
                .iter()
                .map(|f| FormField {
                    label: f.label.to_string(),
                    required: f.required,
                })
                .collect(),
        })
    }

    /// The webhook endpoints, oldest first (operators only; secrets are never shown).
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> Result<Vec<WebhookEndpoint>> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let endpoints = crate::feed::webhooks::list(&state.pool)
            .await
            .map_err(ApiError::from)?;
        Ok(endpoints.into_iter().map(Into::into).collect())
    }

    /// A company: operators see any, administrators their own.
    async fn company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company's id.")] id: ID,
    ) -> Result<CompanyView> {
        let (state, caller) = parts(ctx);
        let id = parse_id(&id, "id")?;
        let company = caller.managed_company(state, id).await?;
        Ok(CompanyView(company, None))
    }

    /// One subscription: for its holder, its company's administrators and operators.
    async fn subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription's id.")] id: ID,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let id = parse_id(&id, "id")?;
        let ticket = caller.visible_ticket(state, id).await?;
        Ok(SubscriptionView::new(ticket, state.clock.today()))
    }

    /// The logged-in employee's subscriptions at the company of their order link, oldest
    /// first; logged in personally (at `/mine`), their subscriptions at every company.
    async fn my_subscriptions(&self, ctx: &Context<'_>) -> Result<Vec<SubscriptionView>> {
        let (state, caller) = parts(ctx);
        let today = state.clock.today();
        let rows = match caller.principal()? {
            Principal::Holder { phone } => listing::tickets_of_holder(&state.pool, phone.as_str())
                .await
                .map_err(ApiError::from)?,
            _ => {
                let (phone, company) = caller.require_employee()?;
                listing::tickets_of_phone(&state.pool, company.as_uuid(), phone.as_str())
                    .await
                    .map_err(ApiError::from)?
            }
        };
        Ok(rows
            .into_iter()
            .map(|r| SubscriptionView::new(r, today))
            .collect())
    }

    /// Every company, by name (operators only). `search` matches part of the name or the
    /// organisation number. Cursors are positions in the list, so a company registered while
    /// paging may shift a page by one.
    #[graphql(complexity = "super::limits::list_cost(first, child_complexity)")]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the last item of the previous page.")] after: Option<
            String,
        >,
        #[graphql(desc = "Part of the name or the organisation number.")] search: Option<String>,
    ) -> Result<Connection<PageCursor, CompanyView>> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let page = Page::new(first, after.as_deref())?;
        let search = search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
            return Err(ApiError::bad_input("search", "search for at most 100 characters").into());
        }
        let offset = page.after.map_or(0, |after| after.saturating_add(1)).max(0);
        let rows = listing::companies_page(&state.pool, search.as_deref(), offset, page.fetch())
            .await
            .map_err(ApiError::from)?;
        let numbered: Vec<_> = rows.into_iter().zip(offset..).collect();
        Ok(page.connection(numbered, |(_, n)| *n, |(row, _)| CompanyView(row, None)))
    }

    /// The invoice basis of a month across every company (operators only).
    async fn invoice_basis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The month, e.g. 2026-12.")] month: Month,
    ) -> Result<InvoiceBasis> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let basis = invoice_basis(
            &state.pool,
            &state.billing_states,
            None,
            month.0,
            state.clock.today(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(InvoiceBasis::load(&state.pool, basis).await?)
    }
}
