//! Personal data kept out of logs: phone numbers and e-mail addresses are written masked
//! wherever they are logged (rate-limit keys, delivery, authentication), so that a log shipped
//! to a log service holds no contact details. A masked value keeps just enough to tell two
//! apart when debugging (the last two digits; the first letter and the domain).

use std::fmt;

/// A phone number or e-mail address as logs may show it.
pub struct Masked<'a>(pub &'a str);

impl fmt::Display for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(self.0))
    }
}

/// `value` masked: an e-mail address as `k***@firma.no`, anything with digits (a phone number)
/// as `***67`, anything else (a client address, a word) as it is.
pub fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.rsplit_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    let phone_like = digits.len() >= 8
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'));
    if phone_like {
        let last: String = digits[digits.len() - 2..].iter().collect();
        return format!("***{last}");
    }
    value.to_owned()
}

/// A rate-limit key (`<action>:<kind>:<subject>`) with its subject masked.
pub fn mask_key(key: &str) -> String {
    match key.splitn(3, ':').collect::<Vec<_>>().as_slice() {
        [action, kind, subject] => format!("{action}:{kind}:{}", mask(subject)),
        _ => mask(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_addresses_are_masked_and_other_keys_kept() {
        assert_eq!(mask("+4741234567"), "***67");
        assert_eq!(mask("kari.nordmann@firma.no"), "k***@firma.no");
        assert_eq!(mask_key("code:phone:+4741234567"), "code:phone:***67");
        assert_eq!(
            mask_key("reset:email:kari@firma.no"),
            "reset:email:k***@firma.no"
        );
        assert_eq!(
            mask_key("login:address:203.0.113.1"),
            "login:address:203.0.113.1"
        );
    }
}
