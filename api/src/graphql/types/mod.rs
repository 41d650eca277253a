//! The object types of the schema, one concept per file.

pub mod company;
pub mod enums;
pub mod history;
pub mod history_change;
pub mod invoice;
pub mod payroll;
pub mod public;
pub mod settings;
pub mod subscription;
