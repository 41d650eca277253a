//! Logging: human-readable lines by default, JSON with `LOG_FORMAT=json`; the level and
//! per-module filters come from `RUST_LOG` (default `info`, with sqlx's notices at `warn`; the
//! load bench's default is `warn`, see [`Defaults`]).

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set.
#[derive(Debug, Clone, Copy)]
pub enum Defaults {
    /// `info`: what the service did, a line per request.
    Service,
    /// `warn`: for the load bench, whose output is its progress and its report. A line per
    /// request would bury both and cost the server under test a tenth of its throughput.
    Quiet,
}

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(defaults: Defaults) {
    let default = match defaults {
        Defaults::Service => "info,sqlx=warn",
        Defaults::Quiet => "warn",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}
