//! Stopping on SIGINT (Ctrl-C) or SIGTERM, and a stop flag that several tasks wait on.

use tokio::sync::watch;

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// A flag raised once, when everything should stop.
#[derive(Debug)]
pub struct Stop(watch::Sender<bool>);

impl Stop {
    /// A lowered flag.
    pub fn new() -> Self {
        Self(watch::channel(false).0)
    }

    /// Raises the flag; every [`Stop::stopped`] future completes.
    pub fn raise(&self) {
        self.0.send_replace(true);
    }

    /// Completes when the flag is raised.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut receiver = self.0.subscribe();
        async move {
            // An error means the flag was dropped, which also means stop.
            let _ = receiver.wait_for(|raised| *raised).await;
        }
    }
}
