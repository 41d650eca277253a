//! Figures of a run: per operation the requests, the errors by `extensions.code`, the latency
//! percentiles and the throughput; recorded per client without sharing, merged at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The operations of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// An employee orders (`orderSubscription`).
    OrderSubscription,
    /// An administrator creates an approved subscription (`createSubscription`).
    CreateSubscription,
    /// An administrator approves a pending order.
    ApproveSubscription,
    /// An administrator rejects a pending order.
    RejectSubscription,
    /// An administrator changes a ticket's zones.
    ChangeZones,
    /// An administrator or the employee cancels a ticket.
    CancelSubscription,
    /// A new employee asks for an SMS code.
    RequestVerificationCode,
    /// The new employee logs in with it.
    VerifyPhone,
    /// An administrator looks at the approval queue.
    ApprovalQueue,
    /// An administrator lists tickets (sometimes searching).
    Tickets,
    /// An administrator looks at next month's payroll deduction basis.
    PayrollDeductionBasis,
}

impl Operation {
    /// The GraphQL field it calls.
    pub fn name(self) -> &'static str {
        match self {
            Self::OrderSubscription => "orderSubscription",
            Self::CreateSubscription => "createSubscription",
            Self::ApproveSubscription => "approveSubscription",
            Self::RejectSubscription => "rejectSubscription",
            Self::ChangeZones => "changeZones",
            Self::CancelSubscription => "cancelSubscription",
            Self::RequestVerificationCode => "requestVerificationCode",
            Self::VerifyPhone => "verifyPhone",
            Self::ApprovalQueue => "approvalQueue",
            Self::Tickets => "tickets",
            Self::PayrollDeductionBasis => "payrollDeductionBasis",
        }
    }

    /// Whether it appends events to the log.
    pub fn writes_events(self) -> bool {
        matches!(
            self,
            Self::OrderSubscription
                | Self::CreateSubscription
                | Self::ApproveSubscription
                | Self::RejectSubscription
                | Self::ChangeZones
                | Self::CancelSubscription
        )
    }

    /// Whether it places a new subscription.
    pub fn is_order(self) -> bool {
        matches!(self, Self::OrderSubscription | Self::CreateSubscription)
    }

    /// The event a success of it appends, if it appends one.
    pub fn event_type(self) -> Option<&'static str> {
        match self {
            Self::OrderSubscription | Self::CreateSubscription => Some("SubscriptionOrdered"),
            Self::ApproveSubscription => Some("SubscriptionApproved"),
            Self::RejectSubscription => Some("SubscriptionRejected"),
            Self::ChangeZones => Some("ZonesChanged"),
            Self::CancelSubscription => Some("SubscriptionCancelled"),
            _ => None,
        }
    }
}

/// The requests of one operation.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Latency of every request, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Failed requests by code.
    pub errors: BTreeMap<String, u64>,
}

impl Tally {
    /// Requests that succeeded.
    pub fn successes(&self) -> u64 {
        self.latencies_us.len() as u64 - self.errors.values().sum::<u64>()
    }
}

/// What one or more clients recorded.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// Per operation.
    pub tallies: BTreeMap<Operation, Tally>,
}

impl Recorder {
    /// Records a request of `operation` that took `elapsed` and failed with `error`, if any.
    pub fn record(&mut self, operation: Operation, elapsed: Duration, error: Option<&str>) {
        let tally = self.tallies.entry(operation).or_default();
        tally
            .latencies_us
            .push(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        if let Some(code) = error {
            *tally.errors.entry(code.to_owned()).or_default() += 1;
        }
    }

    /// Adds `other`'s requests.
    pub fn merge(&mut self, other: Self) {
        for (operation, tally) in other.tallies {
            let mine = self.tallies.entry(operation).or_default();
            mine.latencies_us.extend(tally.latencies_us);
            for (code, n) in tally.errors {
                *mine.errors.entry(code).or_default() += n;
            }
        }
    }

    /// Successful requests of the operations `which` selects.
    pub fn successes(&self, which: impl Fn(Operation) -> bool) -> u64 {
        self.tallies
            .iter()
            .filter(|(operation, _)| which(**operation))
            .map(|(_, tally)| tally.successes())
            .sum()
    }

    /// The table of a run that lasted `elapsed`.
    pub fn table(&self, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64().max(1e-9);
        let mut out = format!(
            "{:<24} {:>8} {:>8} {:>8} {:>8} {:>8}  errors\n",
            "operation", "requests", "ok/s", "p50 ms", "p95 ms", "p99 ms"
        );
        let mut all = Tally::default();
        for (operation, tally) in &self.tallies {
            row(&mut out, operation.name(), tally, seconds);
            all.latencies_us.extend(&tally.latencies_us);
            for (code, n) in &tally.errors {
                *all.errors.entry(code.clone()).or_default() += n;
            }
        }
        row(&mut out, "all", &all, seconds);
        out
    }
}

fn row(out: &mut String, name: &str, tally: &Tally, seconds: f64) {
    let mut sorted = tally.latencies_us.clone();
    sorted.sort_unstable();
    let errors = if tally.errors.is_empty() {
        "-".to_owned()
    } else {
        tally
            .errors
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "{name:<24} {:>8} {:>8.1} {:>8.1} {:>8.1} {:>8.1}  {errors}",
        sorted.len(),
        tally.successes() as f64 / seconds,
        millis(percentile(&sorted, 0.50)),
        millis(percentile(&sorted, 0.95)),
        millis(percentile(&sorted, 0.99)),
    );
}

/// The `p` quantile (0-1) of ascending `sorted` values (nearest rank); 0 when empty.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Microseconds as milliseconds.
pub fn millis(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Counters every client bumps, for progress lines while running.
#[derive(Debug, Default)]
pub struct Live {
    /// Requests answered (or failed).
    pub requests: AtomicU64,
    /// Of those, failed or refused.
    pub errors: AtomicU64,
    /// Successful orders and creations.
    pub orders: AtomicU64,
    /// Successful mutations that append events.
    pub writes: AtomicU64,
}

impl Live {
    /// Counts one request.
    pub fn count(&self, operation: Operation, failed: bool) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.errors.fetch_add(1, Ordering::Relaxed);
        } else {
            if operation.is_order() {
                self.orders.fetch_add(1, Ordering::Relaxed);
            }
            if operation.writes_events() {
                self.writes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// (requests, errors, orders, writes) so far.
    pub fn snapshot(&self) -> [u64; 4] {
        [
            self.requests.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            self.orders.load(Ordering::Relaxed),
            self.writes.load(Ordering::Relaxed),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.50), 50);
        assert_eq!(percentile(&values, 0.99), 99);
        assert_eq!(percentile(&values, 1.0), 100);
        assert_eq!(percentile(&[7], 0.5), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn successes_leave_out_the_errors() {
        let mut recorder = Recorder::default();
        let ms = Duration::from_millis(1);
        recorder.record(Operation::OrderSubscription, ms, None);
        recorder.record(Operation::OrderSubscription, ms, Some("CONFLICT"));
        recorder.record(Operation::Tickets, ms, None);
        let mut other = Recorder::default();
        other.record(Operation::CreateSubscription, ms, None);
        recorder.merge(other);
        assert_eq!(recorder.successes(Operation::is_order), 2);
        assert_eq!(recorder.successes(|_| true), 3);
        assert!(recorder
            .table(Duration::from_secs(1))
            .contains("CONFLICT 1"));
    }
}
