//! Given/when/then tests of the subscription rules, one per guarantee, by theme; this module
//! holds the fixtures they share.

mod changes;
mod decisions;
mod erasure;
mod ordering;
mod requests;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::clock::FixedClock;
use crate::company::{ExtraField, FieldRequirement, OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::tariff::agder;
use crate::values::{
    AccountId, BoundedText, CompanyId, EmployeeNumber, FormInput, FormProblem, InvalidValue,
    PersonName, PhoneNumber, TravellerCategory, ZoneSelection,
};

pub(super) fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub(super) fn clock(today: &str) -> FixedClock {
    FixedClock::on(date(today))
}

pub(super) fn now(today: &str) -> DateTime<Utc> {
    use crate::clock::Clock;
    clock(today).now()
}

pub(super) fn on(today: &str) -> TestFramework<Subscription> {
    TestFramework::with(SubscriptionServices {
        clock: Arc::new(clock(today)),
    })
}

pub(super) fn company() -> CompanyId {
    CompanyId::from_uuid(uuid::Uuid::from_u128(7))
}

pub(super) fn admin() -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(42))
}

pub(super) fn phone() -> PhoneNumber {
    PhoneNumber::parse("912 34 567").unwrap()
}

pub(super) fn employee() -> Actor {
    Actor::Employee {
        phone: phone(),
        company: company(),
    }
}

pub(super) fn administrator() -> Actor {
    Actor::Administrator { account: admin() }
}

pub(super) fn zones(codes: &[&str]) -> ZoneSelection {
    ZoneSelection::parse(codes, false, &agder::example_version().zone_map).unwrap()
}

pub(super) fn details() -> OrderDetails {
    OrderDetails {
        company: company(),
        phone: phone(),
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: Some(EmployeeNumber::parse("1042").unwrap()),
        extra_fields: BTreeMap::new(),
        zones: zones(&["kristiansand"]),
        category: TravellerCategory::Adult,
        language: crate::values::Language::Bokmal,
    }
}

pub(super) fn terms(policy: OrderingPolicy) -> CompanyTerms {
    CompanyTerms {
        policy,
        form: OrderForm::standard(),
    }
}

pub(super) fn order(policy: OrderingPolicy) -> SubscriptionCommand {
    SubscriptionCommand::Order {
        details: details(),
        terms: terms(policy),
    }
}

pub(super) fn ordered(start: &str, at: &str) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionOrdered {
        details: details(),
        start_date: date(start),
        ordered_by: employee(),
        ordered_at: now(at),
    }
}

pub(super) fn approved(valid_from: &str, at: &str) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionApproved {
        decided_by: administrator(),
        decided_at: now(at),
        valid_from: date(valid_from),
    }
}

/// An approved subscription ordered on 2026-11-20, valid from 2026-12-01.
pub(super) fn running() -> Vec<SubscriptionEvent> {
    vec![
        ordered("2026-12-01", "2026-11-20"),
        approved("2026-12-01", "2026-11-21"),
    ]
}

pub(super) fn state_problem(problem: StateProblem) -> SubscriptionError {
    SubscriptionError::InvalidState(problem)
}
