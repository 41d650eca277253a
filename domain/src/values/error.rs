//! The one error type of value parsing.

use thiserror::Error;

use super::form_input::{describe, FormInput, FormProblem};
use super::person_name::NameProblem;

/// Why a value was refused. The message is meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidValue {
    /// A phone number that is not a valid mobile number.
    #[error("{0}")]
    Phone(&'static str),
    /// A first or last name that breaks R3.
    #[error("{0}")]
    Name(NameProblem),
    /// An organisation number that is not 9 digits with a valid mod-11 check digit.
    #[error("{0}")]
    OrgNumber(&'static str),
    /// A month not written as `YYYY-MM`.
    #[error("a month is written as YYYY-MM, for example 2026-12")]
    Month,
    /// An amount of money that is negative or too large.
    #[error("{0}")]
    Money(&'static str),
    /// An e-mail address that is not of the form `name@domain.tld`.
    #[error("an e-mail address looks like name@example.no")]
    Email,
    /// A zone id that is empty or too long, or a zone selection the tariff does not allow.
    #[error("{0}")]
    Zones(String),
    /// A traveller category that does not exist.
    #[error("the traveller category must be one of ADULT, YOUNG_ADULT, YOUTH, CHILD, SENIOR")]
    Category,
    /// A text that is empty, too long or has forbidden characters.
    #[error("{what} must be {min}-{max} characters")]
    TextLength {
        /// What the text is, e.g. "the reason".
        what: &'static str,
        /// Least number of characters.
        min: usize,
        /// Greatest number of characters.
        max: usize,
    },
    /// A text with characters that are not allowed in it.
    #[error("{what} may only contain {allowed}")]
    TextCharacters {
        /// What the text is.
        what: &'static str,
        /// The characters that are allowed, in words.
        allowed: &'static str,
    },
    /// An order-form input (employee number, extra field answer) that the company's form refuses;
    /// names the input so the page can mark it.
    #[error("{}", describe(input, *problem))]
    Form {
        /// The input at fault.
        input: FormInput,
        /// What is wrong with it.
        problem: FormProblem,
    },
    /// An id that is not a UUID.
    #[error("not a valid id")]
    Id,
}
