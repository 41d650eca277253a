//! The benchmark's own database, `bedrift_bench_<uuid>`, created fresh on the configured server
//! (through the private server's admin connection when `DATABASE_URL` is unset) and dropped
//! again at the end.

use anyhow::Context;
use bedrift_store::{pool_options, quote_identifier, Database, DatabaseSettings, PgPool};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// Names of benchmark databases start with this.
pub const BENCH_DATABASE_PREFIX: &str = "bedrift_bench_";

/// A fresh database on the server `admin` connects to.
#[derive(Debug)]
pub struct BenchDatabase {
    admin: PgConnectOptions,
    name: String,
}

impl BenchDatabase {
    /// Creates an empty database next to `database`'s.
    pub async fn create(settings: &DatabaseSettings, database: &Database) -> anyhow::Result<Self> {
        let admin = match (&settings.url, database.embedded_server()) {
            (_, Some(server)) => server.connect_options(),
            (Some(url), None) => url
                .parse()
                .context("DATABASE_URL is not a PostgreSQL URL")?,
            (None, None) => anyhow::bail!("no server to create the benchmark database on"),
        };
        let name = format!("{BENCH_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        execute(
            &admin,
            &format!("CREATE DATABASE {}", quote_identifier(&name)),
        )
        .await?;
        eprintln!("created database {name}");
        Ok(Self { admin, name })
    }

    /// Options that connect to it.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }

    /// A pool of `connections` to it.
    pub async fn pool(&self, connections: u32) -> anyhow::Result<PgPool> {
        Ok(pool_options(connections)
            .connect_with(self.connect_options())
            .await?)
    }

    /// Drops it, with whatever connections are still open.
    pub async fn drop(self) -> anyhow::Result<()> {
        execute(
            &self.admin,
            &format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_identifier(&self.name)
            ),
        )
        .await
        .with_context(|| format!("dropping the benchmark database {}", self.name))?;
        eprintln!("dropped database {}", self.name);
        Ok(())
    }
}

async fn execute(admin: &PgConnectOptions, statement: &str) -> anyhow::Result<()> {
    let mut connection = PgConnection::connect_with(admin).await?;
    sqlx::query(statement).execute(&mut connection).await?;
    connection.close().await?;
    Ok(())
}
