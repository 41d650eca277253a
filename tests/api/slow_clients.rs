//! Slow clients are cut off: one that trickles its headers is disconnected once
//! `HEADER_READ_TIMEOUT_MS` has passed, and one that never finishes its body is answered `408`
//! and disconnected once `REQUEST_TIMEOUT_MS` has passed. Both bounds are set to one second
//! here; the tests only wait (up to 30 s) for the disconnect, they time nothing.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

/// How long the tests wait for the server to hang up; far above the one second configured.
const PATIENCE: Duration = Duration::from_secs(30);

/// Writes `head` on `stream`, then one byte of `trickle` a second, while reading what the
/// server answers. Returns what was read once the server closed the connection, or `None` if it
/// was still open after [`PATIENCE`].
async fn trickle(mut stream: TcpStream, head: String, trickle: u8) -> Option<String> {
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if writer.write_all(&[trickle]).await.is_err() {
                return;
            }
        }
    });
    let reading = async move {
        let mut answer = Vec::new();
        let mut buffer = [0_u8; 1024];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return String::from_utf8_lossy(&answer).into_owned(),
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    };
    let closed = tokio::time::timeout(PATIENCE, reading).await.ok();
    writing.abort();
    closed
}

async fn slow_app() -> TestApp {
    TestApp::spawn_with("2026-12-10", |settings| {
        settings.header_read_timeout = Duration::from_secs(1);
        settings.request_timeout = Duration::from_secs(1);
    })
    .await
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let app = slow_app().await;
    let stream = TcpStream::connect(app.address).await.unwrap();
    let head = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Slow: ", app.address);
    let answer = trickle(stream, head, b'a').await;
    assert!(
        answer.is_some(),
        "the connection was still open after {PATIENCE:?}"
    );
}

#[tokio::test]
async fn a_client_that_never_finishes_its_body_is_answered_408_and_disconnected() {
    let app = slow_app().await;
    let stream = TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 10000\r\n\r\n{{\"query\": \"",
        app.address
    );
    let answer = trickle(stream, head, b' ').await;
    let answer =
        answer.unwrap_or_else(|| panic!("the connection was still open after {PATIENCE:?}"));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn a_prompt_client_is_served_as_before() {
    let app = slow_app().await;
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        app.address
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
