//! Which values of a stored event are personal data, so the store can seal them under the
//! subscription's data key (`bedrift_store::sealing`). Names the values by JSON pointer into
//! the event's body (the object under its variant's name), so that this list, the event
//! types and the sealing agree in one place.
//!
//! Personal, in a subscription's events: the holder's phone, first and last name, employee
//! number and each form answer (its label is the company's, not personal), and the phone of an
//! employee who acted (an actor `{"kind": "employee", "phone": ...}` under any key). In a
//! company's events: an invited administrator's e-mail address and name, sealed under a key of
//! their own (their account), since an administrator's data goes when they do, not with the
//! company.

use serde_json::Value;

use uuid::Uuid;

use crate::company::Company;
use crate::metadata::Actor;
use crate::subscription::Subscription;
use cqrs_es::Aggregate;

/// Whose key seals an event's personal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOwner {
    /// The subscription's own key (its holder, a phone at a company).
    Subscription,
    /// An administrator's key at the company, by their account.
    Account(Uuid),
}

/// Whose key seals the personal values of an event of `aggregate_type` with this body.
pub fn key_owner(aggregate_type: &str, body: &Value) -> KeyOwner {
    match body
        .pointer("/administrator/account")
        .and_then(Value::as_str)
    {
        Some(account) if aggregate_type == Company::TYPE => account
            .parse()
            .map_or(KeyOwner::Subscription, KeyOwner::Account),
        _ => KeyOwner::Subscription,
    }
}

/// The administrator's fields that are personal, in company events naming one.
const ADMINISTRATOR_FIELDS: [&str; 2] = ["/administrator/email", "/administrator/name"];

/// The holder's fields that are personal, in `SubscriptionOrdered` and
/// `EmployeeDetailsUpdated` bodies.
const HOLDER_FIELDS: [&str; 4] = ["phone", "first_name", "last_name", "employee_number"];

/// JSON pointers (relative to `body`) of the personal values in an event of `aggregate_type`,
/// leaving out values already erased.
pub fn personal_values(aggregate_type: &str, body: &Value) -> Vec<String> {
    let Value::Object(fields) = body else {
        return Vec::new();
    };
    if aggregate_type == Company::TYPE {
        return ADMINISTRATOR_FIELDS
            .iter()
            .filter(|pointer| {
                body.pointer(pointer)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v != crate::values::ERASED)
            })
            .map(|pointer| (*pointer).to_owned())
            .collect();
    }
    if aggregate_type != Subscription::TYPE {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (name, value) in fields {
        if HOLDER_FIELDS.contains(&name.as_str()) && value.is_string() {
            found.push(format!("/{}", escape(name)));
        } else if name == "extra_fields" {
            if let Value::Object(answers) = value {
                for (label, answer) in answers {
                    if answer.is_string() {
                        found.push(format!("/extra_fields/{}", escape(label)));
                    }
                }
            }
        } else if value.get("kind") == Some(&Value::from("employee"))
            && value.get("phone").is_some_and(Value::is_string)
        {
            found.push(format!("/{}/phone", escape(name)));
        }
    }
    found.retain(|pointer| {
        body.pointer(pointer).and_then(Value::as_str) != Some(crate::values::ERASED)
    });
    found
}

/// Whether an event's stored actor (the metadata's `actor`, as JSON text) names an employee
/// by phone, and so is personal.
pub fn actor_is_personal(actor: &str) -> bool {
    matches!(
        serde_json::from_str::<Actor>(actor),
        Ok(Actor::Employee { ref phone, .. }) if !phone.is_erased()
    )
}

/// The stored actor with an employee's phone erased (unchanged for other actors).
pub fn erased_actor(actor: &str) -> String {
    match serde_json::from_str::<Actor>(actor) {
        Ok(mut parsed) => {
            parsed.erase();
            serde_json::to_string(&parsed).unwrap_or_else(|_| actor.to_owned())
        }
        Err(_) => actor.to_owned(),
    }
}

/// A JSON pointer token: `~` and `/` escaped (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_orders_holder_answers_and_acting_employee_are_personal_but_not_its_labels_or_zones() {
        let body = json!({
            "company": "6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55",
            "phone": "+4791234567",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "employee_number": null,
            "extra_fields": { "Avdeling/kontor": "Økonomi", "Prosjekt": "[slettet]" },
            "zones": { "kind": "one", "zone": "kristiansand" },
            "ordered_by": { "kind": "employee", "phone": "+4791234567", "company": "6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55" },
        });
        let mut found = personal_values("Subscription", &body);
        found.sort();
        assert_eq!(
            found,
            [
                "/extra_fields/Avdeling~1kontor",
                "/first_name",
                "/last_name",
                "/ordered_by/phone",
                "/phone",
            ]
        );
        for pointer in &found {
            assert!(
                body.pointer(pointer).is_some(),
                "{pointer} points at a value"
            );
        }
        assert!(personal_values("Company", &body).is_empty());
        assert_eq!(key_owner("Subscription", &body), KeyOwner::Subscription);
    }

    #[test]
    fn an_invited_administrators_address_and_name_are_personal_under_their_own_key() {
        let account = "0d7b9e2c-3f1a-4c55-9d7e-2f1c0a9b8e11";
        let body = json!({
            "administrator": { "account": account, "email": "kari@firma.no", "name": "Kari Nordmann" },
            "invited_by": { "kind": "operator", "account": "6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55" },
        });
        assert_eq!(
            personal_values("Company", &body),
            ["/administrator/email", "/administrator/name"]
        );
        assert_eq!(
            key_owner("Company", &body),
            KeyOwner::Account(account.parse().unwrap())
        );
        let registered = json!({ "org_number": "974760673", "name": "Firma AS", "invoice_email": "faktura@firma.no" });
        assert!(personal_values("Company", &registered).is_empty());
    }

    #[test]
    fn an_administrators_or_the_services_action_is_not_personal() {
        let body = json!({ "decided_by": { "kind": "administrator", "account": "0d7b9e2c-3f1a-4c55-9d7e-2f1c0a9b8e11" } });
        assert!(personal_values("Subscription", &body).is_empty());
        assert!(!actor_is_personal(r#"{"kind":"system"}"#));
        let employee = r#"{"kind":"employee","phone":"+4791234567","company":"6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55"}"#;
        assert!(actor_is_personal(employee));
        let erased = erased_actor(employee);
        assert!(!erased.contains("4791234567"));
        assert!(!actor_is_personal(&erased));
    }
}
