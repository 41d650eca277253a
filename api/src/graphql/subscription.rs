//! The GraphQL subscriptions, served over the websocket at `/graphql/ws` (graphql-transport-ws):
//! `approvalQueueChanged`. The caller is authenticated from the `connection_init` payload
//! (`{"authorization": "Bearer <token>"}`, see [`super::socket`]); authorisation is checked
//! when a subscription starts.
//!
//! Changes are found without polling the queue: after each batch the projector publishes its
//! position (`AppState::projected`), and only then is the company's queue read again. Without
//! a projector in this process the checkpoints are read every [`POLL_INTERVAL`] instead.

use std::time::Duration;

use async_graphql::{Context, Result, SimpleObject, Subscription, ID};
use bedrift_projections::{listing, projected_position, LogPosition};
use futures::Stream;
use sqlx::FromRow;
use tokio::sync::watch;
use uuid::Uuid;

use super::context::parts;
use super::types::subscription::SubscriptionView;
use super::{parse_id, ApiError};
use crate::AppState;

/// How often the checkpoints are read when no projector runs in this process.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How many of the oldest pending orders a change carries (the queue's first page).
const FIRST_PAGE: i64 = 20;

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
        let mut wake = state.projected.clone();
        if let Some(receiver) = &mut wake {
            receiver.borrow_and_update();
        }
        let watcher = QueueWatcher {
            wake,
            state: state.clone(),
            company,
            seen: None,
            started: false,
            polled: LogPosition::START,
        };
        Ok(futures::stream::unfold(watcher, |mut watcher| async move {
            loop {
                if watcher.started {
                    watcher.wait_for_batch().await;
                }
                watcher.started = true;
                // A failed read is logged (as `INTERNAL`) and retried after the next batch.
                if let Ok(Some(change)) = watcher.change().await {
                    return Some((change, watcher));
                }
            }
        }))
    }
}

/// What identifies a queue's content cheaply: the number of orders, the newest order's log
/// position and the sum of all positions (an order leaving or arriving changes at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
struct QueueMark {
    count: i64,
    newest: i64,
    total: i64,
}

/// Follows one company's queue for one websocket subscription.
struct QueueWatcher {
    state: AppState,
    company: Uuid,
    wake: Option<watch::Receiver<LogPosition>>,
    seen: Option<QueueMark>,
    started: bool,
    polled: LogPosition,
}

impl QueueWatcher {
    /// Returns after the projector's next batch; polls the checkpoints when no projector runs
    /// in this process (or it has stopped).
    async fn wait_for_batch(&mut self) {
        if let Some(receiver) = &mut self.wake {
            if receiver.changed().await.is_ok() {
                return;
            }
            self.wake = None;
        }
        loop {
            tokio::time::sleep(POLL_INTERVAL).await;
            match projected_position(&self.state.pool).await {
                Ok(position) if position != self.polled => {
                    self.polled = position;
                    return;
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot read the projector's checkpoints"),
            }
        }
    }

    /// The queue, when it differs from what was last sent.
    async fn change(&mut self) -> Result<Option<ApprovalQueueChange>, ApiError> {
        let pool = &self.state.pool;
        let mark: QueueMark = sqlx::query_as(
            "SELECT count(*) AS count, coalesce(max(position), 0) AS newest,
                    coalesce(sum(position), 0)::bigint AS total
             FROM approval_queue WHERE company_id = $1",
        )
        .bind(self.company)
        .fetch_one(pool)
        .await?;
        if self.seen == Some(mark) {
            return Ok(None);
        }
        let today = self.state.clock.today();
        let orders = listing::approval_queue_page(pool, self.company, None, FIRST_PAGE).await?;
        self.seen = Some(mark);
        Ok(Some(ApprovalQueueChange {
            company_id: ID(self.company.to_string()),
            pending_count: i32::try_from(mark.count).unwrap_or(i32::MAX),
            orders: orders
                .into_iter()
                .map(|item| SubscriptionView::new(item.ticket, today))
                .collect(),
        }))
    }
}
