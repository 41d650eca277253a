//! Raw HTTP against a server: any method, path and headers, with the response's status and
//! headers kept (for `/metrics`, `X-Correlation-Id` and `X-Forwarded-For`).

use std::collections::HashMap;
use std::net::SocketAddr;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{http_body, TestApp};

/// A whole HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names in lower case; the last value of repeated ones.
    pub headers: HashMap<String, String>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends one request to `address` and reads the whole response.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> HttpResponse {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    http_bytes(address, method, path, &all, body.as_bytes()).await
}

/// Sends one request with a body of any bytes (a file) and reads the whole response; the
/// caller gives the `Content-Type`, if any.
pub async fn http_bytes(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the server accepts");
    stream
        .write_all(&request)
        .await
        .expect("the request is sent");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("a response");
    let head_end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: http_body(&response),
    }
}

/// A GraphQL request to `address` as the holder of `token`, with `headers`.
pub async fn graphql(
    address: SocketAddr,
    token: Option<&str>,
    query: &str,
    variables: Value,
    headers: &[(&str, &str)],
) -> HttpResponse {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let authorization = token.map(|t| format!("Bearer {t}"));
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if let Some(authorization) = &authorization {
        all.push(("Authorization", authorization));
    }
    http(address, "POST", "/graphql", &all, &body).await
}

impl TestApp {
    /// A GraphQL request as the holder of `token`, with extra `headers`; the whole response.
    pub async fn gql_with(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> HttpResponse {
        graphql(self.address, token, query, variables, headers).await
    }

    /// `GET path`, the whole response.
    pub async fn get(&self, path: &str) -> HttpResponse {
        http(self.address, "GET", path, &[], "").await
    }
}
