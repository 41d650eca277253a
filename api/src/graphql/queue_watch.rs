//! One watcher per company behind `approvalQueueChanged`: however many websocket subscriptions
//! follow a company's queue, in this process one task reads that queue after each projector
//! batch and hands the change to all of them. The task starts with the first subscription of
//! the company and stops when its last one ends.
//!
//! Changes are found without polling the queue: after each batch the projector publishes its
//! position (`AppState::projected`), and only then is the queue's mark (count and positions)
//! read; its first page only when the mark moved. Without a projector in this process the
//! checkpoints are read every [`POLL_INTERVAL`] instead.
//!
//! The reads are counted for `/metrics` (`bedrift_approval_queue_reads_total`, per process).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::ID;
use bedrift_projections::listing::{self, QueueMark};
use bedrift_projections::{projected_position, LogPosition, ProjectionError};
use tokio::sync::watch;
use uuid::Uuid;

use super::subscription::ApprovalQueueChange;
use super::types::subscription::SubscriptionView;
use crate::AppState;

/// How often the checkpoints are read when no projector runs in this process.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How many of the oldest pending orders a change carries (the queue's first page).
const FIRST_PAGE: i64 = 20;

/// The latest change of one company's queue; `None` until the first read.
pub type Latest = watch::Receiver<Option<Arc<ApprovalQueueChange>>>;

/// The running watchers of this process, one per company followed, and what they read.
#[derive(Debug, Default)]
pub struct QueueWatchers {
    running: Mutex<HashMap<Uuid, watch::Sender<Option<Arc<ApprovalQueueChange>>>>>,
    /// Reads of a queue's mark (one per watched company per projector batch).
    checks: AtomicU64,
    /// Reads of a queue's first page (one per watched company per change).
    pages: AtomicU64,
}

impl QueueWatchers {
    /// Follows `company`'s queue: joins its running watcher, or starts one.
    pub fn follow(self: &Arc<Self>, state: &AppState, company: Uuid) -> Latest {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = running.get(&company) {
            // Not closed: it has a receiver, and holding the lock keeps its task from ending
            // before ours is added.
            if !sender.is_closed() {
                return sender.subscribe();
            }
        }
        let (sender, receiver) = watch::channel(None);
        running.insert(company, sender.clone());
        let watcher = Watcher::new(self.clone(), state.clone(), company);
        tokio::spawn(watcher.run(sender));
        receiver
    }

    /// The counters in Prometheus's text format, for `/metrics`.
    pub fn render(&self) -> String {
        let watched = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter(|s| !s.is_closed())
            .count();
        let mut text = String::new();
        let _ = writeln!(
            text,
            "# HELP bedrift_approval_queue_reads_total Reads of approval queues for websocket \
             subscriptions: `check` after each projector batch, `page` when a queue changed; \
             one per company, however many subscriptions follow it.\n\
             # TYPE bedrift_approval_queue_reads_total counter\n\
             bedrift_approval_queue_reads_total{{read=\"check\"}} {}\n\
             bedrift_approval_queue_reads_total{{read=\"page\"}} {}",
            self.checks.load(Ordering::Relaxed),
            self.pages.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            text,
            "# HELP bedrift_approval_queue_watchers Companies whose approval queue is followed \
             over websockets now.\n\
             # TYPE bedrift_approval_queue_watchers gauge\n\
             bedrift_approval_queue_watchers {watched}"
        );
        text
    }

    /// Forgets `company`'s watcher if nobody follows it any more (a newer one that has
    /// subscribers stays).
    fn forget_if_unfollowed(&self, company: Uuid) {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if running.get(&company).is_some_and(watch::Sender::is_closed) {
            running.remove(&company);
        }
    }
}

/// Follows one company's queue for all its subscriptions.
struct Watcher {
    watchers: Arc<QueueWatchers>,
    state: AppState,
    company: Uuid,
    wake: Option<watch::Receiver<LogPosition>>,
    seen: Option<QueueMark>,
    polled: LogPosition,
}

impl Watcher {
    fn new(watchers: Arc<QueueWatchers>, state: AppState, company: Uuid) -> Self {
        let mut wake = state.projected.clone();
        if let Some(receiver) = &mut wake {
            receiver.borrow_and_update();
        }
        Self {
            watchers,
            state,
            company,
            wake,
            seen: None,
            polled: LogPosition::START,
        }
    }

    /// Reads the queue now and after every batch, and sends each change, until nobody
    /// follows it.
    async fn run(mut self, sender: watch::Sender<Option<Arc<ApprovalQueueChange>>>) {
        loop {
            match self.change().await {
                Ok(Some(change)) => {
                    sender.send_replace(Some(Arc::new(change)));
                }
                Ok(None) => {}
                // Retried after the next batch.
                Err(error) => tracing::warn!(%error, company = %self.company,
                    "cannot read the approval queue"),
            }
            tokio::select! {
                () = self.wait_for_batch() => {}
                () = sender.closed() => break,
            }
        }
        self.watchers.forget_if_unfollowed(self.company);
    }

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
    async fn change(&mut self) -> Result<Option<ApprovalQueueChange>, ProjectionError> {
        let pool = &self.state.pool;
        self.watchers.checks.fetch_add(1, Ordering::Relaxed);
        let mark = listing::approval_queue_mark(pool, self.company).await?;
        if self.seen == Some(mark) {
            return Ok(None);
        }
        self.watchers.pages.fetch_add(1, Ordering::Relaxed);
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
