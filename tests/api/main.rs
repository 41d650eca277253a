//! End-to-end tests of the API: the real router and projector on a fresh database, driven over
//! GraphQL (and once over a real TCP connection).

mod accounts;
mod administration;
mod audit;
mod audit_cli;
mod bad_input;
mod bad_input_orders;
mod bulk_approve;
mod concurrency;
mod delivery;
mod dispatch_kill;
mod exports;
mod flow;
mod flow_policies;
mod fuzz_orders;
mod health;
mod helpers;
mod history_people;
mod isolation;
mod json_logs;
mod language;
mod notifications;
mod observability;
mod operator;
mod precise_refusals;
mod prices_at_start;
mod races;
mod rate_limits;
mod schema;
mod settings;
mod settings_isolation;
mod ticket_export;
mod ticket_search;
mod transport;
mod web;
mod websocket;
