//! The language an employee used when ordering, so the messages about their order (SMS) are
//! written in it. Bokmål is the default: orders stored before languages existed are bokmål.

use serde::{Deserialize, Serialize};

/// A language the service writes messages in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// Norwegian bokmål, the default.
    #[default]
    #[serde(rename = "nb")]
    Bokmal,
    /// English.
    #[serde(rename = "en")]
    English,
}

impl Language {
    /// Whether this is bokmål, the default (which stored orders leave out).
    pub fn is_bokmal(&self) -> bool {
        *self == Self::Bokmal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_stored_by_their_code_and_default_to_bokmal() {
        assert_eq!(serde_json::to_string(&Language::English).unwrap(), "\"en\"");
        assert_eq!(
            serde_json::from_str::<Language>("\"nb\"").unwrap(),
            Language::Bokmal
        );
        assert_eq!(Language::default(), Language::Bokmal);
    }
}
