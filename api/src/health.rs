//! Health checks for the orchestrator.
//!
//! - `GET /healthz` (liveness): the process is up and serving HTTP. It never touches the
//!   database, so a database outage does not get healthy processes restarted.
//! - `GET /readyz` (readiness): `200 {"status":"ready","projector":ROLE}` when all of these
//!   hold, else `503 {"status":"unavailable","projector":ROLE,"reason":"..."}` naming the first
//!   that fails:
//!   1. the database answers within [`READINESS_TIMEOUT`];
//!   2. a projector holds the database's projector lock ([`PROJECTOR_LOCK_KEY`], seen in
//!      `pg_locks`): some process, this one or another, is folding the log into the read
//!      models, so queries and read-your-writes will see new events;
//!   3. when this process runs a projector, its task is still alive (its position watch has
//!      a sender): a crashed local projector makes the instance unready even while another
//!      instance holds the lock, so the orchestrator restarts it.
//!
//! `ROLE` says what this replica's projector does, so an operator sees which replica projects:
//! `active` (it holds the projector lock), `standby` (it waits for the lock another replica
//! holds), `stopped` (its projector has returned), or `none` (this process runs no projector).
//! The gauge `bedrift_projector_active` says the same (1 on the active replica).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bedrift_projections::PROJECTOR_LOCK_KEY;
use serde_json::json;

use crate::AppState;

/// How long `/readyz` waits for the database before it reports it unreachable.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// Always `200 ok` while the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `200` when the service can serve requests with fresh read models, else `503` with the
/// reason (see the module documentation).
pub async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = readiness(&state).await;
    // Read after the checks, so that a projector that took the lock meanwhile shows as such.
    let projector = projector_role(&state);
    match readiness {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "projector": projector })),
        )
            .into_response(),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "projector": projector, "reason": reason })),
        )
            .into_response(),
    }
}

/// This process's projector's role, or `none` without one (see the module documentation).
fn projector_role(state: &AppState) -> &'static str {
    match &state.projector_role {
        Some(role) => role.borrow().as_str(),
        None => "none",
    }
}

/// Why the service is not ready, if it is not.
async fn readiness(state: &AppState) -> Result<(), &'static str> {
    if let Some(position) = &state.projected {
        if position.has_changed().is_err() {
            return Err("the projector of this process has stopped");
        }
    }
    let lock_held = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (
             SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
             WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
               AND l.classid = ($1 >> 32)::oid AND l.objid = ($1 & 4294967295)::oid
               AND l.objsubid = 1)",
    )
    .bind(PROJECTOR_LOCK_KEY)
    .fetch_one(&state.pool);
    match tokio::time::timeout(READINESS_TIMEOUT, lock_held).await {
        Err(_) => Err("the database did not answer in time"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database is unreachable");
            Err("the database is unreachable")
        }
        Ok(Ok(false)) => Err("no projector is running: read models are not being updated"),
        Ok(Ok(true)) => Ok(()),
    }
}
