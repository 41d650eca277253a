//! The connection to PostgreSQL: one shared pool, to the server named by `DATABASE_URL` or to
//! a private server started for this process.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection, Postgres, Transaction};

use crate::embedded::{EmbeddedServer, ServerMode};
use crate::{DatabaseSettings, StoreError};

/// The database the private server holds our data in.
pub const EMBEDDED_DATABASE: &str = "bedrift";

/// The pool and, when the server is private, the server itself.
#[derive(Debug)]
pub struct Database {
    pool: PgPool,
    server: Option<EmbeddedServer>,
}

impl Database {
    /// The shared pool; cheap to clone.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The private server, when there is one.
    pub fn embedded_server(&self) -> Option<&EmbeddedServer> {
        self.server.as_ref()
    }

    /// Closes the pool, then stops the private server (if any) and waits until it is down.
    pub async fn close(self) -> Result<(), StoreError> {
        self.pool.close().await;
        match self.server {
            Some(server) => server.stop().await,
            None => Ok(()),
        }
    }
}

/// Connects as `settings` say: to `DATABASE_URL`, or else to a private server in the data
/// folder, started now (and its `bedrift` database created when missing).
#[tracing::instrument(skip_all)]
pub async fn connect(settings: &DatabaseSettings) -> Result<Database, StoreError> {
    let (options, server) = match &settings.url {
        Some(url) => {
            let options: PgConnectOptions = url.parse().map_err(|e| StoreError::Settings {
                name: "DATABASE_URL",
                message: format!("not a PostgreSQL URL: {e}"),
            })?;
            (options, None)
        }
        None => {
            let server =
                EmbeddedServer::start(ServerMode::Persistent(settings.data_dir.clone())).await?;
            let options = server.connect_options();
            create_database_if_missing(&options, EMBEDDED_DATABASE).await?;
            (options.database(EMBEDDED_DATABASE), Some(server))
        }
    };
    let pool = pool_options(settings.max_connections)
        .connect_with(options)
        .await?;
    Ok(Database { pool, server })
}

/// The pool settings used everywhere: no ping on checkout (a round trip per query, and a dead
/// connection fails its query anyway) and bounded waits. A connection goes back into the pool
/// outside any transaction because every transaction starts through [`begin`].
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .idle_timeout(Duration::from_secs(600))
}

/// Starts a transaction on a connection of `pool`: `pool.begin()`, made safe to cancel.
///
/// sqlx 0.8 leaves a connection inside a transaction when the future of `begin()` is dropped
/// while `BEGIN` is on the wire: its rollback guard keys on a depth it raises only after the
/// answer arrives (upstream sqlx issue 4393). The connection would go back into the pool, and
/// the next borrower's statements would run inside that transaction and vanish with it, while
/// its open xid held back the projector's safe horizon. So `BEGIN` runs in a task of its own,
/// which finishes whether or not its caller is still waiting: if the caller is gone, the
/// finished transaction is dropped, and sqlx then knows to roll it back before the connection
/// is reused. A task costs microseconds; the check this replaces cost every returned
/// connection a round trip.
pub async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let pool = pool.clone();
    #[allow(clippy::disallowed_methods)] // the one place that may call it
    let begun = tokio::spawn(async move { pool.begin().await });
    match begun.await {
        Ok(begun) => begun,
        Err(failed) if failed.is_panic() => std::panic::resume_unwind(failed.into_panic()),
        // The runtime is shutting down.
        Err(_) => Err(sqlx::Error::WorkerCrashed),
    }
}

/// Creates database `name` on the server `admin` connects to, unless it exists.
pub async fn create_database_if_missing(
    admin: &PgConnectOptions,
    name: &str,
) -> Result<(), StoreError> {
    let mut connection = PgConnection::connect_with(admin).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut connection)
            .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {}", quote_identifier(name)))
            .execute(&mut connection)
            .await?;
        tracing::info!(database = name, "created the database");
    }
    connection.close().await?;
    Ok(())
}

/// Quotes an SQL identifier (for statements such as `CREATE DATABASE` that take no parameters).
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_with_inner_quotes_doubled() {
        assert_eq!(quote_identifier("bedrift"), "\"bedrift\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }
}
