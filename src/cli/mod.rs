//! The subcommands of `bedrift`, one module each, with what they share: stopping on a signal
//! and a progress line.

pub mod audit;
pub mod dispatch;
pub mod healthcheck;
pub mod keys;
pub mod migrate;
pub mod operator;
pub mod privacy;
pub mod progress;
pub mod rebuild;
pub mod report;
pub mod serve;
pub mod signal;
pub mod status;
