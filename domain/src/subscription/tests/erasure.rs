//! Erasing the holder's personal data (GDPR art. 17) and how long the accounts keep it.

use super::*;

fn erase() -> SubscriptionCommand {
    SubscriptionCommand::ErasePersonalData {
        by: Actor::System,
        rules: RetentionRules::default(),
    }
}

fn erased(at: &str) -> SubscriptionEvent {
    SubscriptionEvent::PersonalDataErased {
        erased_by: Actor::System,
        erased_at: now(at),
    }
}

fn rejected(at: &str) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionRejected {
        reason: BoundedText::parse("Ikke ansatt her", "the reason", 1, 500).unwrap(),
        decided_by: administrator(),
        decided_at: now(at),
    }
}

fn cancelled(end: &str, at: &str) -> SubscriptionEvent {
    SubscriptionEvent::SubscriptionCancelled {
        end_date: date(end),
        cancelled_by: administrator(),
        cancelled_at: now(at),
    }
}

#[tokio::test]
async fn a_rejected_order_is_erased_on_request_at_once() {
    on("2026-11-23")
        .given(vec![
            ordered("2026-12-01", "2026-11-20"),
            rejected("2026-11-22"),
        ])
        .when_async(erase())
        .await
        .then_expect_events(vec![erased("2026-11-23")]);
}

#[tokio::test]
async fn a_live_order_or_ticket_is_not_erased() {
    on("2026-11-23")
        .given(vec![ordered("2026-12-01", "2026-11-20")])
        .when_async(erase())
        .await
        .then_expect_error(state_problem(StateProblem::ErasureWhileLive));
    on("2026-12-10")
        .given(running())
        .when_async(erase())
        .await
        .then_expect_error(state_problem(StateProblem::ErasureWhileLive));
    let mut ending = running();
    ending.push(cancelled("2026-12-31", "2026-12-10"));
    on("2026-12-31")
        .given(ending)
        .when_async(erase())
        .await
        .then_expect_error(state_problem(StateProblem::ErasureWhileLive));
}

#[tokio::test]
async fn a_charged_ticket_is_kept_through_the_fifth_year_after_its_last_month() {
    let mut ended = running();
    ended.push(cancelled("2026-12-31", "2026-12-10"));
    on("2027-01-05")
        .given(ended.clone())
        .when_async(erase())
        .await
        .then_expect_error(state_problem(StateProblem::KeptForAccounts(date(
            "2031-12-31",
        ))));
    on("2032-01-01")
        .given(ended)
        .when_async(erase())
        .await
        .then_expect_events(vec![erased("2032-01-01")]);
}

#[tokio::test]
async fn a_ticket_cancelled_before_its_first_day_was_never_charged_and_is_erased() {
    let mut never_valid = running();
    never_valid.push(cancelled("2026-11-30", "2026-11-25"));
    on("2026-11-26")
        .given(never_valid)
        .when_async(erase())
        .await
        .then_expect_events(vec![erased("2026-11-26")]);
}

#[tokio::test]
async fn an_erasure_is_recorded_once() {
    on("2026-11-24")
        .given(vec![
            ordered("2026-12-01", "2026-11-20"),
            rejected("2026-11-22"),
            erased("2026-11-23"),
        ])
        .when_async(erase())
        .await
        .then_expect_events(vec![]);
}

#[test]
fn an_erased_subscription_keeps_its_dates_zones_and_category_but_no_personal_value() {
    let mut subscription = Subscription::default();
    for event in [
        ordered("2026-12-01", "2026-11-20"),
        rejected("2026-11-22"),
        erased("2026-11-23"),
    ] {
        subscription.evolve(event);
    }
    let ordered = subscription.ordered().unwrap();
    assert!(ordered.details.phone.is_erased());
    assert!(ordered.details.first_name.is_erased());
    assert!(ordered.details.last_name.is_erased());
    assert_eq!(
        ordered.details.employee_number.as_ref().unwrap().as_str(),
        crate::values::ERASED
    );
    assert_eq!(ordered.details.zones, zones(&["kristiansand"]));
    assert_eq!(ordered.start_date, date("2026-12-01"));
    assert!(matches!(ordered.ordered_by, Actor::Employee { ref phone, .. } if phone.is_erased()));
    assert!(ordered.erasure_recorded);
}

#[test]
fn retention_erases_an_unused_order_after_its_days_and_a_charged_one_after_the_accounts() {
    let rules = RetentionRules::default();
    let unused = Duty::Unused {
        since: date("2026-11-22"),
    };
    assert!(!unused.expired(date("2026-12-21"), &rules));
    assert!(unused.expired(date("2026-12-22"), &rules));
    let charged = Duty::Accounts {
        through: date("2031-12-31"),
    };
    assert!(!charged.expired(date("2031-12-31"), &rules));
    assert!(charged.expired(date("2032-01-01"), &rules));
    assert!(!Duty::Live.expired(date("2099-01-01"), &rules));
}

#[test]
fn the_placeholder_reads_back_as_erased_values_but_no_one_can_type_it() {
    let phone: PhoneNumber =
        serde_json::from_value(serde_json::json!(crate::values::ERASED)).unwrap();
    assert!(phone.is_erased());
    let name: PersonName =
        serde_json::from_value(serde_json::json!(crate::values::ERASED)).unwrap();
    assert!(name.is_erased());
    assert!(PhoneNumber::parse(crate::values::ERASED).is_err());
    assert!(PersonName::parse(crate::values::ERASED).is_err());
    assert!(crate::values::EmailAddress::parse(crate::values::ERASED).is_err());
}

#[tokio::test]
async fn a_kept_ticket_is_restricted_once_and_a_live_one_is_not() {
    let restrict = || SubscriptionCommand::RestrictProcessing {
        by: Actor::System,
        rules: RetentionRules::default(),
    };
    let mut ended = running();
    ended.push(cancelled("2026-12-31", "2026-12-10"));
    let restricted = SubscriptionEvent::ProcessingRestricted {
        restricted_by: Actor::System,
        restricted_at: now("2027-01-05"),
        kept_through: date("2031-12-31"),
    };
    on("2027-01-05")
        .given(ended.clone())
        .when_async(restrict())
        .await
        .then_expect_events(vec![restricted.clone()]);
    ended.push(restricted);
    on("2027-01-06")
        .given(ended)
        .when_async(restrict())
        .await
        .then_expect_events(vec![]);
    on("2026-12-10")
        .given(running())
        .when_async(restrict())
        .await
        .then_expect_events(vec![]);
}
