//! `extensions.reason`: why a `BAD_USER_INPUT` or `RATE_LIMITED` refusal happened, as a word a
//! page can switch on. The `message` stays English prose for people reading the API; pages
//! show their own text chosen by `code`, `field` and `reason` (docs/api.md lists them).

use bedrift_domain::values::{FormProblem, InvalidValue, NameProblem};

/// The reason of a refusal, sent as `extensions.reason`. A stable contract: add variants,
/// never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A required input is empty.
    Missing,
    /// Longer than the input allows.
    TooLong,
    /// A name with a digit in it (R3).
    Digits,
    /// Characters the input does not allow.
    Characters,
    /// A name with no letter at all (R3).
    NoLetter,
    /// An answer to a field the company's order form does not have.
    UnknownField,
    /// The SMS code is older than its 10 minutes.
    CodeExpired,
    /// No SMS code waits for the phone (never asked for, or already used).
    NoCode,
    /// The SMS code was guessed wrong too many times and no longer works: ask for a new one
    /// (waiting does not help, so there is no `retryAfter`).
    CodeUsedUp,
    /// Too many requests from this phone or client address; `retryAfter` says how long to wait.
    TooManyRequests,
    /// An invitation, reset or first-operator link that is unknown.
    LinkInvalid,
    /// A link that was already used.
    LinkUsed,
    /// A link older than its validity.
    LinkExpired,
    /// A link replaced by a newer one of the same kind.
    LinkReplaced,
}

impl Reason {
    /// The value of `extensions.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "MISSING",
            Self::TooLong => "TOO_LONG",
            Self::Digits => "DIGITS",
            Self::Characters => "CHARACTERS",
            Self::NoLetter => "NO_LETTER",
            Self::UnknownField => "UNKNOWN_FIELD",
            Self::CodeExpired => "CODE_EXPIRED",
            Self::NoCode => "NO_CODE",
            Self::CodeUsedUp => "CODE_USED_UP",
            Self::TooManyRequests => "TOO_MANY_REQUESTS",
            Self::LinkInvalid => "LINK_INVALID",
            Self::LinkUsed => "LINK_USED",
            Self::LinkExpired => "LINK_EXPIRED",
            Self::LinkReplaced => "LINK_REPLACED",
        }
    }

    /// The reason a refused value carries, where a page tells its cases apart.
    pub fn of(value: &InvalidValue) -> Option<Self> {
        match value {
            InvalidValue::Name(problem) => Some(match problem {
                NameProblem::Missing => Self::Missing,
                NameProblem::TooLong => Self::TooLong,
                NameProblem::Digits => Self::Digits,
                NameProblem::Characters => Self::Characters,
                NameProblem::NoLetter => Self::NoLetter,
            }),
            InvalidValue::Form { problem, .. } => Some(match problem {
                FormProblem::Missing => Self::Missing,
                FormProblem::TooLong => Self::TooLong,
                FormProblem::Characters => Self::Characters,
                FormProblem::Unknown => Self::UnknownField,
            }),
            _ => None,
        }
    }
}
