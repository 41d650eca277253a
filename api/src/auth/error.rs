//! The one error type of the authentication layer. Each variant maps to one API error code;
//! messages are safe to show and never carry internals (those are logged where they happen).

use thiserror::Error;

/// Why an authentication step was refused.
///
/// Suggested API codes: `Unauthenticated` → `UNAUTHENTICATED`, `RateLimited` and
/// `TooManyAttempts` → `RATE_LIMITED`, the refused links and codes and `BadInput` →
/// `BAD_USER_INPUT` (links with field `token`, codes with field `code`), `Database` → `INTERNAL`.
#[derive(Debug, Error)]
pub enum AuthError {
    /// Wrong e-mail or password, a wrong SMS code, or a session that is unknown, expired or
    /// logged out. Deliberately does not say which.
    #[error("not logged in, or wrong credentials")]
    Unauthenticated,
    /// Too many requests from this phone or client address; try again later.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the next request can be allowed.
        retry_after_secs: u64,
    },
    /// An invitation, password reset or first-operator link that is unknown.
    #[error("the link is not valid; check that it was copied whole, or ask for a new one")]
    InvalidToken,
    /// A link that was already used.
    #[error("the link has already been used; log in, or ask for a new link")]
    LinkUsed,
    /// A link older than its validity.
    #[error("the link has expired; ask for a new one")]
    LinkExpired,
    /// A link replaced by a newer one of the same kind (only the newest works).
    #[error("a newer link has been sent since this one; use the newest link")]
    LinkReplaced,
    /// An SMS code older than its validity (10 minutes).
    #[error("the code has expired (a code works for 10 minutes); ask for a new code")]
    CodeExpired,
    /// No SMS code is waiting for the phone (never asked for, or already used).
    #[error("no code is waiting for this phone number; ask for a new code")]
    NoCode,
    /// The SMS code was guessed wrong too many times and no longer works.
    #[error("too many wrong codes: this code no longer works; ask for a new code")]
    TooManyAttempts,
    /// An input that breaks a rule, such as a weak password; the message is for the person.
    #[error("{field}: {message}")]
    BadInput {
        /// The input at fault, e.g. `password`.
        field: &'static str,
        /// What to change.
        message: String,
    },
    /// The database failed. The cause is logged; the message says nothing about it.
    #[error("internal error")]
    Database(#[source] sqlx::Error),
}

impl AuthError {
    /// A `BadInput` for `field`.
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadInput {
            field,
            message: message.into(),
        }
    }
}

impl From<sqlx::Error> for AuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database error in authentication");
        Self::Database(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_say_nothing_about_their_cause() {
        let error = AuthError::from(sqlx::Error::Protocol("secret detail".into()));
        assert_eq!(error.to_string(), "internal error");
    }

    #[test]
    fn bad_input_names_its_field() {
        let error = AuthError::bad_input("password", "too short");
        assert_eq!(error.to_string(), "password: too short");
    }
}
