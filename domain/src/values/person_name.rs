//! First and last names (R3).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// Which part of R3 a refused name breaks, so that a page can say why in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum NameProblem {
    /// Nothing left after trimming.
    #[error("enter the name as it is written on your ID")]
    Missing,
    /// More than [`PersonName::MAX_CHARS`] characters.
    #[error("a name can have at most 100 characters")]
    TooLong,
    /// A digit in it.
    #[error("a name cannot contain digits")]
    Digits,
    /// A character that is not a letter, space, hyphen, apostrophe or period.
    #[error("a name may only contain letters, spaces, hyphens, apostrophes and periods")]
    Characters,
    /// Only punctuation, no letter.
    #[error("a name must contain at least one letter")]
    NoLetter,
}

/// A first or last name as on the person's ID: 1-100 characters after trimming and collapsing
/// inner whitespace; letters of any script, spaces, hyphens, apostrophes and periods; no digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// The longest name, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Trims, collapses inner whitespace and checks the characters.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = collapsed.chars().count();
        if length == 0 {
            return Err(InvalidValue::Name(NameProblem::Missing));
        }
        if length > Self::MAX_CHARS {
            return Err(InvalidValue::Name(NameProblem::TooLong));
        }
        if collapsed.chars().any(|c| c.is_numeric()) {
            return Err(InvalidValue::Name(NameProblem::Digits));
        }
        let allowed = |c: char| {
            c.is_alphabetic()
                || is_combining_mark(c)
                || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.')
        };
        if !collapsed.chars().all(allowed) {
            return Err(InvalidValue::Name(NameProblem::Characters));
        }
        if !collapsed.chars().any(char::is_alphabetic) {
            return Err(InvalidValue::Name(NameProblem::NoLetter));
        }
        Ok(Self(collapsed))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Combining diacritical marks, so that names typed in decomposed form (e + ́) are accepted.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PersonName {
    type Error = InvalidValue;
    /// Parses, except that the erased placeholder reads back as the erased value.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value == super::ERASED {
            return Ok(Self::erased());
        }
        Self::parse(&value)
    }
}

impl PersonName {
    /// The value of a person whose data was erased: shows as [`super::ERASED`].
    pub fn erased() -> Self {
        Self(super::ERASED.to_owned())
    }

    /// Whether this is an erased person's value (never true of a parsed one).
    pub fn is_erased(&self) -> bool {
        self.0 == super::ERASED
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_inner_whitespace_collapsed() {
        assert_eq!(
            PersonName::parse("  Kari   Anne \t").unwrap().as_str(),
            "Kari Anne"
        );
    }

    #[test]
    fn letters_of_any_script_hyphens_apostrophes_and_periods_are_accepted() {
        for name in [
            "Øyvind",
            "Åse-Marie",
            "O'Neil",
            "Jr.",
            "Nguyễn",
            "Ólafur",
            "Сергей",
            "李",
            "Mañé",
        ] {
            assert!(PersonName::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn digits_symbols_empty_and_overlong_names_are_refused() {
        let too_long = "a".repeat(101);
        for name in [
            "",
            "   ",
            "Kari2",
            "R2-D2",
            "Kari!",
            "<script>",
            too_long.as_str(),
            "--",
            "١٢",
        ] {
            assert!(PersonName::parse(name).is_err(), "{name}");
        }
        assert!(PersonName::parse(&"å".repeat(100)).is_ok());
    }
}
