//! Validated value types. Each has a `parse` constructor, so an invalid value cannot exist past
//! the edge of the system; the error says what a person must change.

mod category;
mod email;
mod error;
mod form_input;
mod ids;
mod language;
mod money;
mod month;
mod org_number;
mod person_name;
mod phone;
mod text;
mod zones;

pub use category::TravellerCategory;
pub use email::EmailAddress;
pub use error::InvalidValue;
pub use form_input::{FormInput, FormProblem};
pub use ids::{AccountId, CompanyId, SubscriptionId};
pub use language::Language;
pub use money::Money;
pub use month::Month;
pub use org_number::OrgNumber;
pub use person_name::{NameProblem, PersonName};
pub use phone::PhoneNumber;
pub use text::{BoundedText, EmployeeNumber, OrderLinkToken, PayTypeCode};
pub use zones::{ZoneClass, ZoneId, ZoneSelection};

/// What a person's erased data reads as, wherever it stood: in events whose data key was
/// deleted (see `bedrift_store::sealing`), in read models and in exports. No `parse` accepts
/// it (brackets are not allowed in names, numbers or addresses), so only erasure makes it;
/// the types that validate on reading (`PhoneNumber`, `PersonName`, `EmailAddress`) read it
/// back as their erased value.
pub const ERASED: &str = "[slettet]";
