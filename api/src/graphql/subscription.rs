//! The GraphQL subscriptions, served over the websocket at `/graphql/ws` (graphql-transport-ws):
//! `approvalQueueChanged`. The caller is authenticated from the `connection_init` payload
//! (`{"authorization": "Bearer <token>"}`, see [`super::socket`]); authorisation is checked
//! when a subscription starts. The queue is read by one watcher per company, shared by all the
//! subscriptions that follow it (see [`super::queue_watch`]).

use async_graphql::{Context, Result, SimpleObject, Subscription, ID};
use bedrift_projections::listing;
use futures::Stream;

use super::context::parts;
use super::queue_watch::Latest;
use super::types::subscription::SubscriptionView;
use super::{parse_id, ApiError};

/// Everything that can be followed over the websocket.
#[derive(Debug, Default)]
pub struct SubscriptionRoot;

/// A company's approval queue after it changed.
#[derive(Debug, Clone, SimpleObject)]
pub struct ApprovalQueueChange {
    /// The company.
    pub company_id: ID,
    /// How many orders wait for a decision.
    pub pending_count: i32,
    /// The oldest pending orders and zone change requests (at most 20), oldest first: the
    /// queue's first page (a request's subscription shows it in `zoneChangeRequest`).
    pub orders: Vec<SubscriptionView>,
}

#[Subscription]
impl SubscriptionRoot {
    /// The company's approval queue: first as it is now, then again each time the projector
    /// has applied a batch that changed it (an order arrived, was decided or withdrawn). For
    /// operators and the company's administrators.
    async fn approval_queue_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company whose queue to follow.")] company_id: ID,
    ) -> Result<impl Stream<Item = ApprovalQueueChange>> {
        let (state, caller) = parts(ctx);
        let company = parse_id(&company_id, "companyId")?;
        caller.manage(state, company).await?;
        listing::company(&state.pool, company)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound("there is no such company".into()))?;
        let latest = state.queue_watchers.follow(state, company);
        Ok(futures::stream::unfold(
            (latest, true),
            |(mut latest, first)| async move {
                // The queue as it is now, if the watcher has read it already; then each change.
                if first {
                    if let Some(change) = current(&mut latest) {
                        return Some((change, (latest, false)));
                    }
                }
                loop {
                    latest.changed().await.ok()?;
                    if let Some(change) = current(&mut latest) {
                        return Some((change, (latest, false)));
                    }
                }
            },
        ))
    }
}

/// The latest change, marked as seen.
fn current(latest: &mut Latest) -> Option<ApprovalQueueChange> {
    latest.borrow_and_update().as_deref().cloned()
}
