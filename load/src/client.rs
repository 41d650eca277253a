//! One GraphQL client: a single keep-alive HTTP/1.1 connection to the server, as a browser tab
//! or an integration would hold, opened again after a failure. On loopback each client can
//! speak from an address of its own (127.0.0.x), so that per-address rate limits count it as
//! one person rather than the whole load generator as one.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpSocket;

use crate::LoadError;

/// How long one request may take before it counts as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a GraphQL request came back with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// No errors: the `data` object.
    Data(Value),
    /// Refused: the first error's `extensions.code` (`"NONE"` when it has none).
    Refused(String),
    /// No answer: the connection failed or timed out (counted as `TRANSPORT`).
    Failed(String),
}

impl Answer {
    /// The code to count this answer under in a report: `None` for success.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Data(_) => None,
            Self::Refused(code) => Some(code),
            Self::Failed(_) => Some("TRANSPORT"),
        }
    }
}

/// A GraphQL client over one connection.
#[derive(Debug)]
pub struct Client {
    server: SocketAddr,
    source: Option<IpAddr>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    /// A client of the server at `server` (`/graphql` on it). Number `n` of a loopback server
    /// speaks from 127.0.0.(2 + n % 250); others from the default address.
    pub fn new(server: SocketAddr, n: usize) -> Self {
        let source = server.ip().is_loopback().then(|| {
            let last = u8::try_from(2 + n % 250).unwrap_or(2);
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
        });
        Self {
            server,
            source: source.filter(|_| server.is_ipv4()),
            sender: None,
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, LoadError> {
        let socket = TcpSocket::new_v4().and_then(|socket| {
            if let Some(source) = self.source {
                socket.bind(SocketAddr::new(source, 0))?;
            }
            Ok(socket)
        });
        let stream = match (socket, self.server.is_ipv4()) {
            (Ok(socket), true) => socket.connect(self.server).await?,
            _ => tokio::net::TcpStream::connect(self.server).await?,
        };
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| LoadError::Http(e.to_string()))?;
        tokio::spawn(async move {
            // Ends when the server closes the connection or the sender is dropped.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// Sends `query` with `variables` as the holder of `token`.
    pub async fn graphql(&mut self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let body = json!({ "query": query, "variables": variables }).to_string();
        match tokio::time::timeout(REQUEST_TIMEOUT, self.send(token, body)).await {
            Ok(Ok(response)) => answer(&response),
            Ok(Err(error)) => {
                self.sender = None;
                Answer::Failed(error.to_string())
            }
            Err(_) => {
                self.sender = None;
                Answer::Failed("timed out".to_owned())
            }
        }
    }

    /// Like [`Client::graphql`], but a refusal or failure is an error.
    pub async fn data(
        &mut self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, LoadError> {
        match self.graphql(token, query, variables).await {
            Answer::Data(data) => Ok(data),
            Answer::Refused(code) => Err(LoadError::Refused {
                operation: operation_name(query),
                code,
            }),
            Answer::Failed(error) => Err(LoadError::Http(error)),
        }
    }

    async fn send(&mut self, token: Option<&str>, body: String) -> Result<Bytes, LoadError> {
        let mut sender = match self.sender.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.connect().await?,
        };
        sender
            .ready()
            .await
            .map_err(|e| LoadError::Http(e.to_string()))?;
        let mut request = hyper::Request::post("/graphql")
            .header(hyper::header::HOST, self.server.to_string())
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| LoadError::Http(e.to_string()))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| LoadError::Http(e.to_string()))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| LoadError::Http(e.to_string()))?
            .to_bytes();
        if status.is_server_error() && serde_json::from_slice::<Value>(&body).is_err() {
            return Err(LoadError::Http(format!("status {status}")));
        }
        self.sender = Some(sender);
        Ok(body)
    }
}

fn answer(body: &[u8]) -> Answer {
    let Ok(response) = serde_json::from_slice::<Value>(body) else {
        return Answer::Failed(format!(
            "not JSON: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ));
    };
    match response.get("errors") {
        Some(errors) => Answer::Refused(
            errors[0]["extensions"]["code"]
                .as_str()
                .unwrap_or("NONE")
                .to_owned(),
        ),
        None => Answer::Data(response["data"].clone()),
    }
}

/// The first field name after `mutation`/`query` and the variables, for error messages.
fn operation_name(query: &str) -> String {
    let selection = query.split_once('{').map_or(query, |(_, rest)| rest);
    selection
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_with_errors_is_a_refusal_under_its_code() {
        let body = br#"{"data":null,"errors":[{"message":"no","extensions":{"code":"CONFLICT"}}]}"#;
        assert_eq!(answer(body), Answer::Refused("CONFLICT".to_owned()));
        assert_eq!(
            answer(br#"{"data":{"a":1}}"#),
            Answer::Data(json!({"a": 1}))
        );
        assert!(matches!(answer(b"<html>"), Answer::Failed(_)));
    }

    #[test]
    fn the_operation_is_named_by_its_first_field() {
        assert_eq!(
            operation_name("mutation($i: OrderInput!) { orderSubscription(input: $i) { id } }"),
            "orderSubscription"
        );
    }
}
