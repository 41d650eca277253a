//! Property tests over random command sequences on one subscription (and its company's
//! employer contribution), with the clock moving forward between commands:
//!
//! - R12: no month outside the subscription's valid period is charged, and every month inside
//!   it is: the charged months run without a gap from its first to its last valid day.
//! - R13: no command changes what an ended month was charged.

use std::collections::{BTreeMap, BTreeSet};

use bedrift_domain::billing::{charge, Charge};
use bedrift_domain::clock::{oslo_date, start_of_oslo_day};
use bedrift_domain::company::{
    ContributionHistory, EmployerContribution, OrderForm, OrderingPolicy,
};
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::{
    CancelAt, CompanyTerms, OrderDetails, OrderStatus, Subscription, SubscriptionCommand,
    ZoneChangeFrom,
};
use bedrift_domain::tariff::{agder, Price, PriceList};
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, Money, Month, PersonName, PhoneNumber, TravellerCategory,
    ZoneSelection,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use cqrs_es::Aggregate;
use proptest::prelude::*;

/// One step of a scenario: let some hours pass, then do something.
#[derive(Debug, Clone)]
enum Step {
    Approve,
    Reject,
    Withdraw,
    ChangeZones { zones: usize, immediately: bool },
    Cancel { by_admin: bool, immediately: bool },
    Resume,
    SetContribution(EmployerContribution),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Approve),
        1 => Just(Step::Reject),
        1 => Just(Step::Withdraw),
        3 => (0..ZONE_CHOICES.len(), any::<bool>()).prop_map(|(zones, immediately)| Step::ChangeZones { zones, immediately }),
        3 => (any::<bool>(), any::<bool>()).prop_map(|(by_admin, immediately)| Step::Cancel { by_admin, immediately }),
        2 => Just(Step::Resume),
        2 => prop_oneof![
            Just(EmployerContribution::None),
            (0u8..=100).prop_map(|percent| EmployerContribution::Percent { percent }),
            (0i64..200_000).prop_map(|ore| EmployerContribution::Fixed { amount: Money::from_ore(ore).unwrap() }),
        ]
        .prop_map(Step::SetContribution),
    ]
}

const ZONE_CHOICES: [&[&str]; 4] = [
    &["kristiansand"],
    &["kristiansand", "vennesla"],
    &["arendal"],
    &[],
];

fn zones(choice: usize) -> ZoneSelection {
    let codes = ZONE_CHOICES[choice];
    ZoneSelection::parse(codes, codes.is_empty(), &agder::example_version().zone_map).unwrap()
}

/// The example tariff, and a dearer version from February 2027.
fn prices() -> PriceList {
    let mut dearer = agder::example_version();
    dearer.valid_from = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    for price in &mut dearer.prices {
        *price = Price {
            monthly: price.monthly + Money::from_ore(12_345).unwrap(),
            ..*price
        };
    }
    PriceList::new(vec![agder::example_version(), dearer])
}

fn details() -> OrderDetails {
    OrderDetails {
        company: CompanyId::from_uuid(uuid::Uuid::from_u128(3)),
        phone: PhoneNumber::parse("91234567").unwrap(),
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: None,
        extra_fields: BTreeMap::new(),
        zones: zones(0),
        category: TravellerCategory::YoungAdult,
        language: bedrift_domain::values::Language::Bokmal,
    }
}

fn admin() -> Actor {
    Actor::Administrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(4)),
    }
}

fn employee() -> Actor {
    Actor::Employee {
        phone: PhoneNumber::parse("91234567").unwrap(),
        company: CompanyId::from_uuid(uuid::Uuid::from_u128(3)),
    }
}

/// The months any scenario can reach.
fn horizon() -> impl Iterator<Item = Month> {
    Month::parse("2026-09")
        .unwrap()
        .through(Month::parse("2029-06").unwrap())
}

struct World {
    now: DateTime<Utc>,
    subscription: Subscription,
    contributions: ContributionHistory,
    prices: PriceList,
}

impl World {
    fn today(&self) -> NaiveDate {
        oslo_date(self.now)
    }

    fn run(&mut self, command: SubscriptionCommand) {
        if let Ok(events) = self.subscription.decide(command, self.now) {
            for event in events {
                self.subscription.apply(event);
            }
        }
    }

    fn step(&mut self, step: Step) {
        let command = match step {
            Step::Approve => SubscriptionCommand::Approve { by: admin() },
            Step::Reject => SubscriptionCommand::Reject {
                reason: BoundedText::parse("nei", "the reason", 1, 500).unwrap(),
                by: admin(),
            },
            Step::Withdraw => SubscriptionCommand::WithdrawOrder { by: employee() },
            Step::ChangeZones {
                zones: choice,
                immediately,
            } => SubscriptionCommand::ChangeZones {
                zones: zones(choice),
                from: if immediately {
                    ZoneChangeFrom::Immediately
                } else {
                    ZoneChangeFrom::NextMonth
                },
                by: admin(),
                policy: OrderingPolicy::AutomaticApproval,
            },
            Step::Cancel {
                by_admin,
                immediately,
            } => SubscriptionCommand::Cancel {
                at: if immediately {
                    CancelAt::Immediately
                } else {
                    CancelAt::EndOfMonth
                },
                by: if by_admin { admin() } else { employee() },
            },
            Step::Resume => SubscriptionCommand::Resume { by: employee() },
            Step::SetContribution(contribution) => {
                self.contributions.record(self.now, contribution);
                return;
            }
        };
        self.run(command);
    }

    fn charges(&self) -> BTreeMap<Month, Charge> {
        horizon()
            .filter_map(|month| {
                charge(&self.subscription, month, &self.prices, &self.contributions)
                    .expect("every month of the horizon has a tariff")
                    .map(|c| (month, c))
            })
            .collect()
    }

    fn ended_months(&self) -> BTreeSet<Month> {
        let current = Month::of(self.today());
        horizon().filter(|m| *m < current).collect()
    }
}

/// A scenario: the first day, whether the administrator creates the subscription (and with
/// which start offset) or an employee orders it, and the steps with the hours between them.
fn scenario() -> impl Strategy<Value = (i64, Option<i64>, Vec<(i64, Step)>)> {
    (
        0i64..90,
        proptest::option::of(0i64..300),
        proptest::collection::vec((0i64..24 * 40, step()), 1..25),
    )
}

fn world(first_day: i64, created_with_start_offset: Option<i64>) -> World {
    let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap() + Duration::days(first_day);
    let mut world = World {
        now: start_of_oslo_day(first) + Duration::hours(9),
        subscription: Subscription::default(),
        contributions: ContributionHistory::default(),
        prices: prices(),
    };
    let command = match created_with_start_offset {
        Some(offset) => SubscriptionCommand::Create {
            details: details(),
            form: bedrift_domain::company::OrderForm::standard(),
            start_date: Some(first + Duration::days(offset)),
            by: AccountId::from_uuid(uuid::Uuid::from_u128(4)),
        },
        None => SubscriptionCommand::Order {
            details: details(),
            terms: CompanyTerms {
                policy: OrderingPolicy::ApprovalRequired,
                form: OrderForm::standard(),
            },
        },
    };
    world.run(command);
    assert!(world.subscription.exists());
    world
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_command_changes_what_an_ended_month_was_charged((first_day, created, steps) in scenario()) {
        let mut world = world(first_day, created);
        for (hours, step) in steps {
            world.now += Duration::hours(hours);
            let ended = world.ended_months();
            let before: BTreeMap<_, _> = world.charges().into_iter().filter(|(m, _)| ended.contains(m)).collect();
            world.step(step.clone());
            let after: BTreeMap<_, _> = world.charges().into_iter().filter(|(m, _)| ended.contains(m)).collect();
            prop_assert_eq!(before, after, "step {:?} on {} changed an ended month", step, world.today());
        }
    }

    #[test]
    fn exactly_the_months_of_the_valid_period_are_charged((first_day, created, steps) in scenario()) {
        let mut world = world(first_day, created);
        for (hours, step) in steps {
            world.now += Duration::hours(hours);
            world.step(step);
            let charged: Vec<Month> = world.charges().into_keys().collect();
            let s = world.subscription.ordered().expect("ordered");
            let expected: Vec<Month> = match (s.status(), s.valid_from()) {
                (OrderStatus::Approved, Some(from)) => match s.end_date() {
                    Some(end) if end < from => Vec::new(),
                    Some(end) => Month::of(from).through(Month::of(end)).collect(),
                    None => Month::of(from).through(Month::parse("2029-06").unwrap()).collect(),
                },
                _ => Vec::new(),
            };
            prop_assert_eq!(&charged, &expected);
            prop_assert!(charged.iter().all(|m| *m >= Month::of(s.start_date)), "charged before the start date");
            for charge in world.charges().values() {
                prop_assert_eq!(charge.employer_contribution + charge.deduction, charge.price);
                prop_assert!(charge.employer_contribution <= charge.price);
            }
        }
    }
}
