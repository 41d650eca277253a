//! Integration tests of the projector and the read models, against real PostgreSQL with a
//! fresh database per test.

mod audit;
mod consistency;
mod crashes;
mod ordering;
mod payroll;
mod status_filter;
mod support;
