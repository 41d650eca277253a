//! `bedrift healthcheck`: asks a running `serve` for `GET /healthz` and exits 0 on `200`, else
//! non-zero with the reason. For container health checks (the image's `HEALTHCHECK`), where no
//! `curl` is installed: a plain HTTP/1.1 request over TCP, nothing else.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the whole check may take: connecting, asking and reading the answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The most of the answer that is read; `/healthz` answers with a few bytes.
const MAX_ANSWER: u64 = 4096;

/// Checks `GET /healthz` at `address` (the address `serve` listens on; an unspecified one such
/// as `0.0.0.0:8080` is asked on loopback).
pub async fn run(address: SocketAddr) -> anyhow::Result<()> {
    let target = reachable(address);
    let status = tokio::time::timeout(TIMEOUT, status_of_healthz(target))
        .await
        .with_context(|| format!("no answer from {target} within {TIMEOUT:?}"))??;
    if status != 200 {
        bail!("GET http://{target}/healthz answered {status}");
    }
    println!("ok");
    Ok(())
}

/// `address`, with an unspecified IP (listening on every interface) replaced by loopback.
fn reachable(address: SocketAddr) -> SocketAddr {
    let mut target = address;
    if address.ip().is_unspecified() {
        target.set_ip(match address {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    target
}

/// The status code of `GET /healthz` at `target`.
async fn status_of_healthz(target: SocketAddr) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect(target)
        .await
        .with_context(|| format!("cannot connect to {target}"))?;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    let status_line = answer.lines().next().unwrap_or_default();
    // "HTTP/1.1 200 OK"
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP answer from {target}: {status_line:?}"))?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_address_is_asked_on_loopback() {
        let v4: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(reachable(v4), "127.0.0.1:8080".parse().unwrap());
        let v6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(reachable(v6), "[::1]:8080".parse().unwrap());
        let given: SocketAddr = "10.1.2.3:9000".parse().unwrap();
        assert_eq!(reachable(given), given);
    }
}
