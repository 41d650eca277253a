//! End-to-end tests of the API: the real router and projector on a fresh database, driven over
//! GraphQL (and once over a real TCP connection).

mod accounts;
mod audit;
mod audit_cli;
mod auth_boundary;
mod bad_input;
mod bad_input_orders;
mod concurrency;
mod delivery;
mod dispatch_kill;
mod docs;
mod exports;
mod flow;
mod flow_policies;
mod fuzz_orders;
mod health;
mod helpers;
mod hostile_input;
mod http_hardening;
mod isolation;
mod json_logs;
mod log_privacy;
mod notifications;
mod observability;
mod operator;
mod query_limits;
mod races;
mod rate_limits;
mod schema;
mod settings;
mod settings_isolation;
mod socket_sessions;
mod transport;
mod web;
mod websocket;
mod write_side;
