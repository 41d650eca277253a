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
