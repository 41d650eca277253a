//! E-mail addresses, checked for form only (delivery proves the rest).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// An e-mail address of the form `local@domain.tld`, trimmed, with the domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks the form: one `@`, a non-empty local part, a domain with a dot, no spaces, at most
    /// 254 characters.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let trimmed = input.trim();
        let (local, domain) = trimmed.rsplit_once('@').ok_or(InvalidValue::Email)?;
        // The length is checked on the normal form: lower-casing can lengthen a domain (`İ` is
        // two bytes, its lower case three), and the stored form must parse again when read.
        let normal = format!("{local}@{}", domain.to_lowercase());
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && normal.len() <= 254
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(InvalidValue::Email);
        }
        Ok(Self(normal))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidValue;
    /// Parses, except that the erased placeholder reads back as the erased value.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value == super::ERASED {
            return Ok(Self::erased());
        }
        Self::parse(&value)
    }
}

impl EmailAddress {
    /// The value of a person whose data was erased: shows as [`super::ERASED`].
    pub fn erased() -> Self {
        Self(super::ERASED.to_owned())
    }

    /// Whether this is an erased person's value (never true of a parsed one).
    pub fn is_erased(&self) -> bool {
        self.0 == super::ERASED
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_their_domain_lower_cased() {
        assert_eq!(
            EmailAddress::parse(" Kari@Firma.NO ").unwrap().as_str(),
            "Kari@firma.no"
        );
    }

    #[test]
    fn an_address_whose_lower_case_form_is_too_long_is_refused() {
        // 245 bytes as typed, 365 in lower case: accepted, it could not be read back.
        let input = format!("a@{}.no", "İ".repeat(120));
        assert_eq!(EmailAddress::parse(&input), Err(InvalidValue::Email));
    }

    #[test]
    fn addresses_without_at_or_domain_are_refused() {
        for input in [
            "",
            "kari",
            "kari@",
            "@firma.no",
            "kari@firma",
            "ka ri@firma.no",
            "kari@.no",
        ] {
            assert!(EmailAddress::parse(input).is_err(), "{input}");
        }
    }
}
