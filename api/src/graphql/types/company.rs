//! The `Company` type: a company from the directory read model, with its approval queue,
//! tickets and payroll deduction basis. Only operators and the company's administrators get
//! one (see `Caller::manage`).

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use bedrift_domain::company::{Company, OrderForm as DomainForm};
use bedrift_domain::values::CompanyId;
use bedrift_projections::listing::{self, CompanyListing};
use bedrift_projections::queries::{invoice_basis, payroll_basis};
use bedrift_projections::read_models::companies::order_notice_of;

use super::enums::{OrderNotice, OrderingPolicy, TicketStatus};
use super::invoice::InvoiceBasis;
use super::payroll::PayrollBasis;
use super::settings::{EmployerContributionView, OrderFormSettings};
use super::subscription::SubscriptionView;
use crate::graphql::context::parts;
use crate::graphql::pagination::{Page, PageCursor};
use crate::graphql::scalars::{Date, DateTime, Month};
use crate::graphql::ApiError;

/// A company (virksomhet) that gives its employees tickets.
#[derive(Debug, Clone)]
pub struct CompanyView(
    pub CompanyListing,
    /// The administrators as the write side knows them, when the view comes from the
    /// aggregate (a mutation's answer); `None`: read them from the directory.
    pub Option<Vec<AdministratorView>>,
);

impl CompanyView {
    /// The view of company `id` as its aggregate stands (the write side): what a mutation
    /// answers with, without waiting for the directory read model.
    pub fn of(id: uuid::Uuid, company: &Company) -> Result<Self, ApiError> {
        let row = CompanyListing::of_aggregate(id, company)
            .ok_or_else(|| ApiError::NotFound("there is no such company".to_owned()))?;
        let mut administrators: Vec<AdministratorView> = company
            .administrators
            .values()
            .map(|a| AdministratorView {
                account_id: ID(a.account.to_string()),
                email: a.email.to_string(),
                name: a.name.to_string(),
                // Filled from the accounts table when the field is asked for.
                last_login_at: None,
                order_notice: company.order_notice(&a.account).into(),
            })
            .collect();
        // The directory's order: by name, case-insensitively, then account.
        administrators.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.account_id.0).cmp(&(b.name.to_lowercase(), &b.account_id.0))
        });
        Ok(Self(row, Some(administrators)))
    }
}

/// A company administrator.
#[derive(Debug, Clone, SimpleObject)]
pub struct AdministratorView {
    /// Their account.
    pub account_id: ID,
    /// Their e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// When they last logged in; null if never (an invitation not yet accepted).
    pub last_login_at: Option<DateTime>,
    /// How they hear of orders waiting for approval (`setOrderNotice`).
    pub order_notice: OrderNotice,
}

/// A company (virksomhet) that gives its employees tickets.
#[Object(name = "Company")]
impl CompanyView {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.company_id.to_string())
    }

    /// Organisation number, 9 digits.
    async fn org_number(&self) -> &str {
        &self.0.org_number
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where invoices go.
    async fn invoice_email(&self) -> &str {
        &self.0.invoice_email
    }

    /// Whether and how employees may order (R6).
    async fn ordering_policy(&self) -> OrderingPolicy {
        OrderingPolicy::from_code(&self.0.ordering_policy)
    }

    /// The order link to hand out to employees; rotating it makes the old one stop working.
    async fn order_link(&self, ctx: &Context<'_>) -> String {
        let (state, _) = parts(ctx);
        format!(
            "{}/bestill/{}",
            state.settings.public_url, self.0.order_link_token
        )
    }

    /// The token in the order link, as `orderForm(token:)` takes it.
    async fn order_link_token(&self) -> &str {
        &self.0.order_link_token
    }

    /// When it was registered.
    async fn registered_at(&self) -> DateTime {
        DateTime(self.0.registered_at)
    }

    /// Once the operator ended the customer relationship (`deactivateCompany`): the last day
    /// its tickets are valid. Null while it is a customer.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// When the operator ended the customer relationship; null while it is a customer.
    async fn deactivated_at(&self) -> Option<DateTime> {
        self.0.deactivated_at.map(DateTime)
    }

    /// Once deactivated: the last day its administrators can still read its tickets, history
    /// and payroll files, the end of the fifth year after the year its tickets ended (as
    /// accounting records are kept). Null while it is a customer.
    async fn read_access_until(&self) -> Option<Date> {
        self.0
            .ends_on
            .map(|day| Date(listing::read_access_until(day)))
    }

    /// Its administrators.
    async fn administrators(&self, ctx: &Context<'_>) -> Result<Vec<AdministratorView>> {
        let (state, _) = parts(ctx);
        if let Some(known) = &self.1 {
            // Known from the write side; when each last logged in is the accounts table's.
            let ids: Vec<uuid::Uuid> = known
                .iter()
                .filter_map(|a| uuid::Uuid::parse_str(&a.account_id.0).ok())
                .collect();
            let logins: std::collections::HashMap<uuid::Uuid, chrono::DateTime<chrono::Utc>> =
                sqlx::query_as::<_, (uuid::Uuid, chrono::DateTime<chrono::Utc>)>(
                    "SELECT id, last_login_at FROM accounts
                     WHERE id = ANY($1) AND last_login_at IS NOT NULL",
                )
                .bind(&ids)
                .fetch_all(&state.pool)
                .await
                .map_err(ApiError::from)?
                .into_iter()
                .collect();
            return Ok(known
                .iter()
                .map(|a| AdministratorView {
                    last_login_at: uuid::Uuid::parse_str(&a.account_id.0)
                        .ok()
                        .and_then(|id| logins.get(&id).copied())
                        .map(DateTime),
                    ..a.clone()
                })
                .collect());
        }
        type Row = (
            uuid::Uuid,
            String,
            String,
            Option<chrono::DateTime<chrono::Utc>>,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.account_id, a.email, a.name, acc.last_login_at, a.order_notice
             FROM company_administrators a
             LEFT JOIN accounts acc ON acc.id = a.account_id
             WHERE a.company_id = $1 ORDER BY lower(a.name), a.account_id",
        )
        .bind(self.0.company_id)
        .fetch_all(&state.pool)
        .await
        .map_err(ApiError::from)?;
        rows.into_iter()
            .map(|(id, email, name, last_login_at, notice)| {
                Ok(AdministratorView {
                    account_id: ID(id.to_string()),
                    email,
                    name,
                    last_login_at: last_login_at.map(DateTime),
                    order_notice: order_notice_of(&notice).map_err(ApiError::from)?.into(),
                })
            })
            .collect()
    }

    /// What waits for the administrators, oldest first: pending orders, and approved tickets
    /// whose holder asked for new zones (R8, shown in `zoneChangeRequest`). `approveSubscription`
    /// and `rejectSubscription` decide either.
    #[graphql(complexity = "crate::graphql::limits::list_cost(first, child_complexity)")]
    async fn approval_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the last item of the previous page.")] after: Option<
            String,
        >,
    ) -> Result<Connection<PageCursor, SubscriptionView>> {
        let (state, _) = parts(ctx);
        let page = Page::new(first, after.as_deref())?;
        let rows =
            listing::approval_queue_page(&state.pool, self.0.company_id, page.after, page.fetch())
                .await
                .map_err(ApiError::from)?;
        let today = state.clock.today();
        Ok(page.connection(
            rows,
            |r| r.queue_position,
            |r| SubscriptionView::new(r.ticket, today),
        ))
    }

    /// Tickets and orders, oldest order first; filter by today's status, search by name, phone
    /// or employee number.
    #[graphql(complexity = "crate::graphql::limits::list_cost(first, child_complexity)")]
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those with this status today.")] status: Option<TicketStatus>,
        #[graphql(desc = "Part of a name, phone number or employee number.")] search: Option<
            String,
        >,
        #[graphql(desc = "How many (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor of the last item of the previous page.")] after: Option<
            String,
        >,
    ) -> Result<Connection<PageCursor, SubscriptionView>> {
        let (state, _) = parts(ctx);
        let page = Page::new(first, after.as_deref())?;
        let search = search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
            return Err(ApiError::bad_input("search", "search for at most 100 characters").into());
        }
        let today = state.clock.today();
        let rows = listing::tickets_page(
            &state.pool,
            self.0.company_id,
            today,
            status.map(Into::into),
            search.as_deref(),
            page.after,
            page.fetch(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(page.connection(
            rows,
            |r| r.ordered_position,
            |r| SubscriptionView::new(r, today),
        ))
    }

    /// The payroll deduction basis of a month: one line per subscription charged.
    async fn payroll_deduction_basis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The month, e.g. 2026-12.")] month: Month,
    ) -> Result<PayrollBasis> {
        let (state, _) = parts(ctx);
        let company = CompanyId::from_uuid(self.0.company_id);
        let basis = payroll_basis(
            &state.pool,
            &state.billing_states,
            company,
            month.0,
            state.clock.today(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(PayrollBasis::from(basis))
    }

    /// The order form its employees fill in.
    async fn order_form(&self) -> Result<OrderFormSettings> {
        let form: DomainForm = serde_json::from_value(self.0.order_form.clone())
            .map_err(|e| ApiError::internal(&e))?;
        Ok(form.into())
    }

    /// What the company pays of each ticket (R14).
    async fn employer_contribution(&self) -> Result<EmployerContributionView> {
        Ok(EmployerContributionView::try_from(&self.0)?)
    }

    /// The pay type code (lønnsart) used in payroll imports; null until set.
    async fn pay_type_code(&self) -> Option<String> {
        self.0.pay_type_code.clone()
    }

    /// The order form field (its label) whose answer is the department in the payroll
    /// import files; null when not mapped.
    async fn department_field(&self) -> Option<String> {
        self.0.department_field.clone()
    }

    /// The order form field (its label) whose answer is the cost centre or project in the
    /// payroll import files; null when not mapped.
    async fn cost_centre_field(&self) -> Option<String> {
        self.0.cost_centre_field.clone()
    }

    /// The invoice basis of a month: what this company is charged (at most one line).
    async fn invoice_basis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The month, e.g. 2026-12.")] month: Month,
    ) -> Result<InvoiceBasis> {
        let (state, _) = parts(ctx);
        let company = CompanyId::from_uuid(self.0.company_id);
        let basis = invoice_basis(
            &state.pool,
            &state.billing_states,
            Some(company),
            month.0,
            state.clock.today(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(InvoiceBasis::load(&state.pool, basis).await?)
    }
}
