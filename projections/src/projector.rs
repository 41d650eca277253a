//! The projector: one per database (advisory lock), it folds the event log into every read
//! model in batches (queueing the messages the events cause in the same transactions), wakes on
//! `NOTIFY events` (and looks again soon while a running transaction holds committed events
//! back) with a slow poll as fallback, and stops after its current batch on shutdown.

use std::future::Future;
use std::time::{Duration, Instant};

use bedrift_store::LogPosition;
use sqlx::postgres::PgListener;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::watch;

use crate::batch::{apply_next_batch_notifying, projected_position};
use crate::notifications::NotificationSettings;
use crate::read_models::ReadModel;
use crate::role::ProjectorRole;
use crate::ProjectionError;

/// The advisory lock key that makes the projector a single writer per database.
pub const PROJECTOR_LOCK_KEY: i64 = 0x6265_6472_6966_7450;

/// How the projector batches and waits.
#[derive(Debug, Clone)]
pub struct ProjectorSettings {
    /// Most events per batch (one transaction).
    pub batch_size: i64,
    /// The slow poll, in case a notification was missed.
    pub poll_interval: Duration,
    /// How event-driven messages are written; `None` queues none (they wait, under their own
    /// checkpoint, for a projector that queues them).
    pub notifications: Option<NotificationSettings>,
}

impl Default for ProjectorSettings {
    fn default() -> Self {
        Self {
            batch_size: 2_000,
            poll_interval: Duration::from_secs(2),
            notifications: Some(NotificationSettings::default()),
        }
    }
}

/// Folds the log into the read models.
#[derive(Debug)]
pub struct Projector {
    pool: PgPool,
    settings: ProjectorSettings,
    position: watch::Sender<LogPosition>,
    role: watch::Sender<ProjectorRole>,
}

impl Projector {
    /// A projector over `pool`'s database.
    pub fn new(pool: PgPool, settings: ProjectorSettings) -> Self {
        Self {
            pool,
            settings,
            position: watch::channel(LogPosition::START).0,
            role: watch::channel(ProjectorRole::Standby).0,
        }
    }

    /// The position every read model has passed, updated after each batch this projector
    /// commits: what read-your-writes waits on in this process.
    pub fn position(&self) -> watch::Receiver<LogPosition> {
        self.position.subscribe()
    }

    /// Whether this projector stands by, holds the lock, or has stopped: what `/readyz` and
    /// the gauge `bedrift_projector_active` report.
    pub fn role(&self) -> watch::Receiver<ProjectorRole> {
        self.role.subscribe()
    }

    /// Runs until `shutdown` completes, then returns after finishing the batch in hand.
    /// Waits (without projecting) while another projector holds the database's lock.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ProjectionError> {
        self.set_role(ProjectorRole::Standby);
        let result = self.project(shutdown).await;
        self.set_role(ProjectorRole::Stopped);
        result
    }

    fn set_role(&self, role: ProjectorRole) {
        role.record();
        self.role.send_replace(role);
    }

    async fn project(&self, shutdown: impl Future<Output = ()>) -> Result<(), ProjectionError> {
        tokio::pin!(shutdown);
        let mut lock = PgConnection::connect_with(&self.pool.connect_options()).await?;
        loop {
            let (acquired,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                .bind(PROJECTOR_LOCK_KEY)
                .fetch_one(&mut lock)
                .await?;
            if acquired {
                break;
            }
            tracing::info!("another projector holds the lock; standing by");
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        self.set_role(ProjectorRole::Active);
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen("events").await?;
        self.position
            .send_replace(projected_position(&self.pool).await?);
        tracing::info!(position = %*self.position.borrow(), "projector started");
        let mut retry = HELD_BACK_FIRST_RETRY;
        loop {
            drain_received(&mut listener);
            let started = Instant::now();
            let (count, last) = apply_next_batch_notifying(
                &self.pool,
                &ReadModel::ALL,
                self.settings.notifications.as_ref(),
                self.settings.batch_size,
            )
            .await?;
            if count > 0 {
                self.position.send_replace(last);
                tracing::debug!(count, position = %last, elapsed_ms = started.elapsed().as_millis() as u64, "batch applied");
                if futures_now(&mut shutdown) {
                    break;
                }
                retry = HELD_BACK_FIRST_RETRY;
                continue;
            }
            // Committed events that an older, still running transaction holds back come with
            // no second notification when that transaction ends (it may write no events), so
            // look again soon rather than at the slow poll.
            let wait = if held_back(&self.pool).await? {
                let wait = retry;
                retry = (retry * 2).min(HELD_BACK_LAST_RETRY);
                wait
            } else {
                retry = HELD_BACK_FIRST_RETRY;
                self.settings.poll_interval
            };
            tokio::select! {
                () = &mut shutdown => break,
                notification = listener.try_recv() => {
                    if let Err(error) = notification {
                        tracing::warn!(%error, "lost the notification connection; polling until it is back");
                    }
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!(position = %*self.position.borrow(), "projector stopped");
        lock.close().await?;
        Ok(())
    }
}

/// The first wait before looking again at events held back by a running transaction; it
/// doubles up to [`HELD_BACK_LAST_RETRY`] while they stay held back.
const HELD_BACK_FIRST_RETRY: Duration = Duration::from_millis(2);
/// The longest wait between looks at held-back events.
const HELD_BACK_LAST_RETRY: Duration = Duration::from_millis(100);

/// Whether committed events exist that are not safe to read yet: written by a transaction
/// that is not older than every running one (see [`crate::batch::read_safe`]).
async fn held_back(pool: &PgPool) -> Result<bool, ProjectionError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM events
                        WHERE events.tx_id >= event_log_horizon())",
    )
    .fetch_one(pool)
    .await?)
}

/// Consumes, without waiting, the notifications already received. Each says that events were
/// committed before it arrived, so before the batch that follows starts: that batch reads them
/// (or finds them held back, and looks again). Answering each one with a look of its own cost
/// a whole empty batch per event written during the previous batch (measured: 4,740 looks
/// for 810 batches under `bench load --clients 16`).
fn drain_received(listener: &mut PgListener) {
    use futures::FutureExt;
    while let Some(Ok(Some(_))) = listener.try_recv().now_or_never() {}
}

/// Whether `shutdown` has completed, without waiting for it.
fn futures_now<F: Future<Output = ()> + Unpin>(shutdown: &mut F) -> bool {
    let waker = std::task::Waker::noop();
    let mut context = std::task::Context::from_waker(waker);
    std::pin::Pin::new(shutdown).poll(&mut context).is_ready()
}

/// Waits until every read model has passed `position`, or `timeout` elapses. Uses this
/// process's projector when given, else polls the checkpoints.
pub async fn wait_for_position(
    pool: &PgPool,
    local: Option<&mut watch::Receiver<LogPosition>>,
    position: LogPosition,
    timeout: Duration,
) -> Result<(), ProjectionError> {
    let deadline = tokio::time::Instant::now() + timeout;
    if let Some(receiver) = local {
        return match tokio::time::timeout_at(deadline, receiver.wait_for(|p| *p >= position)).await
        {
            Ok(Ok(_)) => Ok(()),
            _ => Err(ProjectionError::Timeout(position)),
        };
    }
    loop {
        if projected_position(pool).await? >= position {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ProjectionError::Timeout(position));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
