//! `bedrift serve`: the HTTP server (GraphQL at `/graphql`), the projector (on connections of its
//! own), the outbox's dispatcher, the daily digest's job and the daily retention rules, side by
//! side, sharing the projector's position for read-your-writes, until SIGINT or SIGTERM. On a signal (or when one fails) all stop: the
//! server finishes the requests in flight, the projector the batch in hand, the dispatcher the
//! sends in hand; then the database (and a private server) stops.

use std::net::SocketAddr;

use anyhow::Context;
use std::sync::Arc;

use bedrift_api::notifications::{DeliverySettings, DigestJob, Dispatcher};
use bedrift_api::{ApiSettings, AppState};
use bedrift_domain::clock::SystemClock;
use bedrift_projections::{Projector, ProjectorSettings};
use bedrift_store::{connect, DatabaseSettings, PgPool};

use super::migrate::print_report;
use super::signal::{shutdown_signal, Stop};

/// The projector's own two connections: read-your-writes waits for the projector while
/// holding connections of the shared pool, so the projector must never wait for one of them.
pub async fn projector_pool(pool: &PgPool) -> anyhow::Result<PgPool> {
    bedrift_store::pool_options(2)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .context("connecting the projector")
}

/// Migrates, then serves on `bind` and projects until told to stop.
pub async fn run(settings: &DatabaseSettings, bind: SocketAddr) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let served = serve(database.pool(), bind).await;
    // The database (and a private server) stops after the last request and batch have finished.
    database.close().await?;
    tracing::info!("stopped");
    served
}

async fn serve(pool: &PgPool, bind: SocketAddr) -> anyhow::Result<()> {
    print_report(&bedrift_store::migrate(pool).await?);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (set BIND to another address)"))?;
    tracing::info!(address = %listener.local_addr()?, "serving HTTP");
    let settings = ApiSettings::from_env().map_err(anyhow::Error::msg)?;
    let dispatcher = Dispatcher::new(pool.clone(), DeliverySettings::from_env()?)?;
    let projector = Projector::new(
        projector_pool(pool).await?,
        ProjectorSettings {
            notifications: Some(settings.notifications.clone()),
            ..ProjectorSettings::default()
        },
    );
    let digests = DigestJob::new(
        pool.clone(),
        Arc::new(SystemClock),
        settings.digest_hour,
        &settings.public_url,
    );
    let outbox_retention = settings.outbox_retention;
    let retention_rules = settings.retention_rules;
    let state = AppState::new(pool.clone(), Arc::new(SystemClock), settings)
        .with_projector(projector.position())
        .with_projector_role(projector.role())
        .with_metrics(bedrift_api::observability::install_recorder());
    let stop = Stop::new();
    let http = async {
        let prepared = async {
            bedrift_api::install_example_tariff(&state).await?;
            bedrift_api::print_first_operator_link(&state).await
        };
        if let Err(error) = prepared.await {
            stop.raise();
            return Err(anyhow::anyhow!("preparing the service: {error}"));
        }
        let result = bedrift_api::serve(listener, state.clone(), stop.stopped())
            .await
            .context("serving HTTP");
        stop.raise();
        result
    };
    let projector = async {
        let result = projector
            .run(stop.stopped())
            .await
            .context("projecting the event log");
        if let Err(error) = &result {
            tracing::error!(
                error = format!("{error:#}"),
                "the projector failed; stopping"
            );
        }
        stop.raise();
        result
    };
    let dispatcher = async {
        let result = dispatcher
            .run(stop.stopped())
            .await
            .context("delivering the outbox");
        if let Err(error) = &result {
            tracing::error!(
                error = format!("{error:#}"),
                "the dispatcher failed; stopping"
            );
        }
        stop.raise();
        result
    };
    let signal = async {
        tokio::select! {
            () = shutdown_signal() => stop.raise(),
            () = stop.stopped() => {}
        }
    };
    let digests = digests.run(stop.stopped());
    let retention = bedrift_api::retention::run(
        pool.clone(),
        Arc::new(SystemClock),
        outbox_retention,
        retention_rules,
        stop.stopped(),
    );
    let (http, projector, dispatcher, (), (), ()) =
        tokio::join!(http, projector, dispatcher, digests, retention, signal);
    http.and(projector).and(dispatcher)
}
