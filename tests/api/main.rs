//! End-to-end tests of the API: the real router and projector on a fresh database, driven over
//! GraphQL (and once over a real TCP connection).

mod bad_input;
mod flow;
mod helpers;
mod isolation;
mod races;
mod schema;
mod transport;
