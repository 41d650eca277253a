//! Norwegian organisation numbers (organisasjonsnummer): 9 digits with a mod-11 check digit.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// A 9-digit organisation number whose last digit is a valid mod-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

impl OrgNumber {
    /// Parses `123456785` or `123 456 785`.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::OrgNumber(
                "an organisation number has 9 digits, for example 974 760 673",
            ));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&values).map(|(w, d)| w * d).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => {
                return Err(InvalidValue::OrgNumber(
                    "this organisation number does not exist (check digit)",
                ))
            }
            c => c,
        };
        if check != values[8] {
            return Err(InvalidValue::OrgNumber(
                "the organisation number's check digit is wrong: check for a typing error",
            ));
        }
        Ok(Self(digits))
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgNumber> for String {
    fn from(value: OrgNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_organisation_numbers_pass_the_mod_11_check() {
        // Brønnøysundregistrene's own number and AKT's.
        for number in ["974760673", "974 760 673", "982441366"] {
            assert!(OrgNumber::parse(number).is_ok(), "{number}");
        }
    }

    #[test]
    fn a_wrong_check_digit_or_length_is_refused() {
        for number in ["974760674", "97476067", "9747606730", "97476067a", ""] {
            assert!(OrgNumber::parse(number).is_err(), "{number}");
        }
    }
}
