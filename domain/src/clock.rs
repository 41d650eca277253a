//! Time (R1): calendar dates are in Europe/Oslo, instants in UTC, and "now" comes from a clock
//! that is handed in, so tests can set it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// Today's calendar date in Europe/Oslo.
    fn today(&self) -> NaiveDate {
        oslo_date(self.now())
    }
}

/// The calendar date in Europe/Oslo of an instant.
pub fn oslo_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Oslo).date_naive()
}

/// The first instant (UTC) of a calendar date in Europe/Oslo.
pub fn start_of_oslo_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    midnight
        .and_local_timezone(Oslo)
        .earliest()
        .expect("Oslo has no gap at midnight")
        .with_timezone(&Utc)
}

/// The instant (UTC) a clock in Europe/Oslo shows `hour`:00 (0-23) on `date`; within the hour
/// skipped when summer time starts, the instant the clocks jump to.
pub fn oslo_hour(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let skipped = start_of_oslo_day(date) + chrono::Duration::hours(i64::from(hour.min(23)));
    date.and_hms_opt(hour.min(23), 0, 0)
        .and_then(|local| local.and_local_timezone(Oslo).earliest())
        .map_or(skipped, |instant| instant.with_timezone(&Utc))
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved; for tests and simulations.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    /// A clock showing `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(now)))
    }

    /// A clock showing noon in Oslo on `date`.
    pub fn on(date: NaiveDate) -> Self {
        Self::at(start_of_oslo_day(date) + chrono::Duration::hours(12))
    }

    /// Moves the clock (all clones see it).
    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_oslo_hour_follows_summer_time_and_its_skipped_hour() {
        let at = |date: &str, hour| oslo_hour(date.parse().unwrap(), hour);
        let utc = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
        assert_eq!(at("2026-12-10", 7), utc(2026, 12, 10, 6), "winter: UTC+1");
        assert_eq!(at("2026-06-10", 7), utc(2026, 6, 10, 5), "summer: UTC+2");
        // 2026-03-29 02:00 does not exist in Oslo: the clocks jump from 02:00 to 03:00.
        assert_eq!(at("2026-03-29", 2), utc(2026, 3, 29, 1));
        assert_eq!(at("2026-03-29", 3), utc(2026, 3, 29, 1));
    }

    #[test]
    fn today_is_the_calendar_date_in_oslo_not_in_utc() {
        // 23:30 UTC on New Year's Eve is already New Year's Day in Oslo (UTC+1 in winter).
        let clock = FixedClock::at(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        // 22:30 UTC on 30 June is 00:30 on 1 July in Oslo (UTC+2 in summer).
        let summer = FixedClock::at(Utc.with_ymd_and_hms(2027, 6, 30, 22, 30, 0).unwrap());
        assert_eq!(summer.today(), NaiveDate::from_ymd_opt(2027, 7, 1).unwrap());
    }

    #[test]
    fn a_day_in_oslo_starts_at_local_midnight() {
        let start = start_of_oslo_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap());
    }
}
