//! Filling the benchmark database: the generator runs on a blocking thread and hands over
//! chunks of about ten thousand events, each inserted in one statement (one transaction) while
//! the next chunk is being generated.

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use tokio::sync::mpsc;

use super::generate::{Generator, Stats};
use super::rows::{Chunk, INSERT_CHUNK};
use crate::cli::progress::ProgressLine;

/// Events per insert statement.
pub const CHUNK_ROWS: usize = 10_000;

/// What loading did.
#[derive(Debug, Clone, Copy)]
pub struct Loaded {
    /// Events inserted.
    pub events: u64,
    /// JSON bytes (payload and metadata) inserted.
    pub json_bytes: u64,
    /// What the generator made.
    pub stats: Stats,
    /// Time taken, generation and insertion overlapping.
    pub elapsed: Duration,
}

/// Generates and inserts at least `events` events.
pub async fn load(options: &PgConnectOptions, events: u64) -> anyhow::Result<Loaded> {
    let started = Instant::now();
    let (sender, mut receiver) = mpsc::channel::<Chunk>(2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut generator = Generator::new(0x5eed);
        let mut generated = 0;
        while generated < events {
            let mut chunk = Chunk::default();
            generator.fill(&mut chunk, CHUNK_ROWS);
            generated += chunk.len() as u64;
            if sender.blocking_send(chunk).is_err() {
                break;
            }
        }
        generator.stats
    });
    let mut connection = PgConnection::connect_with(options).await?;
    // Loading is preparation, not what is measured: no need to wait for each flush.
    sqlx::query("SET synchronous_commit = off")
        .execute(&mut connection)
        .await?;
    let mut line = ProgressLine::new("generating and inserting", "events");
    let (mut inserted, mut json_bytes) = (0u64, 0u64);
    while let Some(chunk) = receiver.recv().await {
        sqlx::query(INSERT_CHUNK)
            .bind(&chunk.aggregate_type)
            .bind(&chunk.aggregate_id)
            .bind(&chunk.sequence)
            .bind(&chunk.event_type)
            .bind(&chunk.event_version)
            .bind(&chunk.payload)
            .bind(&chunk.metadata)
            .execute(&mut connection)
            .await
            .context("inserting generated events")?;
        inserted += chunk.len() as u64;
        json_bytes += chunk.json_bytes() as u64;
        line.update(inserted.min(events), events);
    }
    line.finish();
    connection.close().await?;
    let stats = generator.await.context("the generator panicked")?;
    Ok(Loaded {
        events: inserted,
        json_bytes,
        stats,
        elapsed: started.elapsed(),
    })
}
