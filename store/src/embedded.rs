//! A private PostgreSQL, started from the server programs installed on the machine when no
//! `DATABASE_URL` is set: for `bedrift serve` and `migrate` in a data folder that persists, and
//! for the test suite as a throw-away cluster per test process. It listens only on a Unix
//! socket in a private folder (tests of the TLS client add a loopback TCP port with TLS on:
//! [`EmbeddedServer::start_with_tls`]), and stops when its handle is dropped or our process dies.
//!
//! A temporary cluster runs `initdb` every time rather than copying a template: measured at
//! about 0.5 s on the 2-core machines (0.65 s to a first connection), not worth a shared
//! template folder and its locking.

mod binaries;
mod cluster;
mod process;
mod tls;
mod user;

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;

pub use binaries::{Binaries, INSTALL_HINT};
pub use tls::TcpTls;

use crate::StoreError;

/// How long a starting server may take before we give up (crash recovery included).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the private server keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMode {
    /// In this folder, kept between runs (created with `initdb` when empty). Durable: fsync on.
    Persistent(PathBuf),
    /// In a fresh folder under /tmp, removed when the server stops. Fsync off, for tests.
    Temporary,
}

/// A running private server. Dropping it stops the server (without waiting); prefer
/// [`EmbeddedServer::stop`], which waits until it has shut down.
#[derive(Debug)]
pub struct EmbeddedServer {
    wrapper: Option<Child>,
    keep_alive: Option<ChildStdin>,
    socket_dir: PathBuf,
    data_dir: PathBuf,
    /// The port: names the Unix socket, and the TCP listener when there is one.
    port: u16,
}

impl EmbeddedServer {
    /// Finds the server programs, prepares the folders, starts the server and waits until it
    /// accepts connections.
    #[tracing::instrument(name = "embedded_postgres_start")]
    pub async fn start(mode: ServerMode) -> Result<Self, StoreError> {
        Self::start_with(mode, None).await
    }

    /// Like [`EmbeddedServer::start`], and with `tls` also listening on 127.0.0.1 at its port
    /// with TLS on (for tests of clients that require TLS).
    #[tracing::instrument(name = "embedded_postgres_start_tls")]
    pub async fn start_with_tls(mode: ServerMode, tls: TcpTls) -> Result<Self, StoreError> {
        Self::start_with(mode, Some(tls)).await
    }

    async fn start_with(mode: ServerMode, tls: Option<TcpTls>) -> Result<Self, StoreError> {
        let started = Instant::now();
        let (mut server, folders) =
            tokio::task::spawn_blocking(move || launch(&mode, tls.as_ref()))
                .await
                .map_err(|e| {
                    StoreError::EmbeddedServer(format!("starting the server panicked: {e}"))
                })??;
        match server.wait_until_ready().await {
            Ok(()) => {
                tracing::info!(
                    data = %server.data_dir.display(),
                    socket = %server.socket_dir.display(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "private PostgreSQL is running"
                );
                Ok(server)
            }
            Err(reason) => {
                let tail = cluster::log_tail(&folders.log);
                let data_dir = server.data_dir.clone();
                drop(server);
                let _ = std::fs::remove_dir_all(&folders.remove_after);
                Err(StoreError::EmbeddedServer(format!(
                    "the private PostgreSQL in {} did not start: {reason}\n--- server log ---\n{tail}",
                    data_dir.display()
                )))
            }
        }
    }

    /// Options that connect to the server's `postgres` database as the `postgres` superuser.
    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(self.port)
            .username("postgres")
            .database("postgres")
    }

    /// The port of the Unix socket (5432) and, with TLS, of the TCP listener on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The server's data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the server (fast shutdown: open connections are ended) and waits until it is down.
    pub async fn stop(mut self) -> Result<(), StoreError> {
        drop(self.keep_alive.take());
        let Some(mut wrapper) = self.wrapper.take() else {
            return Ok(());
        };
        let status = tokio::task::spawn_blocking(move || wrapper.wait())
            .await
            .map_err(|e| StoreError::EmbeddedServer(format!("stopping the server panicked: {e}")))?
            .map_err(|e| StoreError::EmbeddedServer(format!("waiting for the server: {e}")))?;
        tracing::info!(%status, "private PostgreSQL stopped");
        Ok(())
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let options = self.connect_options();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let last_error = match sqlx::PgConnection::connect_with(&options).await {
                Ok(connection) => {
                    let _ = connection.close().await;
                    return Ok(());
                }
                Err(e) => e.to_string(),
            };
            if let Some(wrapper) = &mut self.wrapper {
                if let Ok(Some(status)) = wrapper.try_wait() {
                    return Err(format!("the server exited ({status})"));
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no connection after {START_TIMEOUT:?}: {last_error}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        // Closing the pipe is the stop signal; the wrapper shuts the server down on its own.
        drop(self.keep_alive.take());
    }
}

/// The blocking part of a start: folders, initdb, the process.
fn launch(
    mode: &ServerMode,
    tls: Option<&TcpTls>,
) -> Result<(EmbeddedServer, cluster::Folders), StoreError> {
    let binaries = Binaries::find()?;
    let run_as = user::RunAs::detect()?;
    let (folders, durable) = match mode {
        ServerMode::Persistent(data_dir) => (cluster::persistent(data_dir, &run_as)?, true),
        ServerMode::Temporary => (cluster::temporary(&run_as)?, false),
    };
    let prepared = cluster::init_if_empty(&binaries, &run_as, &folders.data, durable)
        .and_then(|()| cluster::clear_stale_lock(&folders.data))
        .and_then(|()| match tls {
            Some(tls) => tls::prepare(tls, &folders.data, &run_as),
            None => Ok(Vec::new()),
        });
    let extra_arguments = match prepared {
        Ok(arguments) => arguments,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&folders.remove_after);
            return Err(e);
        }
    };
    let (wrapper, keep_alive) = process::spawn(
        &binaries.postgres,
        &run_as,
        &folders,
        durable,
        &extra_arguments,
    )?;
    let server = EmbeddedServer {
        wrapper: Some(wrapper),
        keep_alive: Some(keep_alive),
        socket_dir: folders.socket.clone(),
        data_dir: folders.data.clone(),
        port: tls.map_or(5432, |tls| tls.port),
    };
    Ok((server, folders))
}
