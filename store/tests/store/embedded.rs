//! The private server: data that persists between starts, and a server that stops when the
//! process holding it is killed (SIGKILL, so no destructor runs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bedrift_store::embedded::{EmbeddedServer, ServerMode};
use sqlx::{Connection, PgConnection};

/// Set for the child process of the SIGKILL test: the folder to run its server in.
const HOLD_DIR: &str = "BEDRIFT_TEST_HOLD_DIR";

/// A folder under /tmp that the `postgres` user can enter (when we are root).
fn scratch_dir() -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = PathBuf::from(format!(
        "/tmp/bedrift-test-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    ));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("mode");
    dir
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_persistent_server_keeps_its_data_between_starts() {
    let scratch = scratch_dir();
    let data = scratch.join("data");

    let server = EmbeddedServer::start(ServerMode::Persistent(data.clone()))
        .await
        .expect("first start");
    let mut connection = PgConnection::connect_with(&server.connect_options())
        .await
        .expect("connect");
    sqlx::raw_sql("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')")
        .execute(&mut connection)
        .await
        .expect("write");
    connection.close().await.expect("close");
    server.stop().await.expect("stop");
    assert!(
        !data.join("postmaster.pid").exists(),
        "the server shut down cleanly"
    );

    let server = EmbeddedServer::start(ServerMode::Persistent(data.clone()))
        .await
        .expect("second start");
    let mut connection = PgConnection::connect_with(&server.connect_options())
        .await
        .expect("connect");
    let value: String = sqlx::query_scalar("SELECT value FROM kept")
        .fetch_one(&mut connection)
        .await
        .expect("read");
    assert_eq!(value, "still here");
    connection.close().await.expect("close");
    let socket_dir = server.socket_dir().to_owned();
    server.stop().await.expect("stop");
    assert!(!socket_dir.exists(), "the socket folder is removed");

    std::fs::remove_dir_all(&scratch).expect("clean up");
}

#[tokio::test]
async fn a_temporary_server_removes_its_folder_when_dropped() {
    let server = EmbeddedServer::start(ServerMode::Temporary)
        .await
        .expect("start");
    let data = server.data_dir().to_owned();
    assert!(data.join("PG_VERSION").exists());

    drop(server);

    wait_for("the folder to go", Duration::from_secs(20), || {
        !data.exists()
    })
    .await;
}

#[tokio::test]
async fn the_server_stops_when_the_process_holding_it_is_killed() {
    let scratch = scratch_dir();
    let data = scratch.join("data");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "embedded::holds_a_server_until_killed",
            "--ignored",
        ])
        .env(HOLD_DIR, &scratch)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("child");

    let ready = scratch.join("ready");
    wait_for("the child's server", Duration::from_secs(60), || {
        ready.exists()
    })
    .await;
    assert!(data.join("postmaster.pid").exists(), "the server runs");

    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let lock = data.join("postmaster.pid");
    wait_for("the server to stop", Duration::from_secs(20), || {
        !lock.exists()
    })
    .await;
    std::fs::remove_dir_all(&scratch).expect("clean up");
}

/// Not a test on its own: the child process of the test above.
#[tokio::test]
#[ignore = "run by the_server_stops_when_the_process_holding_it_is_killed"]
async fn holds_a_server_until_killed() {
    let Some(scratch) = std::env::var_os(HOLD_DIR).map(PathBuf::from) else {
        return;
    };
    let server = EmbeddedServer::start(ServerMode::Persistent(scratch.join("data")))
        .await
        .expect("start");
    mark_ready(&scratch);
    tokio::time::sleep(Duration::from_secs(120)).await;
    drop(server);
}

fn mark_ready(scratch: &Path) {
    std::fs::write(scratch.join("ready"), b"").expect("ready file");
}
