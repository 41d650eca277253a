//! Given/when/then tests of the subscription rules, one per guarantee.

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
    AccountId, BoundedText, CompanyId, EmployeeNumber, InvalidValue, PersonName, PhoneNumber,
    TravellerCategory, ZoneSelection,
};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn clock(today: &str) -> FixedClock {
    FixedClock::on(date(today))
}

fn now(today: &str) -> DateTime<Utc> {
    use crate::clock::Clock;
    clock(today).now()
}

fn on(today: &str) -> TestFramework<Subscription> {
    TestFramework::with(SubscriptionServices {
        clock: Arc::new(clock(today)),
    })
}

fn company() -> CompanyId {
    CompanyId::from_uuid(uuid::Uuid::from_u128(7))
}

fn admin() -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(42))
}

fn phone() -> PhoneNumber {
    PhoneNumber::parse("912 34 567").unwrap()
}

fn employee() -> Actor {
    Actor::Employee {
        phone: phone(),
        company: company(),
    }
}

fn administrator() -> Actor {
    Actor::Administrator { account: admin() }
}

fn zones(codes: &[&str]) -> ZoneSelection {
    ZoneSelection::parse(codes, false, &agder::example_version().zone_map).unwrap()
}

fn details() -> OrderDetails {
    OrderDetails {
        company: company(),
        phone: phone(),
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann").unwrap(),
        employee_number: Some(EmployeeNumber::parse("1042").unwrap()),
        extra_fields: BTreeMap::new(),
        zones: zones(&["kristiansand"]),
        category: TravellerCategory::Adult,
    }
}

fn terms(policy: OrderingPolicy) -> CompanyTerms {
    CompanyTerms {
        policy,
        form: OrderForm::standard(),
    }
}

fn order(policy: OrderingPolicy) -> SubscriptionCommand {
    SubscriptionCommand::Order {
        details: details(),
        terms: terms(policy),
        others: Vec::new(),
    }
}

fn ordered(start: &str, at: &str) -> SubscriptionEvent {
    let d = details();
    SubscriptionEvent::SubscriptionOrdered {
        company: d.company,
        phone: d.phone,
        first_name: d.first_name,
        last_name: d.last_name,
        employee_number: d.employee_number,
        extra_fields: d.extra_fields,
        zones: d.zones,
        category: d.category,
        start_date: date(start),
        ordered_by: employee(),
        ordered_at: now(at),
    }
}

fn approved(valid_from: &str, at: &str) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionApproved {
        decided_by: administrator(),
        decided_at: now(at),
        valid_from: date(valid_from),
    }
}

/// An approved subscription ordered on 2026-11-20, valid from 2026-12-01.
fn running() -> Vec<SubscriptionEvent> {
    vec![
        ordered("2026-12-01", "2026-11-20"),
        approved("2026-12-01", "2026-11-21"),
    ]
}

fn state_problem(problem: StateProblem) -> SubscriptionError {
    SubscriptionError::InvalidState(problem)
}

#[tokio::test]
async fn an_employee_order_starts_on_the_first_of_next_month() {
    on("2026-11-20")
        .given_no_previous_events()
        .when_async(order(OrderingPolicy::ApprovalRequired))
        .await
        .then_expect_events(vec![ordered("2026-12-01", "2026-11-20")]);
    // On the last day of a year, next month is January.
    let events = on("2026-12-31")
        .given_no_previous_events()
        .when_async(order(OrderingPolicy::ApprovalRequired))
        .await
        .inspect_result()
        .unwrap();
    assert!(
        matches!(&events[0], SubscriptionEvent::SubscriptionOrdered { start_date, .. } if *start_date == date("2027-01-01"))
    );
}

#[tokio::test]
async fn an_administrator_chooses_a_start_date_from_today_up_to_twelve_months_ahead() {
    for (start, ok) in [
        ("2026-11-20", true),
        ("2027-11-20", true),
        ("2026-11-19", false),
        ("2027-11-21", false),
    ] {
        let result = on("2026-11-20")
            .given_no_previous_events()
            .when_async(SubscriptionCommand::Create {
                details: details(),
                start_date: Some(date(start)),
                others: Vec::new(),
                by: admin(),
            })
            .await
            .inspect_result();
        match result {
            Ok(events) => {
                assert!(ok, "{start} should be refused");
                assert!(
                    matches!(&events[1], SubscriptionEvent::SubscriptionApproved { valid_from, .. } if *valid_from == date(start))
                );
            }
            Err(error) => {
                assert!(!ok, "{start} should be accepted");
                assert_eq!(error, SubscriptionError::StartDateOutOfRange);
            }
        }
    }
}

#[tokio::test]
async fn an_administrators_subscription_is_approved_at_once_and_defaults_to_next_month() {
    let events = on("2026-11-20")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Create {
            details: details(),
            start_date: None,
            others: Vec::new(),
            by: admin(),
        })
        .await
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 2);
    assert!(
        matches!(&events[1], SubscriptionEvent::SubscriptionApproved { decided_by: Actor::Administrator { .. }, valid_from, .. } if *valid_from == date("2026-12-01"))
    );
}

#[tokio::test]
async fn employee_orders_are_refused_while_ordering_is_closed() {
    on("2026-11-20")
        .given_no_previous_events()
        .when_async(order(OrderingPolicy::Closed))
        .await
        .then_expect_error(SubscriptionError::OrderingClosed);
}

#[tokio::test]
async fn automatic_approval_approves_an_order_at_once() {
    let events = on("2026-11-20")
        .given_no_previous_events()
        .when_async(order(OrderingPolicy::AutomaticApproval))
        .await
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 2);
    assert!(matches!(
        &events[1],
        SubscriptionEvent::SubscriptionApproved {
            decided_by: Actor::System,
            ..
        }
    ));
}

#[tokio::test]
async fn an_order_is_refused_while_the_phone_has_a_live_subscription_that_has_not_ended_by_the_start(
) {
    let blocking = [
        OtherSubscription {
            live: true,
            end_date: None,
        },
        OtherSubscription {
            live: true,
            end_date: Some(date("2026-12-01")),
        },
    ];
    for other in blocking {
        on("2026-11-20")
            .given_no_previous_events()
            .when_async(SubscriptionCommand::Order {
                details: details(),
                terms: terms(OrderingPolicy::ApprovalRequired),
                others: vec![other],
            })
            .await
            .then_expect_error(SubscriptionError::AlreadySubscribed);
    }
    let harmless = [
        OtherSubscription {
            live: true,
            end_date: Some(date("2026-11-30")),
        },
        OtherSubscription {
            live: false,
            end_date: None,
        },
    ];
    on("2026-11-20")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Order {
            details: details(),
            terms: terms(OrderingPolicy::ApprovalRequired),
            others: harmless.to_vec(),
        })
        .await
        .then_expect_events(vec![ordered("2026-12-01", "2026-11-20")]);
}

#[tokio::test]
async fn an_order_must_answer_the_companys_required_fields() {
    let form = OrderForm::custom(
        FieldRequirement::Required,
        vec![ExtraField {
            label: BoundedText::parse("Avdeling", "a label", 1, 50).unwrap(),
            required: true,
        }],
    )
    .unwrap();
    let mut without_answers = details();
    without_answers.employee_number = None;
    let result = on("2026-11-20")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Order {
            details: without_answers,
            terms: CompanyTerms {
                policy: OrderingPolicy::ApprovalRequired,
                form: form.clone(),
            },
            others: Vec::new(),
        })
        .await
        .inspect_result();
    assert!(matches!(
        result,
        Err(SubscriptionError::Invalid(InvalidValue::TextLength { .. }))
    ));

    let mut answered = details();
    answered
        .extra_fields
        .insert("Avdeling".to_owned(), "  Drift ".to_owned());
    let events = on("2026-11-20")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Order {
            details: answered,
            terms: CompanyTerms {
                policy: OrderingPolicy::ApprovalRequired,
                form,
            },
            others: Vec::new(),
        })
        .await
        .inspect_result()
        .unwrap();
    assert!(
        matches!(&events[0], SubscriptionEvent::SubscriptionOrdered { extra_fields, .. } if extra_fields["Avdeling"] == "Drift")
    );
}

#[tokio::test]
async fn only_a_pending_order_can_be_approved_or_rejected() {
    let reason = BoundedText::parse("Ikke ansatt her", "the reason", 1, 500).unwrap();
    on("2026-11-22")
        .given(running())
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::NotPending));
    on("2026-11-22")
        .given(running())
        .when_async(SubscriptionCommand::Reject {
            reason: reason.clone(),
            by: administrator(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::NotPending));
    on("2026-11-22")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(SubscriptionCommand::Reject {
            reason: reason.clone(),
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::SubscriptionRejected {
            reason,
            decided_by: administrator(),
            decided_at: now("2026-11-22"),
        }]);
}

#[tokio::test]
async fn a_decision_records_who_made_it_and_when() {
    on("2026-11-22")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_events(vec![approved("2026-12-01", "2026-11-22")]);
}

#[tokio::test]
async fn an_order_approved_after_its_start_date_is_valid_from_the_approval_day() {
    on("2026-12-05")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_events(vec![approved("2026-12-05", "2026-12-05")]);
}

#[tokio::test]
async fn a_zone_change_takes_effect_on_the_first_of_next_month_by_default() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::ChangeZones {
            zones: zones(&["kristiansand", "vennesla"]),
            from: ZoneChangeFrom::NextMonth,
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::ZonesChanged {
            zones: zones(&["kristiansand", "vennesla"]),
            effective_from: date("2027-01-01"),
            previous_valid_through: date("2026-12-31"),
            changed_by: administrator(),
            changed_at: now("2026-12-10"),
        }]);
}

#[tokio::test]
async fn an_immediate_zone_change_overlaps_the_old_zones_on_the_day_of_the_change() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::ChangeZones {
            zones: zones(&["arendal"]),
            from: ZoneChangeFrom::Immediately,
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::ZonesChanged {
            zones: zones(&["arendal"]),
            effective_from: date("2026-12-10"),
            previous_valid_through: date("2026-12-10"),
            changed_by: administrator(),
            changed_at: now("2026-12-10"),
        }]);
}

#[tokio::test]
async fn zones_can_only_change_on_an_approved_subscription_that_has_not_ended() {
    let change = || SubscriptionCommand::ChangeZones {
        zones: zones(&["arendal"]),
        from: ZoneChangeFrom::NextMonth,
        by: administrator(),
    };
    on("2026-11-22")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(change())
        .await
        .then_expect_error(state_problem(StateProblem::NotApproved));
    let mut ended = running();
    ended.push(SubscriptionEvent::SubscriptionCancelled {
        end_date: date("2026-12-31"),
        cancelled_by: employee(),
        cancelled_at: now("2026-12-03"),
    });
    on("2027-01-02")
        .given(ended.clone())
        .when_async(change())
        .await
        .then_expect_error(state_problem(StateProblem::Ended(date("2026-12-31"))));
    on("2026-12-20")
        .given(ended)
        .when_async(change())
        .await
        .then_expect_error(state_problem(StateProblem::EndsBeforeChange(date(
            "2026-12-31",
        ))));
}

#[tokio::test]
async fn a_category_change_requires_a_new_subscription() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::ChangeCategory {
            category: TravellerCategory::Senior,
        })
        .await
        .then_expect_error(SubscriptionError::CategoryChangeRequiresNewSubscription);
}

#[tokio::test]
async fn an_employees_cancellation_ends_on_the_last_day_of_the_current_month() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::EndOfMonth,
            by: employee(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::SubscriptionCancelled {
            end_date: date("2026-12-31"),
            cancelled_by: employee(),
            cancelled_at: now("2026-12-10"),
        }]);
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::Immediately,
            by: employee(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::EmployeeCannotCancelImmediately));
}

#[tokio::test]
async fn an_administrator_can_cancel_immediately_and_never_in_the_past() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::Immediately,
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::SubscriptionCancelled {
            end_date: date("2026-12-10"),
            cancelled_by: administrator(),
            cancelled_at: now("2026-12-10"),
        }]);
}

#[tokio::test]
async fn a_later_cancellation_cannot_extend_an_earlier_one() {
    let mut cancelled = running();
    cancelled.push(SubscriptionEvent::SubscriptionCancelled {
        end_date: date("2026-12-10"),
        cancelled_by: administrator(),
        cancelled_at: now("2026-12-10"),
    });
    on("2026-12-10")
        .given(cancelled)
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::EndOfMonth,
            by: employee(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::AlreadyCancelled(date(
            "2026-12-10",
        ))));
}

#[tokio::test]
async fn an_employee_may_withdraw_a_pending_order_but_not_a_decided_one() {
    on("2026-11-21")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(SubscriptionCommand::WithdrawOrder { by: employee() })
        .await
        .then_expect_events(vec![SubscriptionEvent::OrderWithdrawn {
            withdrawn_by: employee(),
            withdrawn_at: now("2026-11-21"),
        }]);
    on("2026-11-22")
        .given(running())
        .when_async(SubscriptionCommand::WithdrawOrder { by: employee() })
        .await
        .then_expect_error(state_problem(StateProblem::NotPending));
}

#[tokio::test]
async fn a_cancellation_can_be_undone_before_its_end_date_but_not_after() {
    let mut cancelled = running();
    cancelled.push(SubscriptionEvent::SubscriptionCancelled {
        end_date: date("2026-12-31"),
        cancelled_by: employee(),
        cancelled_at: now("2026-12-03"),
    });
    on("2026-12-31")
        .given(cancelled.clone())
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_events(vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_by: employee(),
            withdrawn_at: now("2026-12-31"),
        }]);
    on("2027-01-01")
        .given(cancelled)
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_error(state_problem(StateProblem::Ended(date("2026-12-31"))));
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_error(state_problem(StateProblem::NotCancelled));
}

#[tokio::test]
async fn commands_on_a_subscription_that_does_not_exist_are_refused() {
    on("2026-12-10")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_error(SubscriptionError::NotFound);
}

#[test]
fn the_ticket_status_is_derived_from_the_dates_and_today() {
    let status = |today: &str, end: Option<&str>| {
        TicketStatus::on(
            date(today),
            OrderStatus::Approved,
            Some(date("2026-12-01")),
            end.map(date),
        )
    };
    assert_eq!(status("2026-11-30", None), TicketStatus::Upcoming);
    assert_eq!(status("2026-12-01", None), TicketStatus::Active);
    assert_eq!(
        status("2026-12-15", Some("2026-12-31")),
        TicketStatus::Ending
    );
    assert_eq!(
        status("2027-01-01", Some("2026-12-31")),
        TicketStatus::Ended
    );
    assert_eq!(
        status("2026-11-25", Some("2026-11-30")),
        TicketStatus::Ended
    );
}
