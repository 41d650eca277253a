//! A websocket never outlives its session: every operation on it checks the session again, and
//! a socket whose session ended (logged out, expired, reset password) is closed with `4401`
//! within seconds. One socket runs a bounded number of operations at once.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{link_token, TestApp, PASSWORD};
use crate::websocket::{connect, receive, send, subscribe, Socket, QUEUE};

const PAY_TYPE: &str =
    "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"7777\") { name } }";

/// Waits (generously: a minute) for the server to close `socket`, skipping other messages, and
/// returns the close code; the server checks sessions every two seconds.
async fn close_code(socket: &mut Socket) -> u16 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the socket closed within a minute");
        match message {
            Some(Ok(Message::Close(Some(frame)))) => return frame.code.into(),
            Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                panic!("closed without a code")
            }
            Some(Ok(_)) => {}
        }
    }
}

/// An administrator's company, their session, and a socket following its queue.
async fn following(app: &TestApp) -> (String, String, Socket) {
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let mut socket = connect(
        app.address,
        json!({ "authorization": format!("Bearer {admin}") }),
    )
    .await;
    subscribe(&mut socket, &company).await;
    assert_eq!(receive(&mut socket).await["type"], "next");
    (company, admin, socket)
}

#[tokio::test]
async fn logging_out_closes_the_socket_and_nothing_more_runs_on_it() {
    let app = TestApp::spawn("2026-12-10").await;
    let (company, admin, mut socket) = following(&app).await;
    app.ok(Some(&admin), "mutation { logOut }", json!({})).await;
    let events = app.event_count().await;

    send(
        &mut socket,
        json!({ "id": "2", "type": "subscribe",
                "payload": { "query": PAY_TYPE, "variables": { "c": company } } }),
    )
    .await;
    assert_eq!(close_code(&mut socket).await, 4401);
    assert_eq!(
        app.event_count().await,
        events,
        "the mutation wrote nothing"
    );
}

#[tokio::test]
async fn an_expired_session_closes_the_socket() {
    let app = TestApp::spawn("2026-12-10").await;
    let (_, _, mut socket) = following(&app).await;
    app.set_today("2026-12-11");
    assert_eq!(close_code(&mut socket).await, 4401);
}

#[tokio::test]
async fn a_password_reset_closes_the_sockets_of_the_old_sessions() {
    let app = TestApp::spawn("2026-12-10").await;
    let (_, _, mut socket) = following(&app).await;
    app.ok(
        None,
        "mutation($e: String!) { requestPasswordReset(email: $e) }",
        json!({ "e": "kari@firma.no" }),
    )
    .await;
    let token = link_token(&app.last_message("kari@firma.no").await);
    app.ok(
        None,
        "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }",
        json!({ "t": token, "p": format!("{PASSWORD} nummer to") }),
    )
    .await;
    assert_eq!(close_code(&mut socket).await, 4401);
}

#[tokio::test]
async fn one_socket_runs_a_bounded_number_of_operations_at_once() {
    let app = TestApp::spawn("2026-12-10").await;
    let (company, _, mut socket) = following(&app).await;
    let cap = bedrift_api::graphql::MAX_OPERATIONS_PER_SOCKET;
    let start = |id: usize| {
        json!({ "id": id.to_string(), "type": "subscribe",
                "payload": { "query": QUEUE, "variables": { "c": company } } })
    };
    // Operation "1" runs already.
    for id in 2..=cap {
        send(&mut socket, start(id)).await;
        assert_eq!(receive(&mut socket).await["type"], "next");
    }
    send(&mut socket, start(cap + 1)).await;
    let refused: Value = receive(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused:#}");
    assert_eq!(refused["id"], (cap + 1).to_string());
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");

    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    assert_eq!(receive(&mut socket).await["type"], "complete");
    send(&mut socket, start(cap + 2)).await;
    let answer = receive(&mut socket).await;
    assert_eq!(answer["type"], "next", "{answer:#}");
    assert_eq!(answer["id"], (cap + 2).to_string());
}
