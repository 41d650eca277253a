//! Over a real TCP connection: the server on port 0, a minimal HTTP/1.1 client.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::TestApp;

#[tokio::test]
async fn the_server_answers_graphql_over_http() {
    let app = TestApp::spawn("2026-12-10").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(bedrift_api::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    // The example tariff was installed on start; anonymous readers see it within the
    // projection lag.
    app.settle().await;
    let body = r#"{"query":"{ tariff { validFrom zones { id } } }"}"#;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("\"validFrom\":\"2026-01-01\""),
        "{response}"
    );
    assert!(response.contains("kristiansand"), "{response}");

    let huge = "x".repeat(200_000);
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{huge}",
        huge.len()
    );
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response).await;
    assert!(
        response.starts_with("HTTP/1.1 413"),
        "the body limit holds: {response:.100}"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
