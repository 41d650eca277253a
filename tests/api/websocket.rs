//! `approvalQueueChanged` over a real websocket: the server on port 0, a graphql-transport-ws
//! client, the caller authenticated from the `connection_init` payload.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{order, TestApp, ORDER};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub(crate) const QUEUE: &str = "subscription($c: ID!) { approvalQueueChanged(companyId: $c) { companyId pendingCount orders { firstName status } } }";

/// The server of `app` on a port of its own; dropping the sender stops it.
async fn serve(app: &TestApp) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(bedrift_api::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    (address, stop)
}

/// A graphql-transport-ws connection, initialised with `init` and acknowledged.
pub(crate) async fn connect(address: SocketAddr, init: Value) -> Socket {
    let mut request = format!("ws://{address}/graphql/ws")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": init }),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next protocol message (answering pings), within a bound generous enough for a busy
/// machine.
pub(crate) async fn receive(socket: &mut Socket) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("a message within a minute")
            .expect("the connection open")
            .unwrap();
        let Message::Text(text) = message else {
            continue;
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        if value["type"] == "ping" {
            send(socket, json!({ "type": "pong" })).await;
            continue;
        }
        return value;
    }
}

pub(crate) async fn subscribe(socket: &mut Socket, company: &str) {
    send(
        socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": QUEUE, "variables": { "c": company } } }),
    )
    .await;
}

#[tokio::test]
async fn an_administrator_hears_of_an_order_in_the_approval_queue() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let employee = app.employee(&link, "41234567").await;
    let (address, _stop) = serve(&app).await;
    let mut socket = connect(
        address,
        json!({ "authorization": format!("Bearer {admin}") }),
    )
    .await;
    subscribe(&mut socket, &company).await;
    let first = receive(&mut socket).await;
    assert_eq!(first["type"], "next", "{first:#}");
    let now = &first["payload"]["data"]["approvalQueueChanged"];
    assert_eq!(now["companyId"], company.as_str());
    assert_eq!(now["pendingCount"], 0, "the queue as it is now comes first");

    app.ok(
        Some(&employee),
        ORDER,
        json!({ "input": order("Anne", "Ansatt") }),
    )
    .await;
    let change = receive(&mut socket).await;
    assert_eq!(change["type"], "next", "{change:#}");
    assert_eq!(change["id"], "1");
    let queue = &change["payload"]["data"]["approvalQueueChanged"];
    assert_eq!(queue["pendingCount"], 1, "{change:#}");
    assert_eq!(queue["orders"][0]["firstName"], "Anne");
    assert_eq!(queue["orders"][0]["status"], "PENDING");
}

#[tokio::test]
async fn only_the_company_administrators_may_follow_its_queue() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, _, _) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, _) = app
        .company(&operator, "974760673", "ola@annet.no", "APPROVAL_REQUIRED")
        .await;
    let (address, _stop) = serve(&app).await;

    let mut socket = connect(
        address,
        json!({ "Authorization": format!("Bearer {other_admin}") }),
    )
    .await;
    subscribe(&mut socket, &company).await;
    let refused = receive(&mut socket).await;
    assert_eq!(refused["type"], "next", "{refused:#}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
    assert!(refused["payload"]["data"].is_null(), "{refused:#}");
    assert_eq!(receive(&mut socket).await["type"], "complete");

    let mut anonymous = connect(address, json!({})).await;
    subscribe(&mut anonymous, &company).await;
    let refused = receive(&mut anonymous).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused:#}"
    );

    let mut forged = connect(address, json!({ "authorization": "Bearer forged" })).await;
    subscribe(&mut forged, &company).await;
    let refused = receive(&mut forged).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
}

/// The value of the series `name` (with its labels) on `/metrics`.
async fn metric(app: &TestApp, series: &str) -> u64 {
    let text = app.get("/metrics").await.text();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in {text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn subscriptions_of_one_company_share_one_reader_of_its_queue() {
    const FOLLOWERS: usize = 8;
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let employee = app.employee(&link, "41234567").await;
    let (address, _stop) = serve(&app).await;
    let init = json!({ "authorization": format!("Bearer {admin}") });
    let mut sockets = Vec::new();
    for _ in 0..FOLLOWERS / 2 {
        let mut socket = connect(address, init.clone()).await;
        for id in ["a", "b"] {
            send(
                &mut socket,
                json!({ "id": id, "type": "subscribe",
                        "payload": { "query": QUEUE, "variables": { "c": company } } }),
            )
            .await;
        }
        for _ in 0..2 {
            let first = receive(&mut socket).await;
            assert_eq!(first["type"], "next", "{first:#}");
        }
        sockets.push(socket);
    }
    const PAGES: &str = "bedrift_approval_queue_reads_total{read=\"page\"}";
    const CHECKS: &str = "bedrift_approval_queue_reads_total{read=\"check\"}";
    let (pages, checks) = (metric(&app, PAGES).await, metric(&app, CHECKS).await);
    assert_eq!(metric(&app, "bedrift_approval_queue_watchers").await, 1);

    app.ok(
        Some(&employee),
        ORDER,
        json!({ "input": order("Anne", "Ansatt") }),
    )
    .await;
    for socket in &mut sockets {
        for _ in 0..2 {
            let change = receive(socket).await;
            let queue = &change["payload"]["data"]["approvalQueueChanged"];
            assert_eq!(queue["pendingCount"], 1, "{change:#}");
        }
    }
    assert_eq!(
        metric(&app, PAGES).await - pages,
        1,
        "one read of the queue for all {FOLLOWERS} subscriptions"
    );
    let batches = metric(&app, CHECKS).await - checks;
    assert!(
        batches < FOLLOWERS as u64,
        "one check per projector batch, not one per subscription: {batches}"
    );

    drop(sockets);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while metric(&app, "bedrift_approval_queue_watchers").await != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the watcher stops with its last subscription"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
