//! The domain of Bedriftsbillett: value types, the `Subscription`, `Company` and `Tariff`
//! aggregates, and the billing function. Pure: no I/O and no clock reads (the clock is a
//! service handed in), so every rule of SPEC.md that the domain owns is decided and tested here.

pub mod billing;
pub mod clock;
pub mod company;
pub mod messages;
pub mod metadata;
pub mod personal;
pub mod subscription;
pub mod tariff;
pub mod upcasting;
pub mod values;
