//! The object types of the schema, one concept per file.

pub mod company;
pub mod enums;
pub mod payroll;
pub mod public;
pub mod subscription;
