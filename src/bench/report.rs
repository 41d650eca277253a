//! The benchmark's report: the rates, the ratios to the raw read rate (the target: a rebuild
//! at 25% or more of it), and where a rebuild's time goes.

use std::time::Duration;

use bedrift_projections::rebuild::REBUILD_BATCH;

use super::breakdown::Breakdown;
use super::fill::Loaded;
use super::measure::Pass;

/// The rebuild's target share of the raw read rate.
pub const REBUILD_TARGET: f64 = 0.25;

/// Everything measured in one run.
#[derive(Debug)]
pub struct Results {
    /// The generated log.
    pub loaded: Loaded,
    /// `events` with its indexes and TOAST, on disk.
    pub table_bytes: u64,
    /// (a) `COPY ... TO STDOUT`.
    pub raw: Pass,
    /// (b) Full rebuild.
    pub rebuild: Pass,
    /// (c) The projector catching up from scratch.
    pub catch_up: Pass,
    /// A rebuild-like pass, timed by part.
    pub breakdown: Breakdown,
}

/// Prints the report on stdout.
pub fn print(results: &Results) {
    let Results {
        loaded,
        raw,
        rebuild,
        catch_up,
        breakdown,
        ..
    } = results;
    let stats = loaded.stats;
    println!();
    println!("bench projections");
    println!(
        "  N = {} events: {} companies, {} subscriptions ({:.1} events each), {} refused commands",
        loaded.events,
        stats.companies,
        stats.subscriptions,
        loaded.events as f64 / stats.subscriptions.max(1) as f64,
        stats.refused
    );
    println!(
        "  events table {:.0} MB on disk, {:.0} B of JSON per event",
        mb(results.table_bytes),
        loaded.json_bytes as f64 / loaded.events.max(1) as f64
    );
    println!(
        "  load (generate + insert)  {:>9.0} events/s  ({:.1} s)",
        crate::cli::progress::rate(loaded.events, loaded.elapsed),
        loaded.elapsed.as_secs_f64()
    );
    println!(
        "  (a) raw COPY read         {:>9.0} rows/s    ({:.1} s, {} rows, {:.0} MB/s)",
        raw.rate(),
        raw.elapsed.as_secs_f64(),
        raw.count,
        mb(raw.bytes) / raw.elapsed.as_secs_f64().max(1e-9)
    );
    println!(
        "  (b) full rebuild          {:>9.0} events/s  ({:.1} s)  = {:.1}% of raw (target >= {:.0}%){}",
        rebuild.rate(),
        rebuild.elapsed.as_secs_f64(),
        100.0 * rebuild.rate() / raw.rate(),
        100.0 * REBUILD_TARGET,
        if rebuild.rate() / raw.rate() >= REBUILD_TARGET { "" } else { "  BELOW TARGET" }
    );
    println!(
        "  (c) projector catch-up    {:>9.0} events/s  ({:.1} s)  = {:.1}% of raw",
        catch_up.rate(),
        catch_up.elapsed.as_secs_f64(),
        100.0 * catch_up.rate() / raw.rate()
    );
    println!(
        "  where a rebuild's time goes ({} events, {:.1} s in all):",
        breakdown.events,
        breakdown.total.as_secs_f64()
    );
    let part = |name: &str, spent: Duration| {
        println!(
            "    {name:<22} {:>7.2} s  {:>5.1}%",
            spent.as_secs_f64(),
            100.0 * spent.as_secs_f64() / breakdown.total.as_secs_f64().max(1e-9)
        );
    };
    part("fetch (SQL + rows)", breakdown.fetch);
    part("decode payloads", breakdown.decode);
    for (model, spent) in &breakdown.apply {
        part(&format!("apply {model}"), *spent);
    }
    part("begin + commit", breakdown.commit);
    let (by_index, by_alias) = breakdown.first_batch;
    println!(
        "  first {} events fetched ordered by events.tx_id: {:.0} ms; by the alias tx_id (as read_safe does): {:.0} ms",
        REBUILD_BATCH,
        by_index.as_secs_f64() * 1000.0,
        by_alias.as_secs_f64() * 1000.0
    );
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}
