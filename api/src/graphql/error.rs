//! The one error type of the API, mapped once to `extensions.code` (SPEC.md "API surface").
//! Domain, store and authentication errors convert into it; internal errors are logged with
//! their cause and leave the server as `INTERNAL` without details.

use async_graphql::ErrorExtensions as _;
use bedrift_domain::company::CompanyError;
use bedrift_domain::subscription::SubscriptionError;
use bedrift_domain::tariff::TariffError;
use bedrift_domain::values::InvalidValue;
use bedrift_projections::ProjectionError;
use bedrift_store::StoreError;
use thiserror::Error;

use super::reason::Reason;
use crate::auth::AuthError;

/// Why a request was refused; each variant is one `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// No valid session, or wrong credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Logged in, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing (or not one the caller may know of).
    #[error("{0}")]
    NotFound(String),
    /// An input breaks a rule; `field` names the input.
    #[error("{field}: {message}")]
    BadUserInput {
        /// The input at fault, as the API names it.
        field: String,
        /// What to change.
        message: String,
        /// Which of the input's rules it broke, where pages tell them apart.
        reason: Option<Reason>,
    },
    /// Another request changed the same thing at the same time.
    #[error("{0}")]
    Conflict(String),
    /// A value that must be unique is taken (R17: the organisation number); `CONFLICT` with
    /// `field` naming the input.
    #[error("{field}: {message}")]
    Taken {
        /// The input whose value is taken, as the API names it.
        field: String,
        /// What is taken.
        message: String,
    },
    /// R6: the company takes no orders through the order link.
    #[error("{0}")]
    OrderingClosed(String),
    /// R5: the phone already has a live subscription at the company.
    #[error("{0}")]
    AlreadySubscribed(String),
    /// The command does not fit the subscription's state.
    #[error("{0}")]
    InvalidState(String),
    /// R9: categories never change.
    #[error("{0}")]
    CategoryChangeRequiresNewSubscription(String),
    /// Too many attempts; `retry_after_secs` (as `extensions.retryAfter`) says when the next
    /// one can succeed, where a sliding window knows.
    #[error("{message}")]
    RateLimited {
        /// What happened, for the person.
        message: String,
        /// Seconds until a new attempt can be allowed.
        retry_after_secs: Option<u64>,
        /// Whether waiting helps (`TooManyRequests`) or a new code is needed (`CodeUsedUp`).
        reason: Reason,
    },
    /// Something failed inside; the cause is logged, never returned.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) | Self::Taken { .. } => "CONFLICT",
            Self::OrderingClosed(_) => "ORDERING_CLOSED",
            Self::AlreadySubscribed(_) => "ALREADY_SUBSCRIBED",
            Self::InvalidState(_) => "INVALID_STATE",
            Self::CategoryChangeRequiresNewSubscription(_) => {
                "CATEGORY_CHANGE_REQUIRES_NEW_SUBSCRIPTION"
            }
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal => "INTERNAL",
        }
    }

    /// A `BAD_USER_INPUT` for `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
            reason: None,
        }
    }

    /// A `BAD_USER_INPUT` for `field` with `extensions.reason`.
    pub fn bad_input_because(
        field: impl Into<String>,
        reason: Reason,
        message: impl Into<String>,
    ) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
            reason: Some(reason),
        }
    }

    /// `INTERNAL`, after logging `cause` with its chain.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(next) = source {
            chain.push_str(": ");
            chain.push_str(&next.to_string());
            source = next.source();
        }
        tracing::error!(error = %chain, "internal error");
        Self::Internal
    }

    /// A refused value as `BAD_USER_INPUT` on `field`.
    pub fn invalid(field: &str, value: InvalidValue) -> Self {
        Self::BadUserInput {
            field: field.to_owned(),
            message: value.to_string(),
            reason: Reason::of(&value),
        }
    }

    /// Shorthand for `FORBIDDEN` with the usual message.
    pub fn forbidden() -> Self {
        Self::Forbidden("you do not have access to this".to_owned())
    }

    /// Shorthand for `UNAUTHENTICATED` with the usual message.
    pub fn unauthenticated() -> Self {
        Self::Unauthenticated("log in first".to_owned())
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let mut out = async_graphql::Error::new(error.to_string());
        out = out.extend_with(|_, extensions| {
            extensions.set("code", error.code());
            if let ApiError::BadUserInput { field, .. } | ApiError::Taken { field, .. } = &error {
                extensions.set("field", field.as_str());
            }
            if let ApiError::BadUserInput {
                reason: Some(reason),
                ..
            } = &error
            {
                extensions.set("reason", reason.as_str());
            }
            if let ApiError::RateLimited {
                retry_after_secs,
                reason,
                ..
            } = &error
            {
                extensions.set("reason", reason.as_str());
                if let Some(seconds) = retry_after_secs {
                    extensions.set("retryAfter", *seconds);
                }
            }
        });
        out
    }
}

impl From<InvalidValue> for ApiError {
    fn from(value: InvalidValue) -> Self {
        let field = match &value {
            InvalidValue::Phone(_) => "phone".to_owned(),
            InvalidValue::Name(_) => "name".to_owned(),
            InvalidValue::OrgNumber(_) => "orgNumber".to_owned(),
            InvalidValue::Month => "month".to_owned(),
            InvalidValue::Money(_) => "amount".to_owned(),
            InvalidValue::Email => "email".to_owned(),
            InvalidValue::Zones(_) => "zones".to_owned(),
            InvalidValue::Category => "category".to_owned(),
            InvalidValue::Form { input, .. } => input.path(),
            InvalidValue::TextLength { .. } | InvalidValue::TextCharacters { .. } => {
                "text".to_owned()
            }
            InvalidValue::Id => "id".to_owned(),
        };
        Self::invalid(&field, value)
    }
}

impl From<SubscriptionError> for ApiError {
    fn from(error: SubscriptionError) -> Self {
        let message = error.to_string();
        match error {
            SubscriptionError::OrderingClosed => Self::OrderingClosed(message),
            SubscriptionError::AlreadySubscribed => Self::AlreadySubscribed(message),
            SubscriptionError::CategoryChangeRequiresNewSubscription => {
                Self::CategoryChangeRequiresNewSubscription(message)
            }
            SubscriptionError::StartDateOutOfRange => Self::bad_input("startDate", message),
            SubscriptionError::Invalid(value) => value.into(),
            SubscriptionError::NotFound => Self::NotFound(message),
            SubscriptionError::AlreadyExists => Self::Conflict(message),
            SubscriptionError::InvalidState(_) => Self::InvalidState(message),
            SubscriptionError::CancelledByAdministrator => Self::Forbidden(message),
            SubscriptionError::ZoneChangesClosed => Self::Forbidden(message),
            SubscriptionError::DetailsByAdministratorsOnly => Self::Forbidden(message),
            SubscriptionError::EndDateInPast => Self::bad_input("endsOn", message),
        }
    }
}

impl From<CompanyError> for ApiError {
    fn from(error: CompanyError) -> Self {
        let message = error.to_string();
        match error {
            CompanyError::AlreadyRegistered => Self::Conflict(message),
            CompanyError::OrgNumberTaken => Self::Taken {
                field: "orgNumber".to_owned(),
                message,
            },
            CompanyError::NotFound => Self::NotFound(message),
            CompanyError::AlreadyAdministrator(_) => Self::bad_input("email", message),
            CompanyError::NotAnAdministrator => Self::NotFound(message),
            CompanyError::LastAdministrator => Self::InvalidState(message),
            CompanyError::UnknownDepartmentField(_) => Self::bad_input("departmentField", message),
            CompanyError::UnknownCostCentreField(_) => Self::bad_input("costCentreField", message),
            CompanyError::Deactivated(_) => Self::InvalidState(message),
            CompanyError::EndDateInPast => Self::bad_input("endsOn", message),
        }
    }
}

impl From<TariffError> for ApiError {
    fn from(error: TariffError) -> Self {
        let message = error.to_string();
        match error {
            TariffError::NotFirstOfFutureMonth => Self::bad_input("validFrom", message),
            TariffError::AlreadyPublished(_) => Self::Conflict(message),
            TariffError::IncompletePrices(_) => Self::bad_input("prices", message),
            TariffError::NoZones => Self::bad_input("zones", message),
            TariffError::AlreadyInstalled => Self::Conflict(message),
        }
    }
}

impl<E: std::error::Error + Into<ApiError> + 'static> From<StoreError<E>> for ApiError {
    fn from(error: StoreError<E>) -> Self {
        match error {
            StoreError::Domain(e) => e.into(),
            conflict @ StoreError::Conflict { .. } => {
                Self::Conflict(format!("{conflict}; load it again and retry"))
            }
            other => Self::internal(&other),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let message = error.to_string();
        match error {
            AuthError::Unauthenticated => Self::Unauthenticated(message),
            AuthError::RateLimited { retry_after_secs } => Self::RateLimited {
                message,
                retry_after_secs: Some(retry_after_secs),
                reason: Reason::TooManyRequests,
            },
            AuthError::TooManyAttempts => Self::RateLimited {
                message,
                retry_after_secs: None,
                reason: Reason::CodeUsedUp,
            },
            AuthError::InvalidToken => {
                Self::bad_input_because("token", Reason::LinkInvalid, message)
            }
            AuthError::LinkUsed => Self::bad_input_because("token", Reason::LinkUsed, message),
            AuthError::LinkExpired => {
                Self::bad_input_because("token", Reason::LinkExpired, message)
            }
            AuthError::LinkReplaced => {
                Self::bad_input_because("token", Reason::LinkReplaced, message)
            }
            AuthError::CodeExpired => Self::bad_input_because("code", Reason::CodeExpired, message),
            AuthError::NoCode => Self::bad_input_because("code", Reason::NoCode, message),
            AuthError::BadInput { field, message } => Self::bad_input(field, message),
            AuthError::Database(e) => Self::internal(&e),
        }
    }
}

impl From<ProjectionError> for ApiError {
    fn from(error: ProjectionError) -> Self {
        Self::internal(&error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(&error)
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
