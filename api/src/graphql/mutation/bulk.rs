//! Work on many subscriptions at once from the approval queue: `approveSubscriptions`. Each
//! subscription is approved exactly as `approveSubscription` approves it (same authorisation,
//! same rule R7, its own event with who and when); one that cannot be approved is reported with
//! its code and does not stop the others.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use bedrift_domain::subscription::SubscriptionCommand;
use futures::stream::{self, StreamExt};

use super::subscription::{act, Allowed};
use crate::graphql::context::parts;
use crate::graphql::types::subscription::SubscriptionView;
use crate::graphql::ApiError;

/// The most subscriptions one call takes.
pub const MAX_BULK: usize = 500;

/// How many approvals run at once: each waits for the read models, so a few in flight keep a
/// large selection quick without crowding the pool.
const IN_FLIGHT: usize = 8;

/// Bulk mutations.
#[derive(Debug, Default)]
pub struct BulkMutations;

/// A subscription a bulk mutation could not change.
#[derive(Debug, Clone, SimpleObject)]
pub struct BulkFailure {
    /// The subscription, as given.
    pub id: ID,
    /// The error code it would have had alone, e.g. `INVALID_STATE` (no longer pending).
    pub code: String,
    /// Why, for people.
    pub message: String,
}

/// What a bulk approval did.
#[derive(SimpleObject)]
pub struct BulkApproval {
    /// The subscriptions approved, in the order given.
    pub approved: Vec<SubscriptionView>,
    /// Those that were not, in the order given, each with why.
    pub failed: Vec<BulkFailure>,
}

#[Object]
impl BulkMutations {
    /// Approves many pending orders (R7), e.g. those selected in the approval queue or all it
    /// shows: each exactly as `approveSubscription` would, at most 500 ids (repeats count
    /// once). Those that cannot be approved (no longer pending, not the caller's, unknown) are
    /// listed in `failed` with their code; the others are approved regardless.
    async fn approve_subscriptions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subscriptions, 1-500.")] ids: Vec<ID>,
    ) -> Result<BulkApproval> {
        let (state, caller) = parts(ctx);
        let by = caller.actor()?;
        let mut unique: Vec<ID> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        if unique.is_empty() || unique.len() > MAX_BULK {
            return Err(ApiError::bad_input("ids", "give 1-500 subscriptions").into());
        }
        let outcomes: Vec<(ID, Result<SubscriptionView, ApiError>)> = stream::iter(unique)
            .map(|id| {
                let command = SubscriptionCommand::Approve { by: by.clone() };
                async move {
                    let outcome = act(state, caller, &id, Allowed::Managers, command).await;
                    (id, outcome)
                }
            })
            .buffered(IN_FLIGHT)
            .collect()
            .await;
        let mut approval = BulkApproval {
            approved: Vec::new(),
            failed: Vec::new(),
        };
        for (id, outcome) in outcomes {
            match outcome {
                Ok(view) => approval.approved.push(view),
                Err(error) => approval.failed.push(BulkFailure {
                    id,
                    code: error.code().to_owned(),
                    message: error.to_string(),
                }),
            }
        }
        Ok(approval)
    }
}
