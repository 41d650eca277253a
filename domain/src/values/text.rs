//! Short texts with a length limit: reasons, labels, employee numbers, pay type codes, tokens.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// A trimmed text of bounded length without control characters, such as a rejection reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoundedText(String);

impl BoundedText {
    /// Trims `input` and checks that it has `min..=max` characters, no control characters and no
    /// bidi controls.
    /// `what` names the text in the error, e.g. "the reason".
    pub fn parse(
        input: &str,
        what: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Self, InvalidValue> {
        let trimmed = input.trim();
        let length = trimmed.chars().count();
        if length < min || length > max {
            return Err(InvalidValue::TextLength { what, min, max });
        }
        // Bidi controls (U+202A-202E, U+2066-2069) would reorder what others are shown.
        let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if trimmed
            .chars()
            .any(|c| (c.is_control() && c != '\n') || bidi(c))
        {
            return Err(InvalidValue::TextCharacters {
                what,
                allowed: "printable characters",
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! code_text {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:literal, $max:literal, $allowed:literal, $pred:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Trims `input` and checks its length and characters.
            pub fn parse(input: &str) -> Result<Self, InvalidValue> {
                let trimmed = input.trim();
                let length = trimmed.chars().count();
                if !($min..=$max).contains(&length) {
                    return Err(InvalidValue::TextLength { what: $what, min: $min, max: $max });
                }
                let allowed: fn(char) -> bool = $pred;
                if !trimmed.chars().all(allowed) {
                    return Err(InvalidValue::TextCharacters { what: $what, allowed: $allowed });
                }
                Ok(Self(trimmed.to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_text!(
    /// An employee number (ansattnummer) as the company's payroll system knows it.
    EmployeeNumber,
    "the employee number",
    1,
    20,
    "letters, digits, hyphens and periods",
    |c| c.is_alphanumeric() || c == '-' || c == '.'
);

impl EmployeeNumber {
    /// The number of a person whose data was erased: shows as [`super::ERASED`].
    pub fn erased() -> Self {
        Self(super::ERASED.to_owned())
    }
}

code_text!(
    /// The pay type code (lønnsart) that payroll imports book the deduction on.
    PayTypeCode,
    "the pay type code",
    1,
    10,
    "letters and digits",
    |c| c.is_ascii_alphanumeric()
);

code_text!(
    /// The unguessable token in a company's order link; URL-safe.
    OrderLinkToken,
    "the order link token",
    16,
    64,
    "letters, digits, hyphens and underscores",
    |c| c.is_ascii_alphanumeric() || c == '-' || c == '_'
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_is_trimmed_and_its_length_checked_in_characters() {
        assert_eq!(
            BoundedText::parse("  ok ", "the reason", 1, 500)
                .unwrap()
                .as_str(),
            "ok"
        );
        assert!(BoundedText::parse("   ", "the reason", 1, 500).is_err());
        assert!(BoundedText::parse(&"ø".repeat(500), "the reason", 1, 500).is_ok());
        assert!(BoundedText::parse(&"ø".repeat(501), "the reason", 1, 500).is_err());
        assert!(BoundedText::parse("a\u{0}b", "the reason", 1, 500).is_err());
    }

    #[test]
    fn bidi_controls_are_refused_in_texts_shown_to_others() {
        for control in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            let text = format!("Avslått {control}fordi");
            assert!(
                BoundedText::parse(&text, "the reason", 1, 500).is_err(),
                "{control:?}"
            );
        }
        assert!(BoundedText::parse("Avslått fordi", "the reason", 1, 500).is_ok());
    }

    #[test]
    fn codes_refuse_characters_outside_their_alphabet() {
        assert!(EmployeeNumber::parse("A-1042").is_ok());
        assert!(EmployeeNumber::parse("10 42").is_err());
        assert!(PayTypeCode::parse("5010").is_ok());
        assert!(PayTypeCode::parse("50;10").is_err());
        assert!(OrderLinkToken::parse("short").is_err());
        assert!(OrderLinkToken::parse("abcdefghijklmnopqrstuvwx_-12").is_ok());
    }
}
