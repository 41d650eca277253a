//! What an order says: the company, the traveller and the ticket as typed on the order form or
//! in the portal. The command carries it in, `SubscriptionOrdered` carries it into the log, and
//! the ordered subscription keeps it, so none of it can be missing once a subscription exists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::values::{
    CompanyId, EmployeeNumber, Language, PersonName, PhoneNumber, TravellerCategory, ZoneSelection,
};

/// The order as typed on the order form or in the portal.
///
/// Stored flattened into `SubscriptionOrdered`: its fields are the event's own JSON fields, as
/// they were before the event carried one `OrderDetails`, so stored events load unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetails {
    /// The company that pays.
    pub company: CompanyId,
    /// The traveller's mobile number.
    pub phone: PhoneNumber,
    /// First name as on ID.
    pub first_name: PersonName,
    /// Last name as on ID.
    pub last_name: PersonName,
    /// Employee number, when the form asks for it.
    pub employee_number: Option<EmployeeNumber>,
    /// Answers to the company's extra fields, by label.
    pub extra_fields: BTreeMap<String, String>,
    /// Zones as ordered (later changes are the subscription's zone periods).
    pub zones: ZoneSelection,
    /// Traveller category; never changes (R9).
    pub category: TravellerCategory,
    /// The language the order was made in; the messages about it are written in it (bokmål
    /// for orders stored before languages). Bokmål is not written, so an order stored before
    /// languages existed is stored the same way again.
    #[serde(default, skip_serializing_if = "Language::is_bokmal")]
    pub language: Language,
}

/// The employee's details an administrator may correct at any time (R18): the names, the
/// employee number and the answers to the company's form, as they stand from the correction
/// on. The phone, the company, the zones and the category are not details: they are changed by
/// their own rules (R8, R9) or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeDetails {
    /// First name as on ID (R3).
    pub first_name: PersonName,
    /// Last name as on ID (R3).
    pub last_name: PersonName,
    /// Employee number, when the form asks for it.
    pub employee_number: Option<EmployeeNumber>,
    /// Answers to the company's extra fields, by label; every answer, not only the changed ones.
    pub extra_fields: BTreeMap<String, String>,
}

impl OrderDetails {
    /// The correctable details of this order.
    pub fn employee_details(&self) -> EmployeeDetails {
        EmployeeDetails {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            employee_number: self.employee_number.clone(),
            extra_fields: self.extra_fields.clone(),
        }
    }

    /// Replaces every personal value (phone, names, employee number, form answers; the labels
    /// stay) with the erased placeholder, as the log reads once the data key is gone.
    pub fn erase(&mut self) {
        self.phone = PhoneNumber::erased();
        self.first_name = PersonName::erased();
        self.last_name = PersonName::erased();
        if self.employee_number.is_some() {
            self.employee_number = Some(EmployeeNumber::erased());
        }
        for answer in self.extra_fields.values_mut() {
            crate::values::ERASED.clone_into(answer);
        }
    }

    /// Takes `details` in place of the order's own.
    pub fn correct(&mut self, details: EmployeeDetails) {
        self.first_name = details.first_name;
        self.last_name = details.last_name;
        self.employee_number = details.employee_number;
        self.extra_fields = details.extra_fields;
    }
}
