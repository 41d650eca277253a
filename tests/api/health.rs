//! `/healthz` (liveness) and `/readyz` (readiness: the database answers and a projector holds
//! the projector lock, and this process's own projector, if any, is alive).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bedrift_api::auth::HashCost;
use bedrift_api::{ApiSettings, AppState};
use bedrift_domain::clock::FixedClock;
use bedrift_projections::{Projector, ProjectorSettings};
use bedrift_store::testing::TestDatabase;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::date;

/// The status and body of `GET path` on a router over `state`.
async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
    let response = bedrift_api::router(state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// `/readyz`'s status and reason, once it reports `want` (within a bound generous enough for
/// a busy machine).
async fn readiness(state: &AppState, want: StatusCode) -> (StatusCode, Value) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(state, "/readyz").await;
        if status == want || tokio::time::Instant::now() >= deadline {
            return (status, serde_json::from_str(&body).expect("a JSON body"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn state_over(db: &TestDatabase) -> AppState {
    let settings = ApiSettings {
        hash_cost: HashCost::MinimalForTests,
        ..ApiSettings::default()
    };
    AppState::new(
        db.pool().clone(),
        Arc::new(FixedClock::on(date("2026-12-10"))),
        settings,
    )
}

#[tokio::test]
async fn ready_only_while_a_projector_runs() {
    let db = TestDatabase::create().await;
    let without = state_over(&db);
    let (status, body) = readiness(&without, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "unavailable");
    assert!(
        body["reason"].as_str().unwrap().contains("no projector"),
        "{body}"
    );
    assert_eq!(
        get(&without, "/healthz").await,
        (StatusCode::OK, "ok".into())
    );

    let projector = Projector::new(db.pool().clone(), ProjectorSettings::default());
    let with = state_over(&db).with_projector(projector.position());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(projector.run(async {
        let _ = stopped.await;
    }));
    let (status, body) = readiness(&with, StatusCode::OK).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    let (status, _) = readiness(&without, StatusCode::OK).await;
    assert_eq!(status, StatusCode::OK, "another process's projector counts");

    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    let (status, body) = readiness(&with, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body["reason"].as_str().unwrap().contains("has stopped"),
        "{body}"
    );
    let (status, _) = readiness(&without, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "the lock is free");
}

#[tokio::test]
async fn unready_without_the_database_but_still_alive() {
    let db = TestDatabase::create().await;
    let state = state_over(&db);
    db.pool().close().await;
    let (status, body) = readiness(&state, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        body["reason"].as_str().unwrap().contains("database"),
        "{body}"
    );
    assert_eq!(get(&state, "/healthz").await, (StatusCode::OK, "ok".into()));
}
