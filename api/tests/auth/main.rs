//! Tests of the authentication layer against real PostgreSQL, a fresh database each.

mod accounts;
mod helpers;
mod links;
mod outbox;
mod rate_limits;
mod sessions;
mod sms;
mod storage;
