//! End-to-end tests of the API: the real router and projector on a fresh database, driven over
//! GraphQL (and once over a real TCP connection).

mod accounts;
mod audit;
mod bad_input;
mod bad_input_orders;
mod flow;
mod flow_policies;
mod health;
mod helpers;
mod isolation;
mod operator;
mod races;
mod schema;
mod settings;
mod settings_isolation;
mod transport;
mod web;
mod websocket;
