//! Integration tests of the store against real PostgreSQL: the `DATABASE_URL` server when set,
//! else a private one. Each test gets a fresh database.

mod chain;
mod claims;
mod commands;
mod counter;
mod embedded;
mod event_log;
mod sealing;
mod subscription_races;
mod tls;
