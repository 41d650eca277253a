//! How often, and after how long, a command that lost a race on its aggregate is tried again.

use std::time::Duration;

/// A bounded retry with exponential, jittered back-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; at least 1.
    pub max_attempts: u32,
    /// The wait before the first retry; each later retry waits twice as long as the one
    /// before, plus up to the same again at random so that racing requests spread out.
    pub base_delay: Duration,
}

impl Default for RetryPolicy {
    /// Three tries, waiting about 5-10 ms and then 10-20 ms.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
        }
    }
}

impl RetryPolicy {
    /// No retry: the first conflict is returned.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            base_delay: Duration::ZERO,
        }
    }

    /// The wait after failed attempt number `attempt` (1 for the first), or `None` when that
    /// was the last one allowed.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        if attempt >= self.max_attempts.max(1) {
            return None;
        }
        let step = self.base_delay.saturating_mul(1 << (attempt - 1).min(16));
        let jitter_ceiling = step.as_micros().max(1) as u64;
        Some(step + Duration::from_micros(random_u64() % jitter_ceiling))
    }
}

/// Randomness for jitter without a random-number crate: a version 4 UUID is 122 random bits.
fn random_u64() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_tries_three_times() {
        let policy = RetryPolicy::default();
        assert!(policy.delay_after(1).is_some());
        assert!(policy.delay_after(2).is_some());
        assert_eq!(policy.delay_after(3), None);
    }

    #[test]
    fn delays_double_and_stay_below_twice_the_step() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(4),
        };
        for _ in 0..100 {
            let first = policy.delay_after(1).expect("retry");
            assert!(first >= Duration::from_millis(4) && first < Duration::from_millis(8));
            let third = policy.delay_after(3).expect("retry");
            assert!(third >= Duration::from_millis(16) && third < Duration::from_millis(32));
        }
    }

    #[test]
    fn never_means_one_attempt() {
        assert_eq!(RetryPolicy::never().delay_after(1), None);
    }
}
