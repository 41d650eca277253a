//! Traveller categories (reisende). A subscription's category never changes (R9).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// Who travels on the ticket; each has its own price in the tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TravellerCategory {
    /// Voksen.
    Adult,
    /// Ung voksen.
    YoungAdult,
    /// Ungdom.
    Youth,
    /// Barn.
    Child,
    /// Honnør.
    Senior,
}

impl TravellerCategory {
    /// Every category, in the order the tariff lists them.
    pub const ALL: [Self; 5] = [
        Self::Adult,
        Self::YoungAdult,
        Self::Youth,
        Self::Child,
        Self::Senior,
    ];

    /// Parses the API form, e.g. `YOUNG_ADULT`.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == input.trim())
            .ok_or(InvalidValue::Category)
    }

    /// The API form, e.g. `YOUNG_ADULT`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Adult => "ADULT",
            Self::YoungAdult => "YOUNG_ADULT",
            Self::Youth => "YOUTH",
            Self::Child => "CHILD",
            Self::Senior => "SENIOR",
        }
    }

    /// The Norwegian name shown to people.
    pub fn norwegian(self) -> &'static str {
        match self {
            Self::Adult => "Voksen",
            Self::YoungAdult => "Ung voksen",
            Self::Youth => "Ungdom",
            Self::Child => "Barn",
            Self::Senior => "Honnør",
        }
    }
}

impl fmt::Display for TravellerCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_from_its_code() {
        for category in TravellerCategory::ALL {
            assert_eq!(TravellerCategory::parse(category.code()), Ok(category));
        }
        assert!(TravellerCategory::parse("STUDENT").is_err());
        assert!(TravellerCategory::parse("adult").is_err());
    }
}
