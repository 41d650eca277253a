//! Health checks for the orchestrator.
//!
//! - `GET /healthz` (liveness): the process is up and serving HTTP. It never touches the
//!   database, so a database outage does not get healthy processes restarted.
//! - `GET /readyz` (readiness): `200 {"status":"ready"}` when all of these hold, else
//!   `503 {"status":"unavailable","reason":"..."}` naming the first that fails:
//!   1. the database answers within [`READINESS_TIMEOUT`];
//!   2. a projector holds the database's projector lock ([`PROJECTOR_LOCK_KEY`], seen in
//!      `pg_locks`): some process, this one or another, is folding the log into the read
//!      models, so queries and read-your-writes will see new events;
//!   3. when this process runs a projector, its task is still alive (its position watch has
//!      a sender): a crashed local projector makes the instance unready even while another
//!      instance holds the lock, so the orchestrator restarts it.

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
    match readiness(&state).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready" }))).into_response(),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": reason })),
        )
            .into_response(),
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
