//! Mobile phone numbers in E.164 form (R4). Numbers without a country code are Norwegian.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// A mobile number in E.164 form, such as `+4791234567`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

const NORWAY: &str = "47";

impl PhoneNumber {
    /// Parses a number as people type it: spaces, hyphens, dots and parentheses are ignored; a
    /// leading `00` means `+`; without a country code the number is Norwegian, and a Norwegian
    /// mobile number has 8 digits starting with 4 or 9.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(InvalidValue::Phone("enter a mobile number"));
        }
        let mut digits = String::with_capacity(trimmed.len());
        let mut international = false;
        for (index, c) in trimmed.chars().enumerate() {
            match c {
                '+' if index == 0 => international = true,
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => {
                    return Err(InvalidValue::Phone(
                        "a phone number may only contain digits, spaces and a leading +",
                    ))
                }
            }
        }
        if !international {
            if let Some(rest) = digits.strip_prefix("00") {
                digits = rest.to_owned();
                international = true;
            }
        }
        if !international {
            return Self::norwegian(&digits);
        }
        match digits.strip_prefix(NORWAY) {
            Some(national) => Self::norwegian(national),
            None => Self::foreign(&digits),
        }
    }

    fn norwegian(national: &str) -> Result<Self, InvalidValue> {
        if national.len() != 8 {
            return Err(InvalidValue::Phone(
                "a Norwegian mobile number has 8 digits, for example 912 34 567",
            ));
        }
        if !national.starts_with(['4', '9']) {
            return Err(InvalidValue::Phone(
                "a Norwegian mobile number starts with 4 or 9",
            ));
        }
        Ok(Self(format!("+{NORWAY}{national}")))
    }

    fn foreign(digits: &str) -> Result<Self, InvalidValue> {
        // E.164 allows at most 15 digits including the country code, which never starts with 0.
        if digits.starts_with('0') || !(8..=15).contains(&digits.len()) {
            return Err(InvalidValue::Phone(
                "an international number has a country code and 8-15 digits, for example +46 70 123 45 67",
            ));
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The E.164 text, e.g. `+4791234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = InvalidValue;
    /// Parses, except that the erased placeholder reads back as the erased value.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value == super::ERASED {
            return Ok(Self::erased());
        }
        Self::parse(&value)
    }
}

impl PhoneNumber {
    /// The value of a person whose data was erased: shows as [`super::ERASED`].
    pub fn erased() -> Self {
        Self(super::ERASED.to_owned())
    }

    /// Whether this is an erased person's value (never true of a parsed one).
    pub fn is_erased(&self) -> bool {
        self.0 == super::ERASED
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_a_country_code_are_norwegian() {
        for input in ["91234567", "912 34 567", "912-34-567", " 4123 4567 "] {
            let phone = PhoneNumber::parse(input).unwrap();
            assert!(phone.as_str().starts_with("+47"), "{input} -> {phone}");
        }
        assert_eq!(
            PhoneNumber::parse("91234567").unwrap().as_str(),
            "+4791234567"
        );
    }

    #[test]
    fn country_codes_are_kept_in_e164_form() {
        assert_eq!(
            PhoneNumber::parse("+47 912 34 567").unwrap().as_str(),
            "+4791234567"
        );
        assert_eq!(
            PhoneNumber::parse("004791234567").unwrap().as_str(),
            "+4791234567"
        );
        assert_eq!(
            PhoneNumber::parse("+46 70 123 45 67").unwrap().as_str(),
            "+46701234567"
        );
    }

    #[test]
    fn non_mobile_and_malformed_numbers_are_refused_with_a_reason() {
        for input in [
            "",
            "1234",
            "22334455",
            "+47 2233 4455",
            "9123456",
            "912345678",
            "91a34567",
            "+0012345678",
            "++4791234567",
        ] {
            let error = PhoneNumber::parse(input).unwrap_err();
            assert!(matches!(error, InvalidValue::Phone(_)), "{input}");
        }
    }
}
