//! The server loop: accepts connections and serves each over HTTP/1.1 with the router, with a
//! bound on how long a client may take to send a request's headers (`HEADER_READ_TIMEOUT_MS`,
//! hyper's header-read timer) and a websocket upgrade where asked. The bound on the rest of the
//! request (`REQUEST_TIMEOUT_MS`) is a layer of the router. On shutdown it stops accepting, asks
//! every open connection to finish its request in flight and close, and returns when all have.
//!
//! `axum::serve` does the same without the header timer, which is why this loop exists.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// Serves `app` on `listener` until `shutdown` completes, then lets the connections finish the
/// requests in flight and returns once every connection is closed. `header_read_timeout` bounds
/// the time from waiting for a request's headers to having them all.
pub async fn run(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Dropping `stop` tells every connection to shut down gracefully; each connection holds a
    // `closed` receiver until it is done, so `done.closed()` waits for the last one.
    let (stop, _) = watch::channel(());
    let (done, closed) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                tracing::warn!(%error, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection = Connection {
            app: app.clone(),
            header_read_timeout,
            stop: stop.subscribe(),
            closed: closed.clone(),
        };
        tokio::spawn(connection.serve(stream, remote));
    }
    drop(listener);
    drop(closed);
    drop(stop);
    done.closed().await;
    Ok(())
}

/// One accepted connection and what it needs to serve it.
struct Connection {
    app: Router,
    header_read_timeout: Duration,
    /// Changes (closes) when the server shuts down.
    stop: watch::Receiver<()>,
    /// Held until the connection is closed.
    closed: watch::Receiver<()>,
}

impl Connection {
    async fn serve(mut self, stream: TcpStream, remote: SocketAddr) {
        let service = self.app.map_request(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(remote));
            request
        });
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let mut connection = pin!(builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades());
        let mut stopping = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        // A client that went away, sent garbage or was too slow: theirs to fix.
                        tracing::debug!(%error, %remote, "connection ended with an error");
                    }
                    break;
                }
                _ = self.stop.changed(), if !stopping => {
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
        drop(self.closed);
    }
}
