//! API keys for ticketing and finance systems (operators only): made with scopes and shown
//! once, revoked at any time.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use super::input::uuid;
use crate::auth::Principal;
use crate::feed::keys::{self, Scope};
use crate::graphql::context::parts;
use crate::graphql::ApiError;

/// What an API key may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ApiKeyScope {
    /// `GET /feed/tickets`, the pull feed of ticket events.
    FeedRead,
    /// The payroll and invoice reports under `/reports`.
    ReportsRead,
}

impl From<ApiKeyScope> for Scope {
    fn from(scope: ApiKeyScope) -> Self {
        match scope {
            ApiKeyScope::FeedRead => Self::FeedRead,
            ApiKeyScope::ReportsRead => Self::ReportsRead,
        }
    }
}

/// A new API key; the key itself is shown only here.
#[derive(Debug, SimpleObject)]
pub struct CreatedApiKey {
    /// The key's id, for revoking it.
    pub id: ID,
    /// The key (`bbk_...`), sent as `Authorization: Bearer <key>`. Stored only hashed: copy it
    /// now, it cannot be shown again.
    pub key: String,
}

/// API key mutations.
#[derive(Debug, Default)]
pub struct ApiKeyMutations;

#[Object]
impl ApiKeyMutations {
    /// Makes an API key with `scopes` (operators only).
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the key is for, e.g. the system that uses it (1-100 characters).")]
        name: String,
        #[graphql(desc = "What the key may read; at least one.")] scopes: Vec<ApiKeyScope>,
    ) -> Result<CreatedApiKey> {
        let (state, caller) = parts(ctx);
        let Principal::Operator { account } = caller.principal()? else {
            return Err(ApiError::forbidden().into());
        };
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.contains('\0') {
            return Err(ApiError::bad_input("name", "1-100 characters").into());
        }
        if scopes.is_empty() {
            return Err(ApiError::bad_input("scopes", "at least one scope").into());
        }
        let mut scopes: Vec<Scope> = scopes.into_iter().map(Scope::from).collect();
        scopes.dedup();
        let (id, key) = keys::create(
            &state.pool,
            &*state.clock,
            account.id.as_uuid(),
            name,
            &scopes,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(CreatedApiKey {
            id: ID(id.to_string()),
            key,
        })
    }

    /// Revokes an API key at once (operators only); `NOT_FOUND` for an unknown or already
    /// revoked key.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's id.")] id: ID,
    ) -> Result<bool> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let id = uuid(&id, "id")?;
        if !keys::revoke(&state.pool, &*state.clock, id)
            .await
            .map_err(ApiError::from)?
        {
            return Err(ApiError::NotFound("there is no such live API key".into()).into());
        }
        Ok(true)
    }
}
