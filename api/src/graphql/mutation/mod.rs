//! The mutations of SPEC.md's API surface, grouped by who uses them. Each returns the state
//! after its own change (read-your-writes, see `crate::commands`).

mod account;
mod administrators;
mod api_keys;
mod bulk;
mod company;
mod employee;
pub(crate) mod input;
mod password;
mod personal;
mod privacy;
mod settings;
mod subscription;
mod tariff;
mod tickets;
pub(crate) mod webhooks;

use async_graphql::MergedObject;

/// Everything that can be changed.
#[derive(Debug, Default, MergedObject)]
pub struct MutationRoot(
    account::AccountMutations,
    api_keys::ApiKeyMutations,
    administrators::AdministratorMutations,
    bulk::BulkMutations,
    company::CompanyMutations,
    employee::EmployeeMutations,
    subscription::SubscriptionMutations,
    password::PasswordMutations,
    personal::PersonalMutations,
    privacy::PrivacyMutations,
    settings::SettingsMutations,
    tariff::TariffMutations,
    tickets::TicketMutations,
    webhooks::WebhookMutations,
);
