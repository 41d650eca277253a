//! A holder's zone change under the company's policy (R8) and corrections of the employee's
//! details (R18).

use super::*;

fn holder_change(policy: OrderingPolicy) -> SubscriptionCommand {
    SubscriptionCommand::ChangeZones {
        zones: zones(&["arendal"]),
        from: ZoneChangeFrom::NextMonth,
        by: employee(),
        policy,
    }
}

fn requested(at: &str) -> SubscriptionEvent {
    SubscriptionEvent::ZoneChangeRequested {
        zones: zones(&["arendal"]),
        from: ZoneChangeFrom::NextMonth,
        requested_by: employee(),
        requested_at: now(at),
    }
}

fn folded(events: Vec<SubscriptionEvent>) -> Subscription {
    let mut state = Subscription::default();
    for event in events {
        cqrs_es::Aggregate::apply(&mut state, event);
    }
    state
}

#[tokio::test]
async fn under_approval_required_a_holders_zone_change_is_a_request_and_the_zones_stay() {
    on("2026-12-10")
        .given(running())
        .when_async(holder_change(OrderingPolicy::ApprovalRequired))
        .await
        .then_expect_events(vec![requested("2026-12-10")]);
    let mut events = running();
    events.push(requested("2026-12-10"));
    let state = folded(events);
    let ordered = state.ordered().unwrap();
    assert_eq!(*ordered.current_zones(), zones(&["kristiansand"]));
    assert_eq!(
        ordered.zone_change_request().map(|r| &r.zones),
        Some(&zones(&["arendal"]))
    );
}

#[tokio::test]
async fn an_approved_request_applies_from_the_approval_day_and_a_rejected_one_changes_nothing() {
    let mut events = running();
    events.push(requested("2026-12-10"));
    on("2027-01-05")
        .given(events.clone())
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_events(vec![
            SubscriptionEvent::ZoneChangeApproved {
                decided_by: administrator(),
                decided_at: now("2027-01-05"),
            },
            SubscriptionEvent::ZonesChanged {
                zones: zones(&["arendal"]),
                effective_from: date("2027-02-01"),
                previous_valid_through: date("2027-01-31"),
                changed_by: employee(),
                changed_at: now("2027-01-05"),
            },
        ]);
    let reason = BoundedText::parse("Ikke nødvendig", "the reason", 1, 500).unwrap();
    on("2026-12-11")
        .given(events.clone())
        .when_async(SubscriptionCommand::Reject {
            reason: reason.clone(),
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::ZoneChangeRejected {
            reason: reason.clone(),
            decided_by: administrator(),
            decided_at: now("2026-12-11"),
        }]);
    events.push(SubscriptionEvent::ZoneChangeRejected {
        reason,
        decided_by: administrator(),
        decided_at: now("2026-12-11"),
    });
    let state = folded(events.clone());
    assert_eq!(state.ordered().unwrap().zone_change_request(), None);
    assert_eq!(
        *state.ordered().unwrap().current_zones(),
        zones(&["kristiansand"])
    );
    on("2026-12-12")
        .given(events)
        .when_async(SubscriptionCommand::Approve {
            by: administrator(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::NotPending));
}

#[tokio::test]
async fn under_automatic_approval_a_holders_zone_change_applies_at_once() {
    on("2026-12-10")
        .given(running())
        .when_async(holder_change(OrderingPolicy::AutomaticApproval))
        .await
        .then_expect_events(vec![SubscriptionEvent::ZonesChanged {
            zones: zones(&["arendal"]),
            effective_from: date("2027-01-01"),
            previous_valid_through: date("2026-12-31"),
            changed_by: employee(),
            changed_at: now("2026-12-10"),
        }]);
}

#[tokio::test]
async fn under_closed_only_administrators_change_zones() {
    on("2026-12-10")
        .given(running())
        .when_async(holder_change(OrderingPolicy::Closed))
        .await
        .then_expect_error(SubscriptionError::ZoneChangesClosed);
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::ChangeZones {
            zones: zones(&["arendal"]),
            from: ZoneChangeFrom::NextMonth,
            by: administrator(),
            policy: OrderingPolicy::Closed,
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::ZonesChanged {
            zones: zones(&["arendal"]),
            effective_from: date("2027-01-01"),
            previous_valid_through: date("2026-12-31"),
            changed_by: administrator(),
            changed_at: now("2026-12-10"),
        }]);
}

#[tokio::test]
async fn an_administrators_own_zone_change_supersedes_a_pending_request() {
    let mut events = running();
    events.push(requested("2026-12-10"));
    events.push(SubscriptionEvent::ZonesChanged {
        zones: zones(&["vennesla"]),
        effective_from: date("2027-01-01"),
        previous_valid_through: date("2026-12-31"),
        changed_by: administrator(),
        changed_at: now("2026-12-11"),
    });
    assert_eq!(
        folded(events).ordered().unwrap().zone_change_request(),
        None
    );
}

fn form() -> OrderForm {
    OrderForm::custom(
        FieldRequirement::Optional,
        vec![ExtraField {
            label: BoundedText::parse("Avdeling", "a label", 1, 50).unwrap(),
            required: true,
        }],
    )
    .unwrap()
}

fn corrected(number: Option<&str>, answer: &str) -> EmployeeDetails {
    EmployeeDetails {
        first_name: PersonName::parse("Kari").unwrap(),
        last_name: PersonName::parse("Nordmann-Berg").unwrap(),
        employee_number: number.map(|n| EmployeeNumber::parse(n).unwrap()),
        extra_fields: BTreeMap::from([("Avdeling".to_owned(), answer.to_owned())]),
    }
}

#[tokio::test]
async fn an_administrator_corrects_the_employee_details_as_an_event_with_who_and_when() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::UpdateEmployeeDetails {
            details: corrected(Some("2001"), "  Salg "),
            form: form(),
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::EmployeeDetailsUpdated {
            details: corrected(Some("2001"), "Salg"),
            updated_by: administrator(),
            updated_at: now("2026-12-10"),
        }]);
    let mut events = running();
    events.push(SubscriptionEvent::EmployeeDetailsUpdated {
        details: corrected(Some("2001"), "Salg"),
        updated_by: administrator(),
        updated_at: now("2026-12-10"),
    });
    let state = folded(events.clone());
    let details = &state.ordered().unwrap().details;
    assert_eq!(details.last_name.as_str(), "Nordmann-Berg");
    assert_eq!(details.employee_number.as_ref().unwrap().as_str(), "2001");
    assert_eq!(details.phone, phone(), "the phone is not a detail");
    on("2026-12-11")
        .given(events)
        .when_async(SubscriptionCommand::UpdateEmployeeDetails {
            details: corrected(Some("2001"), "Salg"),
            form: form(),
            by: administrator(),
        })
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn corrections_are_checked_against_the_form_as_orders_are_and_employees_cannot_make_them() {
    let correct = |details, by| SubscriptionCommand::UpdateEmployeeDetails {
        details,
        form: form(),
        by,
    };
    on("2026-12-10")
        .given(running())
        .when_async(correct(corrected(None, " "), administrator()))
        .await
        .then_expect_error(SubscriptionError::Invalid(InvalidValue::Form {
            input: FormInput::ExtraField("Avdeling".into()),
            problem: FormProblem::Missing,
        }));
    let mut unknown = corrected(None, "Salg");
    unknown.extra_fields.insert("Prosjekt".into(), "X".into());
    on("2026-12-10")
        .given(running())
        .when_async(correct(unknown, administrator()))
        .await
        .then_expect_error(SubscriptionError::Invalid(InvalidValue::Form {
            input: FormInput::ExtraField("Prosjekt".into()),
            problem: FormProblem::Unknown,
        }));
    on("2026-12-10")
        .given(running())
        .when_async(correct(corrected(Some("2001"), "Salg"), employee()))
        .await
        .then_expect_error(SubscriptionError::DetailsByAdministratorsOnly);
}

#[tokio::test]
async fn a_cancellation_on_a_chosen_day_is_never_in_the_past_and_never_by_an_employee() {
    let operator = Actor::Operator { account: admin() };
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::On(date("2026-12-09")),
            by: operator.clone(),
        })
        .await
        .then_expect_error(SubscriptionError::EndDateInPast);
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::On(date("2027-01-15")),
            by: employee(),
        })
        .await
        .then_expect_error(state_problem(StateProblem::EmployeeCannotCancelImmediately));
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::Cancel {
            at: CancelAt::On(date("2027-01-15")),
            by: operator.clone(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::SubscriptionCancelled {
            end_date: date("2027-01-15"),
            cancelled_by: operator,
            cancelled_at: now("2026-12-10"),
        }]);
}
