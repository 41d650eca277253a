//! Tests of the billing function, one per guarantee of R8, R10, R12 and R14.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;

use super::*;
use crate::clock::{start_of_oslo_day, Clock, FixedClock};
use crate::company::{EmployerContribution, OrderForm, OrderingPolicy};
use crate::metadata::Actor;
use crate::subscription::{
    CancelAt, CompanyTerms, OrderDetails, Subscription, SubscriptionCommand, ZoneChangeFrom,
};
use crate::tariff::{agder, Price};
use crate::values::{AccountId, BoundedText, CompanyId, PersonName, PhoneNumber};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn noon(day: &str) -> DateTime<Utc> {
    FixedClock::on(date(day)).now()
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn kroner(kr: i64) -> Money {
    Money::from_ore(kr * 100).unwrap()
}

fn admin() -> Actor {
    Actor::Administrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
    }
}

fn zones(codes: &[&str]) -> ZoneSelection {
    ZoneSelection::parse(codes, false, &agder::example_version().zone_map).unwrap()
}

/// The example tariff, and from 2027-02-01 a version with every price 100 kroner higher.
fn prices() -> PriceList {
    let mut dearer = agder::example_version();
    dearer.valid_from = date("2027-02-01");
    dearer.prices = dearer
        .prices
        .iter()
        .map(|p| Price {
            monthly: p.monthly + kroner(100),
            ..*p
        })
        .collect::<Vec<_>>();
    PriceList::new(vec![agder::example_version(), dearer])
}

fn details() -> OrderDetails {
    OrderDetails {
        company: CompanyId::from_uuid(uuid::Uuid::from_u128(2)),
        phone: PhoneNumber::parse("41234567").unwrap(),
        first_name: PersonName::parse("Ola").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: None,
        extra_fields: BTreeMap::new(),
        zones: zones(&["kristiansand"]),
        category: TravellerCategory::Adult,
        language: crate::values::Language::Bokmal,
    }
}

/// A subscription driven by commands at given days, as the aggregate would see them.
struct Ticket(Subscription);

impl Ticket {
    fn created(on: &str, start: &str) -> Self {
        let mut ticket = Self(Subscription::default());
        ticket.run(
            on,
            SubscriptionCommand::Create {
                details: details(),
                form: crate::company::OrderForm::standard(),
                start_date: Some(date(start)),
                by: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
            },
        );
        ticket
    }

    fn run(&mut self, on: &str, command: SubscriptionCommand) -> &mut Self {
        for event in self.0.decide(command, noon(on)).unwrap() {
            self.0.apply(event);
        }
        self
    }

    fn charge(&self, m: &str, contributions: &ContributionHistory) -> Option<Charge> {
        charge(&self.0, month(m), &prices(), contributions).unwrap()
    }

    fn price(&self, m: &str) -> Option<Money> {
        self.charge(m, &ContributionHistory::default())
            .map(|c| c.price)
    }
}

#[test]
fn a_month_valid_on_a_single_day_is_charged_in_full() {
    let ticket = Ticket::created("2026-12-31", "2026-12-31");
    assert_eq!(ticket.price("2026-12"), Some(kroner(750)));
    assert_eq!(ticket.price("2026-11"), None);
}

#[test]
fn a_month_is_priced_by_the_tariff_in_force_on_its_first_valid_day() {
    let ticket = Ticket::created("2026-12-10", "2027-01-15");
    assert_eq!(ticket.price("2027-01"), Some(kroner(750)));
    assert_eq!(ticket.price("2027-02"), Some(kroner(850)));
    let late_starter = Ticket::created("2026-12-10", "2027-02-20");
    assert_eq!(late_starter.price("2027-02"), Some(kroner(850)));
}

#[test]
fn a_month_with_two_zone_selections_is_charged_at_the_dearer_one() {
    let mut ticket = Ticket::created("2026-12-01", "2026-12-01");
    ticket.run(
        "2026-12-10",
        SubscriptionCommand::ChangeZones {
            zones: zones(&["kristiansand", "vennesla"]),
            from: ZoneChangeFrom::Immediately,
            by: admin(),
            policy: OrderingPolicy::AutomaticApproval,
        },
    );
    ticket.run(
        "2026-12-20",
        SubscriptionCommand::ChangeZones {
            zones: zones(&["arendal"]),
            from: ZoneChangeFrom::NextMonth,
            by: admin(),
            policy: OrderingPolicy::AutomaticApproval,
        },
    );
    let december = ticket
        .charge("2026-12", &ContributionHistory::default())
        .unwrap();
    assert_eq!(december.price, kroner(1_050));
    assert_eq!(december.zones, zones(&["kristiansand", "vennesla"]));
    assert_eq!(
        ticket.price("2027-01"),
        Some(kroner(750)),
        "only Arendal is valid in January"
    );
}

#[test]
fn a_subscription_cancelled_before_its_start_date_is_charged_nothing() {
    let mut ticket = Ticket::created("2026-11-20", "2026-12-01");
    ticket.run(
        "2026-11-25",
        SubscriptionCommand::Cancel {
            at: CancelAt::EndOfMonth,
            by: admin(),
        },
    );
    for m in ["2026-11", "2026-12", "2027-01"] {
        assert_eq!(ticket.price(m), None, "{m}");
    }
}

#[test]
fn every_started_month_up_to_the_end_date_is_charged_and_none_after() {
    let mut ticket = Ticket::created("2026-11-20", "2026-12-01");
    ticket.run(
        "2027-01-05",
        SubscriptionCommand::Cancel {
            at: CancelAt::Immediately,
            by: admin(),
        },
    );
    assert_eq!(ticket.price("2026-12"), Some(kroner(750)));
    assert_eq!(ticket.price("2027-01"), Some(kroner(750)));
    assert_eq!(ticket.price("2027-02"), None);
}

#[test]
fn orders_that_were_never_approved_are_charged_nothing() {
    let order = || SubscriptionCommand::Order {
        details: details(),
        terms: CompanyTerms {
            policy: OrderingPolicy::ApprovalRequired,
            form: OrderForm::standard(),
        },
    };
    let mut pending = Ticket(Subscription::default());
    pending.run("2026-11-20", order());
    let mut rejected = Ticket(Subscription::default());
    rejected.run("2026-11-20", order()).run(
        "2026-11-21",
        SubscriptionCommand::Reject {
            reason: BoundedText::parse("Sluttet", "the reason", 1, 500).unwrap(),
            by: admin(),
        },
    );
    let mut withdrawn = Ticket(Subscription::default());
    withdrawn.run("2026-11-20", order()).run(
        "2026-11-21",
        SubscriptionCommand::WithdrawOrder { by: admin() },
    );
    for ticket in [pending, rejected, withdrawn] {
        assert_eq!(ticket.price("2026-12"), None);
    }
}

#[test]
fn a_percentage_contribution_rounds_half_up_and_the_deduction_is_the_rest() {
    let ticket = Ticket::created("2026-11-20", "2026-12-01");
    let mut contributions = ContributionHistory::default();
    contributions.record(
        noon("2026-11-01"),
        EmployerContribution::percent(33).unwrap(),
    );
    let december = ticket.charge("2026-12", &contributions).unwrap();
    // 33 % of 750.00 = 247.50 -> 247.50; of 1050.00 = 346.50.
    assert_eq!(
        december.employer_contribution,
        Money::from_ore(24_750).unwrap()
    );
    assert_eq!(december.deduction, Money::from_ore(50_250).unwrap());
    assert_eq!(
        december.employer_contribution + december.deduction,
        december.price
    );
}

#[test]
fn a_fixed_contribution_is_capped_at_the_price() {
    let ticket = Ticket::created("2026-11-20", "2026-12-01");
    let mut contributions = ContributionHistory::default();
    contributions.record(
        noon("2026-11-01"),
        EmployerContribution::Fixed {
            amount: kroner(2_000),
        },
    );
    let december = ticket.charge("2026-12", &contributions).unwrap();
    assert_eq!(december.employer_contribution, kroner(750));
    assert_eq!(december.deduction, Money::ZERO);
}

#[test]
fn a_contribution_change_applies_from_the_current_month_and_ended_months_keep_theirs() {
    let ticket = Ticket::created("2026-11-20", "2026-12-01");
    let mut contributions = ContributionHistory::default();
    contributions.record(
        noon("2026-11-01"),
        EmployerContribution::Fixed {
            amount: kroner(100),
        },
    );
    contributions.record(
        noon("2027-01-15"),
        EmployerContribution::Fixed {
            amount: kroner(300),
        },
    );
    assert_eq!(
        ticket
            .charge("2026-12", &contributions)
            .unwrap()
            .employer_contribution,
        kroner(100)
    );
    assert_eq!(
        ticket
            .charge("2027-01", &contributions)
            .unwrap()
            .employer_contribution,
        kroner(300)
    );
    // A change at the very first instant of February belongs to February, not January.
    contributions.record(
        start_of_oslo_day(date("2027-02-01")),
        EmployerContribution::None,
    );
    assert_eq!(
        ticket
            .charge("2027-01", &contributions)
            .unwrap()
            .employer_contribution,
        kroner(300)
    );
    assert_eq!(
        ticket
            .charge("2027-02", &contributions)
            .unwrap()
            .employer_contribution,
        Money::ZERO
    );
}

#[test]
fn a_subscription_that_was_never_ordered_is_an_error_not_a_free_month() {
    let result = charge(
        &Subscription::default(),
        month("2026-12"),
        &prices(),
        &ContributionHistory::default(),
    );
    assert_eq!(result, Err(BillingError::NotOrdered));
}
