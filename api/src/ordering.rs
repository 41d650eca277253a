//! R5 race-free: one live ticket per phone per company. Orders and creations for one (company,
//! phone) are serialised by a transaction-scoped advisory lock. Under the lock the task waits
//! until the read models have passed every committed event (so an order that held the lock
//! before is visible), reads the phone's other subscriptions from the tickets read model,
//! runs the command and waits for its own events to be projected; only then is the lock
//! released. All of it runs in its own task, so a client hanging up cannot cut it short; and
//! at most half the pool's connections are held by such locks at once (see
//! `AppState::placements`), so the commands and the projector always find a connection.

use bedrift_domain::metadata::Metadata;
use bedrift_domain::subscription::{
    OrderStatus, OtherSubscription, Subscription, SubscriptionCommand,
};
use bedrift_domain::values::{CompanyId, PhoneNumber, SubscriptionId};
use bedrift_projections::listing;
use tracing::Instrument;

use crate::graphql::ApiError;
use crate::AppState;

/// The phone's other subscriptions at the company, as R5 sees them.
async fn others(
    state: &AppState,
    company: CompanyId,
    phone: &PhoneNumber,
) -> Result<Vec<OtherSubscription>, ApiError> {
    let rows = listing::tickets_of_phone(&state.pool, company.as_uuid(), phone.as_str()).await?;
    Ok(rows
        .into_iter()
        .map(|row| OtherSubscription {
            live: OrderStatus::from_code(&row.order_status).is_some_and(OrderStatus::is_live),
            end_date: row.end_date,
        })
        .collect())
}

/// Runs the order or creation that `command` builds from the phone's other subscriptions, as a
/// new subscription, under the (company, phone) lock. Returns the new subscription's id.
pub async fn place(
    state: &AppState,
    company: CompanyId,
    phone: PhoneNumber,
    command: impl FnOnce(Vec<OtherSubscription>) -> SubscriptionCommand + Send + 'static,
    metadata: Metadata,
) -> Result<SubscriptionId, ApiError> {
    let state = state.clone();
    let task = tokio::spawn(
        async move {
            let _placing = state
                .placements
                .acquire()
                .await
                .map_err(|e| ApiError::internal(&e))?;
            let mut lock = state.pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(format!("order:{company}:{phone}"))
                .execute(&mut *lock)
                .await?;
            state.wait_for_head().await?;
            let others = others(&state, company, &phone).await?;
            let id = SubscriptionId::new();
            let outcome = state
                .execute::<Subscription>(id.to_string(), command(others), metadata)
                .await;
            lock.commit().await?;
            outcome.map(|()| id)
        }
        // The request's span (and so its correlation id) goes along into the task.
        .instrument(tracing::Span::current()),
    );
    task.await.map_err(|e| ApiError::internal(&e))?
}
