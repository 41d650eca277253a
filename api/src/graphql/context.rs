//! Who is calling, and the authorisation rules: an operator sees all, an administrator only
//! their companies, an employee only their own subscriptions at the company of the order link
//! they logged in through.

use std::net::IpAddr;

use async_graphql::Context;
use axum::http::{header, HeaderMap};
use bedrift_domain::company::Company;
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::OrderDetails;
use bedrift_domain::values::{CompanyId, PhoneNumber};
use bedrift_projections::listing::{self, CompanyListing, TicketListing};
use bedrift_store::{LogPosition, Start};
use uuid::Uuid;

use super::ApiError;
use crate::auth::{self, bearer_token, session_of, Limit, Principal};
use crate::client_address::client_address;
use crate::commands::Executable;
use crate::AppState;

/// The caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who they are, when their bearer token is valid.
    pub principal: Option<Principal>,
    /// Their bearer token, for `logOut`.
    pub token: Option<String>,
    /// Their address, for rate limits.
    pub address: IpAddr,
    /// Ties the request's events and log lines together.
    pub correlation_id: Uuid,
    /// Where the caller's session last wrote in the log (R19): its queries wait, bounded,
    /// until the read models have passed it. `None` without a session or before its first
    /// write.
    pub last_written: Option<LogPosition>,
}

/// The state and the caller of a resolver.
pub fn parts<'a>(ctx: &Context<'a>) -> (&'a AppState, &'a Caller) {
    (
        ctx.data_unchecked::<AppState>(),
        ctx.data_unchecked::<Caller>(),
    )
}

impl Caller {
    /// The caller of an HTTP request: its `Authorization: Bearer` token through
    /// [`session_principal`] (a missing or invalid session is anonymous; a failing database is
    /// `INTERNAL`, logged), its client address behind the trusted proxies of the settings.
    pub async fn from_request(
        state: &AppState,
        headers: &HeaderMap,
        peer: IpAddr,
        correlation_id: Uuid,
    ) -> Result<Self, ApiError> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .map(str::to_owned);
        let address = client_address(peer, headers, &state.settings.trusted_proxies);
        Self::from_token(state, token, address, correlation_id).await
    }

    /// The caller holding `token` (without `Bearer `), seen at `address`; see
    /// [`Caller::from_request`].
    pub async fn from_token(
        state: &AppState,
        token: Option<String>,
        address: IpAddr,
        correlation_id: Uuid,
    ) -> Result<Self, ApiError> {
        let session = session_of(&state.pool, &*state.clock, token.as_deref()).await?;
        let (principal, last_written) = match session {
            Some(session) => (Some(session.principal), session.last_written),
            None => (None, None),
        };
        Ok(Self {
            principal,
            token,
            address,
            correlation_id,
            last_written,
        })
    }

    /// The principal, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        self.principal
            .as_ref()
            .ok_or_else(ApiError::unauthenticated)
    }

    /// The actor recorded in events caused by this caller.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        Ok(match self.principal()? {
            Principal::Operator { account } => Actor::Operator {
                account: account.id,
            },
            Principal::Administrator { account } => Actor::Administrator {
                account: account.id,
            },
            Principal::Employee { phone, company } => Actor::Employee {
                phone: phone.clone(),
                company: *company,
            },
            // A holder acts only on their own subscriptions, as the employee of each one's
            // company (see [`Caller::metadata_on`]).
            Principal::Holder { .. } => return Err(ApiError::forbidden()),
        })
    }

    /// The actor of a command on subscription `id`: a holder at `/mine` acts as the employee
    /// of that subscription's company (if they may see it at all; else `NOT_FOUND`).
    pub async fn actor_on(
        &self,
        state: &AppState,
        id: &async_graphql::ID,
    ) -> Result<Actor, ApiError> {
        match self.principal()? {
            Principal::Holder { phone } => {
                let ticket = self
                    .visible_ticket(state, super::parse_id(id, "id")?)
                    .await?;
                Ok(Actor::Employee {
                    phone: phone.clone(),
                    company: CompanyId::from_uuid(ticket.company_id),
                })
            }
            _ => self.actor(),
        }
    }

    /// Metadata for a command by this caller now on a subscription of `company`: a holder at
    /// `/mine` acts there as that company's employee.
    pub fn metadata_on(&self, state: &AppState, company: Uuid) -> Result<Metadata, ApiError> {
        let actor = match self.principal()? {
            Principal::Holder { phone } => Actor::Employee {
                phone: phone.clone(),
                company: CompanyId::from_uuid(company),
            },
            _ => self.actor()?,
        };
        Ok(Metadata::new(actor, state.clock.now()).with_correlation_id(self.correlation_id))
    }

    /// Metadata for a command by this caller now.
    pub fn metadata(&self, state: &AppState) -> Result<Metadata, ApiError> {
        Ok(
            Metadata::new(self.actor()?, state.clock.now())
                .with_correlation_id(self.correlation_id),
        )
    }

    /// Runs `command` on aggregate `id` as this caller and returns the aggregate as the command
    /// left it. The caller's session then remembers the log position written, so its later
    /// queries, on any replica, wait until the read models show the change (R19). The
    /// change is stored at that point: should remembering fail, it is logged and the answer
    /// is still the change (the session's queries may then show it a little later).
    pub async fn execute<A: Executable>(
        &self,
        state: &AppState,
        id: String,
        command: A::Command,
    ) -> Result<A, ApiError> {
        let metadata = self.metadata(state)?;
        self.execute_as::<A>(state, id, command, metadata).await
    }

    /// Like [`Caller::execute`], with the command's metadata given (for example a holder's,
    /// which names the company of the subscription, see [`Caller::metadata_on`]).
    pub async fn execute_as<A: Executable>(
        &self,
        state: &AppState,
        id: String,
        command: A::Command,
        metadata: Metadata,
    ) -> Result<A, ApiError> {
        self.run::<A>(state, Start::Stored, id, command, metadata)
            .await
    }

    /// Like [`Caller::execute`], for an aggregate whose id was just made: the command is
    /// decided without reading its (empty) history (see [`Start::New`]).
    pub async fn create<A: Executable>(
        &self,
        state: &AppState,
        id: String,
        command: A::Command,
    ) -> Result<A, ApiError> {
        let metadata = self.metadata(state)?;
        self.run::<A>(state, Start::New, id, command, metadata)
            .await
    }

    async fn run<A: Executable>(
        &self,
        state: &AppState,
        start: Start,
        id: String,
        command: A::Command,
        metadata: Metadata,
    ) -> Result<A, ApiError> {
        let after = state
            .execute_from::<A>(start, id.clone(), command, metadata)
            .await?;
        if let Some(token) = &self.token {
            if let Err(error) = auth::remember_write(&state.pool, token, A::TYPE, &id).await {
                tracing::error!(%error, "the session's last write could not be remembered");
            }
        }
        Ok(after)
    }

    /// Whether the caller is the employee an order is for: the same phone at the same company.
    pub fn holds_order(&self, details: &OrderDetails) -> bool {
        match &self.principal {
            Some(Principal::Employee { phone, company }) => {
                *company == details.company && *phone == details.phone
            }
            Some(Principal::Holder { phone }) => *phone == details.phone,
            _ => false,
        }
    }

    /// Counts one `action` (`login`, `order`, ...) from the caller's address against `limit`;
    /// beyond it `RATE_LIMITED` with `retryAfter`.
    pub async fn rate_limit(
        &self,
        state: &AppState,
        action: &str,
        limit: Option<Limit>,
    ) -> Result<(), ApiError> {
        auth::limit_address(&state.pool, &*state.clock, action, self.address, limit)
            .await
            .map_err(ApiError::from)
    }

    /// `FORBIDDEN` unless the caller is an operator.
    pub fn require_operator(&self) -> Result<(), ApiError> {
        match self.principal()? {
            Principal::Operator { .. } => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The employee's phone and company, or `FORBIDDEN` for anyone else.
    pub fn require_employee(&self) -> Result<(&PhoneNumber, CompanyId), ApiError> {
        match self.principal()? {
            Principal::Employee { phone, company } => Ok((phone, *company)),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// `FORBIDDEN` unless the caller is an operator or an administrator of `company`.
    pub async fn manage(&self, state: &AppState, company: Uuid) -> Result<(), ApiError> {
        self.principal()?;
        if self.may_manage(state, company).await? {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Company `id` from the directory, if the caller is an operator or one of its
    /// administrators (`FORBIDDEN` otherwise, also when there is no such company; `NOT_FOUND`
    /// only for an operator). One statement for an administrator.
    pub async fn managed_company(
        &self,
        state: &AppState,
        id: Uuid,
    ) -> Result<CompanyListing, ApiError> {
        let found = match self.principal()? {
            Principal::Operator { .. } => listing::company(&state.pool, id).await?,
            Principal::Administrator { account } => {
                let today = state.clock.today();
                let found =
                    listing::company_administered_by(&state.pool, id, account.id.as_uuid(), today)
                        .await?;
                match found {
                    Some((company, true)) => Some(company),
                    _ => return Err(ApiError::forbidden()),
                }
            }
            _ => return Err(ApiError::forbidden()),
        };
        found.ok_or_else(|| ApiError::NotFound("there is no such company".into()))
    }

    /// `FORBIDDEN` unless the caller is an operator or an administrator of `company`, decided
    /// on the write side (the company's own events) rather than the directory read model, so
    /// a mutation right after a registration or an invitation is not refused while the read
    /// models catch up. Returns the company as it stands; `NOT_FOUND` when it does not exist.
    pub async fn manage_now(&self, state: &AppState, company: Uuid) -> Result<Company, ApiError> {
        self.principal()?;
        let current = state.load::<Company>(company.to_string()).await?;
        match (self.manages(&current), current.is_registered()) {
            (true, true) => Ok(current),
            (true, false) => Err(ApiError::NotFound("there is no such company".into())),
            (false, _) => Err(ApiError::forbidden()),
        }
    }

    /// Whether the caller is an operator or an administrator of `company` as its own events
    /// have it (the write side).
    pub fn manages(&self, company: &Company) -> bool {
        match &self.principal {
            Some(Principal::Operator { .. }) => true,
            Some(Principal::Administrator { account }) => {
                company.administrators.contains_key(&account.id)
            }
            _ => false,
        }
    }

    /// Whether the caller is an operator or an administrator of `company`; a failed read is an
    /// error (`INTERNAL`), never "no".
    pub async fn may_manage(&self, state: &AppState, company: Uuid) -> Result<bool, ApiError> {
        Ok(match &self.principal {
            Some(Principal::Operator { .. }) => true,
            Some(Principal::Administrator { account }) => {
                listing::is_administrator(
                    &state.pool,
                    account.id.as_uuid(),
                    company,
                    state.clock.today(),
                )
                .await?
            }
            _ => false,
        })
    }

    /// Whether the caller is the employee who holds `ticket` (through its company's order
    /// link, or personally at `/mine`).
    pub fn holds(&self, ticket: &TicketListing) -> bool {
        match &self.principal {
            Some(Principal::Employee { phone, company }) => {
                company.as_uuid() == ticket.company_id && phone.as_str() == ticket.phone
            }
            Some(Principal::Holder { phone }) => phone.as_str() == ticket.phone,
            _ => false,
        }
    }

    /// The subscription `id` if the caller may see it: its holder, an administrator of its
    /// company, or an operator. Others get `NOT_FOUND`, as if it did not exist.
    pub async fn visible_ticket(
        &self,
        state: &AppState,
        id: Uuid,
    ) -> Result<TicketListing, ApiError> {
        self.principal()?;
        let not_found = || ApiError::NotFound("there is no such subscription".to_owned());
        let ticket = listing::ticket(&state.pool, id)
            .await?
            .ok_or_else(not_found)?;
        if self.holds(&ticket) || self.may_manage(state, ticket.company_id).await? {
            Ok(ticket)
        } else {
            Err(not_found())
        }
    }
}
