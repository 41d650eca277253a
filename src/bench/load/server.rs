//! The server under load when `bench load` is not given `--url`: the real HTTP server and
//! projector, as `serve` runs them, in this process on a port of its own, with the rate limits
//! relaxed so that the load generator's many logins are not refused.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use bedrift_api::auth::{Limit, RateLimits};
use bedrift_api::{ApiSettings, AppState};
use bedrift_domain::clock::SystemClock;
use bedrift_projections::{Projector, ProjectorSettings};
use bedrift_store::PgPool;
use tokio::task::JoinHandle;

use crate::cli::signal::Stop;

/// A server running in this process.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    stop: Stop,
    http: JoinHandle<anyhow::Result<()>>,
    projector: JoinHandle<anyhow::Result<()>>,
}

/// Limits no load generator reaches: a million hits a second, or none.
fn relaxed() -> RateLimits {
    let unlimited = Limit::new(1_000_000, chrono::Duration::seconds(1));
    RateLimits {
        codes_per_phone: unlimited,
        codes_per_address: unlimited,
        verifications_per_address: unlimited,
        resets_per_email: unlimited,
        logins_per_address: None,
        orders_per_address: None,
        creations_per_address: None,
        token_uses_per_address: None,
    }
}

/// Starts HTTP on 127.0.0.1 (a free port) and the projector on `pool`.
pub async fn start(pool: &PgPool) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let settings = ApiSettings {
        rate_limits: relaxed(),
        ..ApiSettings::from_env().map_err(anyhow::Error::msg)?
    };
    let projector = Projector::new(
        crate::cli::serve::projector_pool(pool).await?,
        ProjectorSettings::default(),
    );
    let state = AppState::new(pool.clone(), Arc::new(SystemClock), settings)
        .with_projector(projector.position())
        .with_projector_role(projector.role());
    let stop = Stop::new();
    // The projector first: installing the tariff waits until the read models show it.
    let projector = tokio::spawn({
        let stopped = stop.stopped();
        async move {
            projector
                .run(stopped)
                .await
                .context("projecting the event log")
        }
    });
    if let Err(error) = bedrift_api::install_example_tariff(&state).await {
        stop.raise();
        let _ = projector.await;
        anyhow::bail!("installing the example tariff: {error}");
    }
    let http = tokio::spawn({
        let stopped = stop.stopped();
        async move {
            bedrift_api::serve(listener, state, stopped)
                .await
                .context("serving HTTP")
        }
    });
    Ok(Running {
        address,
        stop,
        http,
        projector,
    })
}

impl Running {
    /// Stops both and waits for them.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.stop.raise();
        let http = self.http.await?;
        let projector = self.projector.await?;
        http.and(projector)
    }
}
