//! Given/when/then tests of the company rules.

use std::sync::Arc;

use cqrs_es::test::TestFramework;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::metadata::Actor;
use crate::values::{Money, OrgNumber};

fn clock() -> FixedClock {
    FixedClock::on("2026-11-20".parse().unwrap())
}

fn framework() -> TestFramework<Company> {
    TestFramework::with(CompanyServices {
        clock: Arc::new(clock()),
    })
}

fn administrator(n: u128, email: &str) -> Administrator {
    Administrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(n)),
        email: EmailAddress::parse(email).unwrap(),
        name: BoundedText::parse("Kari Nordmann", "a name", 1, 200).unwrap(),
    }
}

fn operator() -> Actor {
    Actor::Operator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(99)),
    }
}

fn registered() -> Vec<CompanyEvent> {
    vec![
        CompanyEvent::CompanyRegistered {
            org_number: OrgNumber::parse("974760673").unwrap(),
            name: BoundedText::parse("Eksempel AS", "a name", 1, 200).unwrap(),
            invoice_email: EmailAddress::parse("faktura@eksempel.no").unwrap(),
            order_link: OrderLinkToken::parse("abcdefghijklmnopqrstuvwx").unwrap(),
            registered_by: operator(),
            registered_at: clock().now(),
        },
        CompanyEvent::AdministratorInvited {
            administrator: administrator(1, "kari@eksempel.no"),
            invited_by: operator(),
        },
    ]
}

#[tokio::test]
async fn registering_a_company_invites_its_contact_person_as_administrator() {
    framework()
        .given_no_previous_events()
        .when_async(CompanyCommand::Register {
            org_number: OrgNumber::parse("974760673").unwrap(),
            name: BoundedText::parse("Eksempel AS", "a name", 1, 200).unwrap(),
            invoice_email: EmailAddress::parse("faktura@eksempel.no").unwrap(),
            contact: administrator(1, "kari@eksempel.no"),
            order_link: OrderLinkToken::parse("abcdefghijklmnopqrstuvwx").unwrap(),
            by: operator(),
        })
        .await
        .then_expect_events(registered());
}

#[tokio::test]
async fn a_company_is_registered_only_once() {
    framework()
        .given(registered())
        .when_async(CompanyCommand::SetOrderingPolicy {
            policy: OrderingPolicy::Closed,
            by: operator(),
        })
        .await
        .then_expect_events(vec![CompanyEvent::OrderingPolicySet {
            policy: OrderingPolicy::Closed,
            set_by: operator(),
        }]);
    let result = framework()
        .given(registered())
        .when_async(CompanyCommand::Register {
            org_number: OrgNumber::parse("974760673").unwrap(),
            name: BoundedText::parse("Eksempel AS", "a name", 1, 200).unwrap(),
            invoice_email: EmailAddress::parse("faktura@eksempel.no").unwrap(),
            contact: administrator(1, "kari@eksempel.no"),
            order_link: OrderLinkToken::parse("abcdefghijklmnopqrstuvwx").unwrap(),
            by: operator(),
        })
        .await
        .inspect_result();
    assert_eq!(result.unwrap_err(), CompanyError::AlreadyRegistered);
}

#[tokio::test]
async fn settings_of_an_unregistered_company_are_refused() {
    framework()
        .given_no_previous_events()
        .when_async(CompanyCommand::SetOrderingPolicy {
            policy: OrderingPolicy::Closed,
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::NotFound);
}

#[tokio::test]
async fn an_email_address_is_an_administrator_of_a_company_only_once() {
    framework()
        .given(registered())
        .when_async(CompanyCommand::InviteAdministrator {
            administrator: administrator(2, "kari@eksempel.no"),
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::AlreadyAdministrator(
            EmailAddress::parse("kari@eksempel.no").unwrap(),
        ));
}

#[tokio::test]
async fn a_company_keeps_at_least_one_administrator() {
    framework()
        .given(registered())
        .when_async(CompanyCommand::RemoveAdministrator {
            account: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::LastAdministrator);
}

#[tokio::test]
async fn an_employer_contribution_is_recorded_with_the_instant_it_was_set() {
    let contribution = EmployerContribution::Fixed {
        amount: Money::from_ore(30_000).unwrap(),
    };
    framework()
        .given(registered())
        .when_async(CompanyCommand::SetEmployerContribution {
            contribution,
            by: operator(),
        })
        .await
        .then_expect_events(vec![CompanyEvent::EmployerContributionSet {
            contribution,
            set_by: operator(),
            set_at: clock().now(),
        }]);
}

#[test]
fn a_contribution_percentage_is_at_most_100() {
    assert!(EmployerContribution::percent(100).is_ok());
    assert!(EmployerContribution::percent(101).is_err());
}

#[test]
fn an_order_form_lists_each_field_once() {
    let field = ExtraField {
        label: BoundedText::parse("Avdeling", "a label", 1, 50).unwrap(),
        required: false,
    };
    assert_eq!(
        OrderForm::custom(FieldRequirement::Optional, vec![field.clone(), field]),
        Err(OrderFormError::DuplicateLabel("Avdeling".to_owned()))
    );
}

fn label(text: &str) -> BoundedText {
    BoundedText::parse(text, "a label", 1, 50).unwrap()
}

fn form_with(labels: &[&str]) -> CompanyEvent {
    let fields = labels
        .iter()
        .map(|l| ExtraField {
            label: label(l),
            required: false,
        })
        .collect();
    CompanyEvent::OrderFormConfigured {
        form: OrderForm::custom(FieldRequirement::Optional, fields).unwrap(),
        configured_by: operator(),
    }
}

#[tokio::test]
async fn payroll_settings_map_department_and_cost_centre_to_order_form_fields() {
    let mut given = registered();
    given.push(form_with(&["Avdeling", "Koststed"]));
    framework()
        .given(given)
        .when_async(CompanyCommand::SetPayrollSettings {
            pay_type_code: PayTypeCode::parse("5010").unwrap(),
            department_field: Some(label("Avdeling")),
            cost_centre_field: Some(label("Koststed")),
            by: operator(),
        })
        .await
        .then_expect_events(vec![CompanyEvent::PayrollSettingsSet {
            pay_type_code: PayTypeCode::parse("5010").unwrap(),
            department_field: Some(label("Avdeling")),
            cost_centre_field: Some(label("Koststed")),
            set_by: operator(),
        }]);
}

#[tokio::test]
async fn a_payroll_mapping_to_a_field_the_form_lacks_is_refused() {
    let mut given = registered();
    given.push(form_with(&["Avdeling"]));
    framework()
        .given(given)
        .when_async(CompanyCommand::SetPayrollSettings {
            pay_type_code: PayTypeCode::parse("5010").unwrap(),
            department_field: Some(label("Avdeling")),
            cost_centre_field: Some(label("Prosjekt")),
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::UnknownCostCentreField(label("Prosjekt")));
}

#[test]
fn payroll_settings_stored_before_the_mapping_existed_load_without_one() {
    let stored = serde_json::json!({ "PayrollSettingsSet": {
        "pay_type_code": "5010", "set_by": serde_json::to_value(operator()).unwrap() } });
    let event: CompanyEvent = serde_json::from_value(stored).unwrap();
    let CompanyEvent::PayrollSettingsSet {
        department_field,
        cost_centre_field,
        ..
    } = event
    else {
        panic!("{event:?}")
    };
    assert_eq!((department_field, cost_centre_field), (None, None));
}

#[tokio::test]
async fn an_administrator_is_removed_unless_they_are_the_last_one() {
    let mut given = registered();
    given.push(CompanyEvent::AdministratorInvited {
        administrator: administrator(2, "ola@eksempel.no"),
        invited_by: operator(),
    });
    let remove = |n: u128| CompanyCommand::RemoveAdministrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(n)),
        by: operator(),
    };
    framework()
        .given(given.clone())
        .when_async(remove(2))
        .await
        .then_expect_events(vec![CompanyEvent::AdministratorRemoved {
            account: AccountId::from_uuid(uuid::Uuid::from_u128(2)),
            removed_by: operator(),
        }]);
    given.push(CompanyEvent::AdministratorRemoved {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(2)),
        removed_by: operator(),
    });
    framework()
        .given(given)
        .when_async(remove(1))
        .await
        .then_expect_error(CompanyError::LastAdministrator);
}

#[tokio::test]
async fn the_name_and_invoice_address_change_with_who_changed_them() {
    let name = BoundedText::parse("Eksempel Sør AS", "a name", 1, 200).unwrap();
    let email = EmailAddress::parse("regnskap@eksempel.no").unwrap();
    framework()
        .given(registered())
        .when_async(CompanyCommand::UpdateDetails {
            name: name.clone(),
            invoice_email: email.clone(),
            by: operator(),
        })
        .await
        .then_expect_events(vec![CompanyEvent::CompanyDetailsUpdated {
            name,
            invoice_email: email,
            updated_by: operator(),
        }]);
}

#[tokio::test]
async fn a_company_is_deactivated_from_a_day_not_in_the_past_and_then_changes_no_more() {
    let ends_on = |text: &str| -> NaiveDate { text.parse().unwrap() };
    framework()
        .given(registered())
        .when_async(CompanyCommand::Deactivate {
            ends_on: ends_on("2026-11-19"),
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::EndDateInPast);
    let deactivated = CompanyEvent::CompanyDeactivated {
        ends_on: ends_on("2026-11-30"),
        deactivated_by: operator(),
        deactivated_at: clock().now(),
    };
    framework()
        .given(registered())
        .when_async(CompanyCommand::Deactivate {
            ends_on: ends_on("2026-11-30"),
            by: operator(),
        })
        .await
        .then_expect_events(vec![deactivated.clone()]);
    let mut events = registered();
    events.push(deactivated);
    framework()
        .given(events.clone())
        .when_async(CompanyCommand::SetOrderingPolicy {
            policy: OrderingPolicy::AutomaticApproval,
            by: operator(),
        })
        .await
        .then_expect_error(CompanyError::Deactivated(ends_on("2026-11-30")));
    let mut company = Company::default();
    for event in events {
        company.apply(event);
    }
    assert_eq!(
        company.employee_terms().policy,
        OrderingPolicy::Closed,
        "a deactivated company takes no orders and no zone changes from employees"
    );
}

#[tokio::test]
async fn each_administrator_chooses_how_they_hear_of_waiting_orders_and_only_for_themself() {
    let kari = AccountId::from_uuid(uuid::Uuid::from_u128(1));
    let admin = Actor::Administrator { account: kari };
    let digest = CompanyCommand::SetOrderNotice {
        account: kari,
        notice: OrderNotice::DailyDigest,
        by: admin.clone(),
    };
    let chosen = CompanyEvent::OrderNoticeSet {
        account: kari,
        notice: OrderNotice::DailyDigest,
        set_by: admin.clone(),
    };
    framework()
        .given(registered())
        .when_async(digest.clone())
        .await
        .then_expect_events(vec![chosen.clone()]);
    let mut given = registered();
    given.push(chosen);
    // The same choice again changes nothing, so it is no event.
    framework()
        .given(given)
        .when_async(digest)
        .await
        .then_expect_events(vec![]);
    framework()
        .given(registered())
        .when_async(CompanyCommand::SetOrderNotice {
            account: AccountId::from_uuid(uuid::Uuid::from_u128(7)),
            notice: OrderNotice::DailyDigest,
            by: admin,
        })
        .await
        .then_expect_error(CompanyError::NotAnAdministrator);
}
