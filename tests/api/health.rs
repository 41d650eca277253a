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

/// A replica: router state with its own projector, and the means to stop that projector.
struct Replica {
    state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<Result<(), bedrift_projections::ProjectionError>>,
}

fn replica(db: &TestDatabase) -> Replica {
    let projector = Projector::new(
        db.pool().clone(),
        ProjectorSettings {
            poll_interval: Duration::from_millis(100),
            ..ProjectorSettings::default()
        },
    );
    let state = state_over(db)
        .with_projector(projector.position())
        .with_projector_role(projector.role());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(projector.run(async {
        let _ = stopped.await;
    }));
    Replica {
        state,
        stop,
        running,
    }
}

/// `/readyz`'s `projector` field, once it is one of `want` (within twenty seconds).
async fn role_of(state: &AppState, want: &[&str]) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = get(state, "/readyz").await;
        let body: Value = serde_json::from_str(&body).expect("a JSON body");
        let role = body["projector"]
            .as_str()
            .expect("a projector field")
            .to_owned();
        if want.contains(&role.as_str()) || tokio::time::Instant::now() >= deadline {
            return role;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn readyz_names_the_replica_that_holds_the_projector_and_the_one_standing_by() {
    let db = TestDatabase::create().await;
    assert_eq!(
        role_of(&state_over(&db), &["none"]).await,
        "none",
        "a process without a projector says so"
    );
    let first = replica(&db);
    assert_eq!(role_of(&first.state, &["active"]).await, "active");
    let second = replica(&db);
    // The second asks for the lock at once and finds it taken; it may say `standby` before it
    // asked, too, and never `active` while the first holds the lock.
    assert_eq!(role_of(&second.state, &["standby"]).await, "standby");
    let (status, body) = readiness(&second.state, StatusCode::OK).await;
    assert_eq!(status, StatusCode::OK, "a standby replica serves: {body}");
    assert_eq!(body["projector"], "standby");
    let (status, body) = readiness(&first.state, StatusCode::OK).await;
    assert_eq!(
        (status, &body["projector"]),
        (StatusCode::OK, &"active".into())
    );

    first.stop.send(()).unwrap();
    first.running.await.unwrap().unwrap();
    assert_eq!(
        role_of(&second.state, &["active"]).await,
        "active",
        "the standby takes over the lock"
    );
    let (status, body) = readiness(&first.state, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["projector"], "stopped");

    second.stop.send(()).unwrap();
    second.running.await.unwrap().unwrap();
}

/// Runs `bedrift healthcheck --bind address` and returns whether it succeeded, and its output.
async fn healthcheck(address: std::net::SocketAddr) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_bedrift"))
        .args(["healthcheck", "--bind", &address.to_string()])
        .output()
        .await
        .expect("bedrift runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
async fn the_healthcheck_command_passes_only_on_a_healthz_that_answers_200() {
    let app = crate::helpers::TestApp::spawn("2026-12-10").await;
    let (passed, output) = healthcheck(app.address).await;
    assert!(passed, "a running server is healthy: {output}");
    // As in the image: listening on every interface, asked on loopback.
    let unspecified = std::net::SocketAddr::from(([0, 0, 0, 0], app.address.port()));
    let (passed, output) = healthcheck(unspecified).await;
    assert!(passed, "0.0.0.0 is asked on 127.0.0.1: {output}");

    let unwell = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let unwell_address = unwell.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut stream, _)) = unwell.accept().await {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let _ = stream
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let (passed, output) = healthcheck(unwell_address).await;
    assert!(!passed, "a 503 is unhealthy");
    assert!(output.contains("503"), "{output}");

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_address = closed.local_addr().unwrap();
    drop(closed);
    let (passed, output) = healthcheck(closed_address).await;
    assert!(!passed, "nothing listening is unhealthy");
    assert!(output.contains("cannot connect"), "{output}");
}
