//! Sending a ticket's link again (administrators and operators).

use async_graphql::{Context, Object, Result, ID};

use bedrift_domain::subscription::Subscription;

use super::input::uuid;
use crate::graphql::context::parts;
use crate::graphql::types::subscription::SubscriptionView;
use crate::graphql::ApiError;
use crate::tickets::{resend, CardStatus};

/// Ticket link mutations.
#[derive(Debug, Default)]
pub struct TicketMutations;

#[Object]
impl TicketMutations {
    /// Sends the holder a new link to the ticket's page by SMS; the previous link stops working
    /// at once. Only for an approved ticket that has not ended (`INVALID_STATE` otherwise);
    /// administrators of the company and operators.
    async fn resend_ticket_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscription whose ticket link is sent again.")] id: ID,
    ) -> Result<SubscriptionView> {
        let (state, caller) = parts(ctx);
        let id = uuid(&id, "id")?;
        let row = caller.visible_ticket(state, id).await?;
        caller.manage(state, row.company_id).await?;
        if !CardStatus::of(&row, state.clock.today()).is_valid_now_or_later() {
            return Err(ApiError::InvalidState(
                "only an approved ticket that has not ended has a link to send".to_owned(),
            )
            .into());
        }
        // The language of the order, from the write side (the listing does not keep it).
        let language = match state.load::<Subscription>(id.to_string()).await? {
            Subscription::Ordered(ordered) => ordered.details.language,
            Subscription::NotOrdered => {
                return Err(ApiError::NotFound("no such ticket".to_owned()).into())
            }
        };
        resend::send_again(state, &row, language)
            .await
            .map_err(ApiError::from)?;
        Ok(SubscriptionView::new(row, state.clock.today()))
    }
}
