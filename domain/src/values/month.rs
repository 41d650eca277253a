//! Calendar months, the unit of billing (R12).

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// A calendar month, written `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    /// Its first day; always day 1.
    first: NaiveDate,
}

impl Month {
    /// Parses `YYYY-MM` (years 2000-9999).
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let (year, month) = input.trim().split_once('-').ok_or(InvalidValue::Month)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(InvalidValue::Month);
        }
        let year: i32 = year.parse().map_err(|_| InvalidValue::Month)?;
        let month: u32 = month.parse().map_err(|_| InvalidValue::Month)?;
        if year < 2000 {
            return Err(InvalidValue::Month);
        }
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(|first| Self { first })
            .ok_or(InvalidValue::Month)
    }

    /// The month that contains `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            first: date.with_day(1).expect("every month has a day 1"),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first
            .pred_opt()
            .expect("dates before 10000 have a predecessor")
    }

    /// The month after.
    pub fn next(self) -> Self {
        Self {
            first: self.first + Months::new(1),
        }
    }

    /// The month before.
    pub fn previous(self) -> Self {
        Self {
            first: self.first - Months::new(1),
        }
    }

    /// Whether `date` lies in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        Self::of(date) == self
    }

    /// The months from `self` to `last`, both included.
    pub fn through(self, last: Self) -> impl Iterator<Item = Self> {
        std::iter::successors(Some(self), |m| Some(m.next())).take_while(move |m| *m <= last)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.first.year(), self.first.month())
    }
}

impl TryFrom<String> for Month {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Month> for String {
    fn from(value: Month) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_print_as_year_dash_month() {
        let month = Month::parse("2026-12").unwrap();
        assert_eq!(month.to_string(), "2026-12");
        assert_eq!(
            month.last_day(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert_eq!(month.next().to_string(), "2027-01");
        assert_eq!(
            Month::parse("2028-02").unwrap().last_day().to_string(),
            "2028-02-29"
        );
    }

    #[test]
    fn malformed_months_are_refused() {
        for input in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-12",
            "2026/12",
            "1999-12",
            "2026-12-01",
        ] {
            assert!(Month::parse(input).is_err(), "{input}");
        }
    }
}
