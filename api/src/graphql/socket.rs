//! The websocket at `/graphql/ws` (graphql-transport-ws, or the older graphql-ws): the caller
//! comes from the `connection_init` payload (`{"authorization": "Bearer <token>"}`), and a
//! session is never trusted beyond the moment it is checked. It is checked again before every
//! operation the socket starts and every [`SESSION_CHECK_INTERVAL`] while the socket is open;
//! once it has ended (logged out, expired, or revoked by a password reset) the socket is closed
//! with code `4401` and nothing more runs on it. A socket runs at most
//! [`MAX_OPERATIONS_PER_SOCKET`] operations at once.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use std::str::FromStr;

use async_graphql::http::{
    ClientMessage, WebSocket as GraphQLSocket, WebSocketProtocols as Protocols, WsMessage,
};
use async_graphql::{Data, Result};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::context::Caller;
use super::{ApiError, ApiSchema};
use crate::auth::{bearer_token, session_principal};
use crate::client_address::client_address;
use crate::AppState;

/// How often an open socket's session is looked up again, so that a socket whose session ended
/// elsewhere (another replica, expiry) is closed within this time. One primary-key read per
/// socket per interval.
pub const SESSION_CHECK_INTERVAL: Duration = Duration::from_secs(2);

/// How many operations (subscriptions, or queries and mutations in flight) one socket may run
/// at once; a portal follows one queue per company it shows, so 25 leaves room while keeping
/// one connection from multiplying the work of every projector batch.
pub const MAX_OPERATIONS_PER_SOCKET: usize = 25;

/// The close code for a socket whose session ended (graphql-transport-ws "Unauthorized").
pub const CLOSE_SESSION_ENDED: u16 = 4401;

/// `GET /graphql/ws`: upgrades to a websocket speaking graphql-transport-ws (or the older
/// graphql-ws), the caller authenticated from the `connection_init` payload.
pub async fn graphql_ws(
    State((state, schema)): State<(AppState, ApiSchema)>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| Protocols::from_str(p.trim()).ok())
        })
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let address = client_address(peer, &headers, &state.settings.trusted_proxies);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, schema, protocol, address))
}

/// The little of a server message needed to see an operation end.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

/// Runs one socket: client messages pass through the session check and the operation cap to
/// the GraphQL engine; its answers go back out; a timer rechecks the session.
async fn serve(
    socket: WebSocket,
    state: AppState,
    schema: ApiSchema,
    protocol: Protocols,
    address: IpAddr,
) {
    let (mut sink, mut incoming) = socket.split();
    let (forward, mut input) = mpsc::channel::<serde_json::Result<ClientMessage>>(8);
    // The token of the socket's session, once `connection_init` found it valid.
    let session: Arc<OnceLock<String>> = Arc::default();
    let init_state = state.clone();
    let init_session = session.clone();
    let engine = GraphQLSocket::from_message_stream(
        schema,
        futures::stream::poll_fn(move |cx| input.poll_recv(cx)),
        protocol,
    )
    .on_connection_init(move |payload| {
        connection_caller(init_state, address, payload, init_session)
    });
    futures::pin_mut!(engine);
    let mut check = tokio::time::interval(SESSION_CHECK_INTERVAL);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut running: HashSet<String> = HashSet::new();
    loop {
        let outgoing = tokio::select! {
            received = incoming.next() => {
                let bytes = match received {
                    Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                    Some(Ok(Message::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                let message = ClientMessage::from_bytes(bytes);
                match &message {
                    Ok(ClientMessage::Start { id, .. }) => {
                        if let Some(token) = session.get() {
                            match session_alive(&state, token).await {
                                Ok(true) => {}
                                Ok(false) => break close_ended(&mut sink).await,
                                Err(error) => {
                                    let refusal = refuse(protocol, id, error);
                                    if sink.send(refusal).await.is_err() {
                                        break;
                                    }
                                    continue;
                                }
                            }
                        }
                        if running.len() >= MAX_OPERATIONS_PER_SOCKET && !running.contains(id) {
                            let error = ApiError::RateLimited {
                                message: format!(
                                    "at most {MAX_OPERATIONS_PER_SOCKET} operations at once on \
                                     one connection; complete one first"
                                ),
                                retry_after_secs: None,
                                reason: crate::graphql::Reason::TooManyRequests,
                            };
                            if sink.send(refuse(protocol, id, error)).await.is_err() {
                                break;
                            }
                            continue;
                        }
                        running.insert(id.clone());
                    }
                    Ok(ClientMessage::Stop { id }) => {
                        running.remove(id);
                    }
                    _ => {}
                }
                if forward.send(message).await.is_err() {
                    break;
                }
                continue;
            }
            answer = engine.next() => match answer {
                Some(WsMessage::Text(text)) => {
                    if let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_str(&text) {
                        if kind == "complete" || kind == "error" {
                            running.remove(&id);
                        }
                    }
                    Message::Text(text.into())
                }
                Some(WsMessage::Close(code, reason)) => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame { code, reason: reason.into() })))
                        .await;
                    break;
                }
                None => break,
            },
            _ = check.tick(), if session.get().is_some() => {
                let Some(token) = session.get() else { continue };
                match session_alive(&state, token).await {
                    Ok(true) => continue,
                    Ok(false) => break close_ended(&mut sink).await,
                    Err(error) => {
                        // Logged where it happened; the next tick tries again.
                        tracing::warn!(%error, "cannot recheck a websocket's session");
                        continue;
                    }
                }
            }
        };
        if sink.send(outgoing).await.is_err() {
            break;
        }
    }
}

/// Whether the session of `token` still holds; a failing database is an error, not "no".
async fn session_alive(state: &AppState, token: &str) -> Result<bool, ApiError> {
    Ok(session_principal(&state.pool, &*state.clock, Some(token))
        .await?
        .is_some())
}

/// Closes the socket of an ended session with [`CLOSE_SESSION_ENDED`].
async fn close_ended(sink: &mut futures::stream::SplitSink<WebSocket, Message>) {
    let frame = CloseFrame {
        code: CLOSE_SESSION_ENDED,
        reason: "the session has ended; log in again".into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// The protocol's error message refusing operation `id` with `error`.
fn refuse(protocol: Protocols, id: &str, error: ApiError) -> Message {
    let error = async_graphql::Error::from(error).into_server_error(Default::default());
    let payload = match protocol {
        Protocols::GraphQLWS => json!([error]),
        Protocols::SubscriptionsTransportWS => json!(error),
    };
    Message::Text(
        json!({ "type": "error", "id": id, "payload": payload })
            .to_string()
            .into(),
    )
}

/// The caller of a websocket connection, from the bearer token in its `connection_init`
/// payload (`authorization` or `Authorization`). A missing or invalid token makes an
/// anonymous caller, whose subscriptions are refused with `UNAUTHENTICATED`; a valid one is
/// kept in `session` to be checked again.
async fn connection_caller(
    state: AppState,
    address: IpAddr,
    payload: serde_json::Value,
    session: Arc<OnceLock<String>>,
) -> Result<Data> {
    let token = ["authorization", "Authorization"]
        .iter()
        .find_map(|key| payload.get(key))
        .and_then(serde_json::Value::as_str)
        .and_then(bearer_token)
        .map(str::to_owned);
    let caller = Caller::from_token(&state, token, address, Uuid::new_v4()).await?;
    if let (Some(_), Some(token)) = (&caller.principal, &caller.token) {
        let _ = session.set(token.clone());
    }
    let mut data = Data::default();
    data.insert(caller);
    Ok(data)
}
