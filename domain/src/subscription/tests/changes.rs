//! Changes to a running subscription: zones (R8), category (R9), cancellation (R10), resume
//! (R11), and the status derived from its dates.

use super::*;

#[tokio::test]
async fn a_zone_change_takes_effect_on_the_first_of_next_month_by_default() {
    on("2026-12-10")
        .given(running())
        .when_async(SubscriptionCommand::ChangeZones {
            zones: zones(&["kristiansand", "vennesla"]),
            from: ZoneChangeFrom::NextMonth,
            by: administrator(),
            policy: OrderingPolicy::AutomaticApproval,
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
            policy: OrderingPolicy::AutomaticApproval,
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
        policy: OrderingPolicy::AutomaticApproval,
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
async fn a_cancellation_can_be_undone_strictly_before_its_end_date() {
    let mut cancelled = running();
    cancelled.push(SubscriptionEvent::SubscriptionCancelled {
        end_date: date("2026-12-31"),
        cancelled_by: employee(),
        cancelled_at: now("2026-12-03"),
    });
    on("2026-12-30")
        .given(cancelled.clone())
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_events(vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_by: employee(),
            withdrawn_at: now("2026-12-30"),
        }]);
    on("2026-12-31")
        .given(cancelled.clone())
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_error(state_problem(StateProblem::TooLateToResume(date(
            "2026-12-31",
        ))));
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
async fn only_an_administrator_undoes_an_administrators_cancellation() {
    let mut cancelled = running();
    cancelled.push(SubscriptionEvent::SubscriptionCancelled {
        end_date: date("2026-12-31"),
        cancelled_by: administrator(),
        cancelled_at: now("2026-12-03"),
    });
    on("2026-12-10")
        .given(cancelled.clone())
        .when_async(SubscriptionCommand::Resume { by: employee() })
        .await
        .then_expect_error(SubscriptionError::CancelledByAdministrator);
    on("2026-12-10")
        .given(cancelled)
        .when_async(SubscriptionCommand::Resume {
            by: administrator(),
        })
        .await
        .then_expect_events(vec![SubscriptionEvent::CancellationWithdrawn {
            withdrawn_by: administrator(),
            withdrawn_at: now("2026-12-10"),
        }]);
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
