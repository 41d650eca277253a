//! The connection to PostgreSQL: one shared pool, to the server named by `DATABASE_URL` or to
//! a private server started for this process.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

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
/// connection fails its query anyway), bounded waits, and no connection back into the pool
/// while it is inside a transaction.
///
/// sqlx 0.8 leaves a connection inside a transaction when a future is cancelled during
/// `begin()` (its rollback guard keys on a depth it raises only after `BEGIN` returns; upstream
/// sqlx issue 4393). The next borrower's statements would then run inside that transaction and
/// be lost when it ends, and a transaction holding an xid would stall the projector's safe
/// horizon. So each released connection is asked whether it is inside a transaction (in one
/// it started earlier, `now()` is older than the statement) and closed if so, which makes the
/// server roll it back. The question goes by the simple query protocol: with the extended
/// protocol the statement's timestamp is taken after its implicit transaction started, so the
/// two never match.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(0)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .idle_timeout(Duration::from_secs(600))
        .after_release(|connection, _| {
            Box::pin(async move {
                let outside_transaction = outside_transaction(connection).await?;
                if !outside_transaction {
                    tracing::warn!(
                        "closing a pooled connection left inside a transaction by a cancelled task"
                    );
                }
                Ok(outside_transaction)
            })
        })
}

/// Whether the connection is outside a transaction block: in autocommit, a statement's
/// transaction starts with it.
async fn outside_transaction(connection: &mut PgConnection) -> Result<bool, sqlx::Error> {
    use sqlx::{Executor, Row};
    // A bare string, without arguments, goes by the simple query protocol.
    let row = connection
        .fetch_one("SELECT now() = statement_timestamp()")
        .await?;
    row.try_get(0)
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
