//! Webhook endpoints for ticketing and back-office systems (operators only): made with the
//! event types they want and a signing secret shown once, listed, and disabled.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use bedrift_projections::webhooks::WebhookEvent;

use super::input::uuid;
use crate::auth::Principal;
use crate::feed::webhooks::{self, Endpoint, EndpointError};
use crate::graphql::context::parts;
use crate::graphql::scalars::DateTime;
use crate::graphql::ApiError;

/// What a webhook tells (its payload's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "bedrift_projections::webhooks::WebhookEvent")]
pub enum WebhookEventType {
    /// `ticket.issued`: an order was approved.
    TicketIssued,
    /// `ticket.zones_changed`: a ticket's zones changed.
    ZonesChanged,
    /// `ticket.cancelled`: a ticket was cancelled; its `end_date` is the last valid day.
    Cancelled,
    /// `ticket.cancellation_withdrawn`: a cancellation was undone; the ticket runs on.
    CancellationWithdrawn,
    /// `ticket.ended`: a cancellation ended a ticket before its first valid day.
    Ended,
    /// `employee.details_changed`: an administrator corrected the holder's details.
    EmployeeDetailsChanged,
}

/// An endpoint that is sent webhooks (its secret is never shown again).
#[derive(Debug, SimpleObject)]
pub struct WebhookEndpoint {
    /// The endpoint's id.
    pub id: ID,
    /// Where deliveries are posted.
    pub url: String,
    /// What it is sent.
    pub event_types: Vec<WebhookEventType>,
    /// When it was made.
    pub created_at: DateTime,
    /// When it was disabled; null while it gets deliveries.
    pub disabled_at: Option<DateTime>,
}

impl From<Endpoint> for WebhookEndpoint {
    fn from(endpoint: Endpoint) -> Self {
        Self {
            id: ID(endpoint.id.to_string()),
            url: endpoint.url,
            event_types: endpoint.event_types.into_iter().map(Into::into).collect(),
            created_at: DateTime(endpoint.created_at),
            disabled_at: endpoint.disabled_at.map(DateTime),
        }
    }
}

/// A new webhook endpoint; its secret is shown only here.
#[derive(Debug, SimpleObject)]
pub struct CreatedWebhookEndpoint {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_<base64>`, Standard Webhooks): receivers check each
    /// delivery's `webhook-signature` with it. Copy it now, it cannot be shown again.
    pub secret: String,
}

/// Webhook endpoint mutations.
#[derive(Debug, Default)]
pub struct WebhookMutations;

#[Object]
impl WebhookMutations {
    /// Makes a webhook endpoint (operators only). It is sent the events of the chosen types
    /// that the projector handles from now on, each signed with its secret.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where to post deliveries: an http:// or https:// URL.")] url: String,
        #[graphql(desc = "What to send; at least one.")] event_types: Vec<WebhookEventType>,
        #[graphql(
            desc = "The signing secret, `whsec_` and the base64 of 24-64 random bytes; a new \
                    random one when left out."
        )]
        secret: Option<String>,
    ) -> Result<CreatedWebhookEndpoint> {
        let (state, caller) = parts(ctx);
        let Principal::Operator { account } = caller.principal()? else {
            return Err(ApiError::forbidden().into());
        };
        let kinds: Vec<WebhookEvent> = event_types.into_iter().map(Into::into).collect();
        let made = webhooks::create(
            &state.pool,
            &*state.clock,
            account.id.as_uuid(),
            &url,
            secret.as_deref(),
            &kinds,
        )
        .await;
        let (endpoint, secret) = match made {
            Ok(made) => made,
            Err(error @ EndpointError::Url) => {
                return Err(ApiError::bad_input("url", error.to_string()).into())
            }
            Err(error @ EndpointError::Secret) => {
                return Err(ApiError::bad_input("secret", error.to_string()).into())
            }
            Err(error @ EndpointError::NoEvents) => {
                return Err(ApiError::bad_input("eventTypes", error.to_string()).into())
            }
            Err(EndpointError::Database(error)) => return Err(ApiError::from(error).into()),
        };
        Ok(CreatedWebhookEndpoint {
            endpoint: endpoint.into(),
            secret,
        })
    }

    /// Disables a webhook endpoint at once (operators only): it is sent nothing more, not even
    /// deliveries still queued. `NOT_FOUND` for an unknown or already disabled endpoint.
    async fn disable_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's id.")] id: ID,
    ) -> Result<bool> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        let id = uuid(&id, "id")?;
        if !webhooks::disable(&state.pool, &*state.clock, id)
            .await
            .map_err(ApiError::from)?
        {
            return Err(
                ApiError::NotFound("there is no such enabled webhook endpoint".into()).into(),
            );
        }
        Ok(true)
    }
}
