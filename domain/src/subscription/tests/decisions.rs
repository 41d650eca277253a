//! Decisions on orders (R7) and withdrawing them (R10).

use super::*;

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
