//! `GET /healthz`: the process is up and serving HTTP (liveness; it does not touch the
//! database, which is `/readyz`'s job).

/// Always `200 ok` while the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}
