//! Fresh databases for tests, all against real PostgreSQL.
//!
//! [`TestDatabase::create`] makes a new, migrated database with a unique name (a copy of one
//! template migrated once per test process) on one server
//! shared by the whole test process: the server of `DATABASE_URL` when it is set, or else a
//! private throw-away server started on first use (see [`crate::embedded`]) that lives in a
//! static, apart from any tokio runtime, since every `#[tokio::test]` has its own. Pools belong
//! to a runtime, so each test gets its own pool.
//!
//! Clean-up: dropping a [`TestDatabase`] drops its database (`WITH (FORCE)`, on a thread of its
//! own, since `Drop` cannot await). A process killed mid-test leaves its databases behind, so
//! the first test of each process against a `DATABASE_URL` server also drops the test
//! databases older than an hour (their names carry their creation time). A private server is
//! removed as a whole when the test process ends.

mod rng;

pub use rng::Rng;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{Connection, PgConnection};
use tokio::sync::OnceCell;

use crate::database::{pool_options, quote_identifier};
use crate::embedded::{EmbeddedServer, ServerMode};
use crate::{migrate, StoreError};

/// Names of test databases start with this, followed by the creation time in Unix seconds.
pub const TEST_DATABASE_PREFIX: &str = "bedrift_test_";

/// Test databases older than this are left-overs of killed test processes.
const STALE_AFTER: Duration = Duration::from_secs(3600);

struct TestServer {
    admin: PgConnectOptions,
    admin_url: String,
    _embedded: Option<EmbeddedServer>,
}

static SERVER: OnceCell<TestServer> = OnceCell::const_new();

/// The name of this process's migrated template database, made on first use: a test
/// database is a copy of it (`CREATE DATABASE .. TEMPLATE`), which is much quicker than
/// running every migration again for each test.
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// A fresh, migrated database, dropped again when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pool: PgPool,
    name: String,
    url: String,
    admin: PgConnectOptions,
}

impl TestDatabase {
    /// Creates and migrates a new database. Panics with the reason when that fails (no server
    /// installed, `DATABASE_URL` unreachable): there is nothing a test can do about it.
    pub async fn create() -> Self {
        match Self::try_create().await {
            Ok(database) => database,
            Err(e) => panic!("cannot create a test database: {e}"),
        }
    }

    /// Like [`TestDatabase::create`], returning the error.
    pub async fn try_create() -> Result<Self, StoreError> {
        let server = SERVER.get_or_try_init(start_server).await?;
        let template = TEMPLATE.get_or_try_init(|| create_template(server)).await?;
        let name = unique_name();
        let mut admin = PgConnection::connect_with(&server.admin).await?;
        sqlx::query(&format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_identifier(&name),
            quote_identifier(template)
        ))
        .execute(&mut admin)
        .await?;
        admin.close().await?;
        let pool = pool_options(8)
            .connect_with(server.admin.clone().database(&name))
            .await?;
        Ok(Self {
            pool,
            url: with_database(&server.admin_url, &name),
            name,
            admin: server.admin.clone(),
        })
    }

    /// A pool to the database, belonging to the current test's runtime.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options that connect to the database (for listeners or further pools).
    pub fn connect_options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }

    /// The database as a URL, e.g. for `DATABASE_URL` of a spawned `bedrift` process.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = std::mem::take(&mut self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime
                .block_on(drop_database(&admin, &name))
                .map_err(|e| e.to_string())
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop a test database: {e}");
        }
    }
}

/// A new test database name: the prefix, the creation time (for the clean-up of stale ones)
/// and a random part.
fn unique_name() -> String {
    format!(
        "{TEST_DATABASE_PREFIX}{}_{}",
        unix_seconds(),
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// Creates and migrates the template, and disconnects from it: a database can be copied only
/// while nobody is connected to it. Named like a test database, so a killed process's template
/// is cleaned up with its databases.
async fn create_template(server: &TestServer) -> Result<String, StoreError> {
    let name = unique_name();
    let mut admin = PgConnection::connect_with(&server.admin).await?;
    sqlx::query(&format!("CREATE DATABASE {}", quote_identifier(&name)))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let pool = pool_options(1)
        .connect_with(server.admin.clone().database(&name))
        .await?;
    migrate(&pool).await?;
    // Resolves once the pool's connection is closed.
    pool.close().await;
    Ok(name)
}

async fn start_server() -> Result<TestServer, StoreError> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty());
    match url {
        Some(url) => {
            let admin: PgConnectOptions = url.parse().map_err(|e| StoreError::Settings {
                name: "DATABASE_URL",
                message: format!("not a PostgreSQL URL: {e}"),
            })?;
            drop_stale_databases(&admin).await?;
            Ok(TestServer {
                admin,
                admin_url: url,
                _embedded: None,
            })
        }
        None => {
            let server = EmbeddedServer::start(ServerMode::Temporary).await?;
            Ok(TestServer {
                admin: server.connect_options(),
                admin_url: format!(
                    "postgres://postgres@localhost:5432/postgres?host={}",
                    server.socket_dir().display()
                ),
                _embedded: Some(server),
            })
        }
    }
}

async fn drop_stale_databases(admin: &PgConnectOptions) -> Result<(), StoreError> {
    let mut connection = PgConnection::connect_with(admin).await?;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
            .bind(TEST_DATABASE_PREFIX)
            .fetch_all(&mut connection)
            .await?;
    connection.close().await?;
    let cutoff = unix_seconds().saturating_sub(STALE_AFTER.as_secs());
    for name in names {
        let created = name[TEST_DATABASE_PREFIX.len()..]
            .split('_')
            .next()
            .and_then(|seconds| seconds.parse::<u64>().ok());
        if created.is_some_and(|created| created < cutoff) {
            drop_database(admin, &name).await?;
        }
    }
    Ok(())
}

async fn drop_database(admin: &PgConnectOptions, name: &str) -> Result<(), StoreError> {
    let mut connection = PgConnection::connect_with(admin).await?;
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_identifier(name)
    ))
    .execute(&mut connection)
    .await?;
    connection.close().await?;
    Ok(())
}

/// `url` with its database (the path) replaced by `name`, the query string kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?host=/tmp/x", "t2"),
            "postgres://u@h/t2?host=/tmp/x"
        );
        assert_eq!(with_database("postgres://u@h", "t3"), "postgres://u@h/t3");
    }
}
