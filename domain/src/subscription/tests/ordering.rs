//! Ordering and creating subscriptions: R2 start dates, R5 one live ticket, R6 policy, the order form.

use super::*;

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
                form: crate::company::OrderForm::standard(),
                start_date: Some(date(start)),
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
            form: crate::company::OrderForm::standard(),
            start_date: None,
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
async fn an_order_missing_a_required_input_is_refused_naming_that_input() {
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
        })
        .await
        .inspect_result();
    assert_eq!(
        result,
        Err(SubscriptionError::Invalid(InvalidValue::Form {
            input: FormInput::ExtraField("Avdeling".to_owned()),
            problem: FormProblem::Missing,
        }))
    );

    let mut no_number = details();
    no_number.employee_number = None;
    no_number
        .extra_fields
        .insert("Avdeling".to_owned(), "Drift".to_owned());
    let result = on("2026-11-20")
        .given_no_previous_events()
        .when_async(SubscriptionCommand::Order {
            details: no_number,
            terms: CompanyTerms {
                policy: OrderingPolicy::ApprovalRequired,
                form: form.clone(),
            },
        })
        .await
        .inspect_result();
    assert_eq!(
        result,
        Err(SubscriptionError::Invalid(InvalidValue::Form {
            input: FormInput::EmployeeNumber,
            problem: FormProblem::Missing,
        }))
    );

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
        })
        .await
        .inspect_result()
        .unwrap();
    assert!(
        matches!(&events[0], SubscriptionEvent::SubscriptionOrdered { details, .. } if details.extra_fields["Avdeling"] == "Drift")
    );
}
