//! Identifiers: newtypes over UUIDs, so a company id cannot be passed where a subscription id is
//! expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::InvalidValue;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Parses the hyphenated text form.
            pub fn parse(text: &str) -> Result<Self, InvalidValue> {
                Uuid::parse_str(text.trim()).map(Self).map_err(|_| InvalidValue::Id)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// Identifies a company (virksomhet); also the id of its `Company` aggregate.
    CompanyId
);
uuid_id!(
    /// Identifies a subscription (abonnement); also the id of its `Subscription` aggregate.
    SubscriptionId
);
uuid_id!(
    /// Identifies an operator's or administrator's login account.
    AccountId
);
