//! Money as integer øre (R15); kroner with two decimals only when shown.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// An amount in øre (1/100 krone). Never negative.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// Nothing.
    pub const ZERO: Self = Self(0);
    /// The largest amount accepted from input: 1 000 000 kroner.
    pub const MAX_INPUT: Self = Self(100_000_000);

    /// An amount in øre; refuses negative amounts and amounts above [`Money::MAX_INPUT`].
    pub fn from_ore(ore: i64) -> Result<Self, InvalidValue> {
        if ore < 0 {
            return Err(InvalidValue::Money("an amount cannot be negative"));
        }
        if ore > Self::MAX_INPUT.0 {
            return Err(InvalidValue::Money(
                "an amount can be at most 1 000 000 kroner",
            ));
        }
        Ok(Self(ore))
    }

    /// The amount in øre.
    pub const fn ore(self) -> i64 {
        self.0
    }

    /// `percent` percent of this amount, rounded to whole øre, half up (R14).
    pub fn percent(self, percent: u8) -> Self {
        let hundredths = self.0 * i64::from(percent);
        Self((hundredths + 50) / 100)
    }

    /// Kroner with two decimals and a point, e.g. `1234.50`, as exports show it.
    pub fn kroner(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// The difference, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Self) -> Self {
        Self((self.0 - other.0).max(0))
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Self;
    /// Panics in debug builds when the result would be negative; use `saturating_sub` where
    /// that can happen.
    fn sub(self, other: Self) -> Self {
        debug_assert!(self.0 >= other.0, "money cannot go negative");
        Self(self.0 - other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kr {}", self.kroner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up_to_whole_ore() {
        assert_eq!(Money(1_001).percent(50).ore(), 501); // 500.5 -> 501
        assert_eq!(Money(1_003).percent(50).ore(), 502); // 501.5 -> 502
        assert_eq!(Money(999).percent(33).ore(), 330); // 329.67 -> 330
        assert_eq!(Money(101).percent(10).ore(), 10); // 10.1 -> 10
        assert_eq!(Money(12_345).percent(100).ore(), 12_345);
        assert_eq!(Money(12_345).percent(0).ore(), 0);
    }

    #[test]
    fn kroner_are_shown_with_two_decimals() {
        assert_eq!(Money(123_450).kroner(), "1234.50");
        assert_eq!(Money(5).kroner(), "0.05");
        assert_eq!(Money::ZERO.kroner(), "0.00");
    }

    #[test]
    fn negative_and_huge_amounts_are_refused() {
        assert!(Money::from_ore(-1).is_err());
        assert!(Money::from_ore(100_000_001).is_err());
        assert!(Money::from_ore(0).is_ok());
    }
}
