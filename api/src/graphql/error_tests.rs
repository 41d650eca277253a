//! One test per `extensions.code`: the mapping from each source error to its code.

use bedrift_domain::company::CompanyError;
use bedrift_domain::subscription::{StateProblem, SubscriptionError};
use bedrift_domain::tariff::TariffError;
use bedrift_domain::values::{BoundedText, FormInput, FormProblem, InvalidValue, PhoneNumber};
use bedrift_store::StoreError;

use super::ApiError;
use crate::auth::AuthError;

/// The code and `field` extension that a client sees for `error`.
fn seen(error: impl Into<ApiError>) -> (String, Option<String>, String) {
    let error: async_graphql::Error = error.into().into();
    let extensions = error.extensions.expect("every API error has extensions");
    let code = match extensions.get("code") {
        Some(async_graphql::Value::String(code)) => code.clone(),
        other => panic!("no code: {other:?}"),
    };
    let field = match extensions.get("field") {
        Some(async_graphql::Value::String(field)) => Some(field.clone()),
        _ => None,
    };
    (code, field, error.message)
}

#[test]
fn unauthenticated_comes_from_failed_authentication() {
    assert_eq!(seen(AuthError::Unauthenticated).0, "UNAUTHENTICATED");
}

#[test]
fn forbidden_is_its_own_code() {
    assert_eq!(seen(ApiError::forbidden()).0, "FORBIDDEN");
}

#[test]
fn not_found_comes_from_missing_aggregates() {
    assert_eq!(seen(SubscriptionError::NotFound).0, "NOT_FOUND");
    assert_eq!(seen(CompanyError::NotFound).0, "NOT_FOUND");
}

#[test]
fn bad_user_input_names_the_field_and_says_what_to_change() {
    let (code, field, message) = seen(PhoneNumber::parse("22334455").unwrap_err());
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("phone"))
    );
    assert!(message.contains("4 or 9"), "{message}");
    let (code, field, _) = seen(SubscriptionError::Invalid(InvalidValue::Category));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("category"))
    );
    let (code, field, _) = seen(AuthError::InvalidToken);
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("token"))
    );
    let (code, field, message) = seen(AuthError::CodeExpired);
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("code"))
    );
    assert!(message.contains("expired"), "{message}");
    let missing = InvalidValue::Form {
        input: FormInput::ExtraField("Avdeling".into()),
        problem: FormProblem::Missing,
    };
    let (code, field, message) = seen(SubscriptionError::Invalid(missing));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("extraFields[Avdeling]"))
    );
    assert!(message.contains("missing"), "{message}");
    assert_eq!(seen(TariffError::NoZones).0, "BAD_USER_INPUT");
}

#[test]
fn a_taken_org_number_is_a_conflict_on_the_org_number_field() {
    let (code, field, _) = seen(CompanyError::OrgNumberTaken);
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("CONFLICT", Some("orgNumber"))
    );
}

#[test]
fn resuming_an_administrators_cancellation_as_the_holder_is_forbidden() {
    assert_eq!(
        seen(SubscriptionError::CancelledByAdministrator).0,
        "FORBIDDEN"
    );
}

#[test]
fn conflict_comes_from_a_lost_race_after_retries() {
    let error: StoreError<SubscriptionError> = StoreError::Conflict {
        aggregate_type: "Subscription",
        attempts: 3,
    };
    assert_eq!(seen(error).0, "CONFLICT");
}

#[test]
fn ordering_closed_comes_from_r6() {
    assert_eq!(seen(SubscriptionError::OrderingClosed).0, "ORDERING_CLOSED");
}

#[test]
fn already_subscribed_comes_from_r5() {
    let error: StoreError<SubscriptionError> =
        StoreError::Domain(SubscriptionError::AlreadySubscribed);
    assert_eq!(seen(error).0, "ALREADY_SUBSCRIBED");
}

#[test]
fn invalid_state_comes_from_state_rules() {
    let error = SubscriptionError::InvalidState(StateProblem::NotPending);
    assert_eq!(seen(error).0, "INVALID_STATE");
    assert_eq!(seen(CompanyError::LastAdministrator).0, "INVALID_STATE");
}

#[test]
fn a_payroll_mapping_to_a_missing_form_field_is_bad_input_on_its_argument() {
    let label = BoundedText::parse("Prosjekt", "a label", 1, 50).unwrap();
    let seen_department = seen(CompanyError::UnknownDepartmentField(label.clone()));
    assert_eq!(seen_department.0, "BAD_USER_INPUT");
    assert_eq!(seen_department.1.as_deref(), Some("departmentField"));
    let seen_cost_centre = seen(CompanyError::UnknownCostCentreField(label));
    assert_eq!(seen_cost_centre.1.as_deref(), Some("costCentreField"));
}

#[test]
fn category_change_requires_new_subscription_comes_from_r9() {
    assert_eq!(
        seen(SubscriptionError::CategoryChangeRequiresNewSubscription).0,
        "CATEGORY_CHANGE_REQUIRES_NEW_SUBSCRIPTION"
    );
}

#[test]
fn rate_limited_comes_from_the_limits_and_burned_codes() {
    assert_eq!(
        seen(AuthError::RateLimited {
            retry_after_secs: 60
        })
        .0,
        "RATE_LIMITED"
    );
    assert_eq!(seen(AuthError::TooManyAttempts).0, "RATE_LIMITED");
}

#[test]
fn rate_limited_says_when_to_retry() {
    let error: async_graphql::Error = ApiError::from(AuthError::RateLimited {
        retry_after_secs: 42,
    })
    .into();
    let extensions = error.extensions.expect("extensions");
    assert_eq!(
        extensions.get("retryAfter"),
        Some(&async_graphql::Value::from(42))
    );
    let burned: async_graphql::Error = ApiError::from(AuthError::TooManyAttempts).into();
    assert!(burned
        .extensions
        .expect("extensions")
        .get("retryAfter")
        .is_none());
}

#[test]
fn internal_errors_say_nothing_about_their_cause() {
    let (code, field, message) = seen(sqlx::Error::Protocol("secret detail".into()));
    assert_eq!(
        (code.as_str(), field, message.as_str()),
        ("INTERNAL", None, "internal error")
    );
    let store: StoreError<SubscriptionError> =
        StoreError::EventStore("connection string leaked".into());
    let (code, _, message) = seen(store);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("INTERNAL", "internal error")
    );
}

/// The `extensions.reason` of `error`, if any.
fn reason_of(error: ApiError) -> Option<String> {
    let error: async_graphql::Error = error.into();
    match error.extensions?.get("reason") {
        Some(async_graphql::Value::String(reason)) => Some(reason.clone()),
        _ => None,
    }
}

#[test]
fn reasons_tell_the_refusals_of_one_field_apart() {
    let reason = |error: ApiError| reason_of(error).unwrap_or_default();
    assert_eq!(reason(AuthError::CodeExpired.into()), "CODE_EXPIRED");
    assert_eq!(reason(AuthError::NoCode.into()), "NO_CODE");
    assert_eq!(reason(AuthError::TooManyAttempts.into()), "CODE_USED_UP");
    assert_eq!(
        reason(
            AuthError::RateLimited {
                retry_after_secs: 5
            }
            .into()
        ),
        "TOO_MANY_REQUESTS"
    );
    assert_eq!(reason(AuthError::LinkReplaced.into()), "LINK_REPLACED");
    let name = |text: &str| {
        ApiError::invalid(
            "firstName",
            bedrift_domain::values::PersonName::parse(text).unwrap_err(),
        )
    };
    assert_eq!(reason(name("Anne2")), "DIGITS");
    assert_eq!(reason(name(&"a".repeat(101))), "TOO_LONG");
    assert_eq!(reason(name(" ")), "MISSING");
    assert_eq!(reason_of(ApiError::bad_input("email", "x")), None);
}

#[test]
fn r8_a_holders_zone_change_under_closed_and_r18_an_employees_correction_are_forbidden() {
    assert_eq!(seen(SubscriptionError::ZoneChangesClosed).0, "FORBIDDEN");
    assert_eq!(
        seen(SubscriptionError::DetailsByAdministratorsOnly).0,
        "FORBIDDEN"
    );
}

#[test]
fn a_deactivated_company_is_invalid_state_and_an_end_in_the_past_names_ends_on() {
    let day = "2026-11-30".parse().unwrap();
    assert_eq!(seen(CompanyError::Deactivated(day)).0, "INVALID_STATE");
    for (code, field, _) in [
        seen(CompanyError::EndDateInPast),
        seen(SubscriptionError::EndDateInPast),
    ] {
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("BAD_USER_INPUT", Some("endsOn"))
        );
    }
}
