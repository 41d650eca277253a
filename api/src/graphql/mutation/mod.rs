//! The mutations of SPEC.md's API surface, grouped by who uses them. Each returns the state
//! after its own change (read-your-writes, see `crate::commands`).

mod account;
mod company;
mod employee;
mod input;
mod subscription;

use async_graphql::MergedObject;

/// Everything that can be changed.
#[derive(Debug, Default, MergedObject)]
pub struct MutationRoot(
    account::AccountMutations,
    company::CompanyMutations,
    employee::EmployeeMutations,
    subscription::SubscriptionMutations,
);
