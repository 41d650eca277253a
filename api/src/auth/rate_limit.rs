//! Rate limits with sliding windows, counted in PostgreSQL so that every API replica shares
//! them. One statement per hit: the row's lock makes concurrent hits on one key queue up, so a
//! limit cannot be exceeded by racing.

use std::net::IpAddr;

use bedrift_domain::clock::Clock;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, Row};

use super::AuthError;

/// At most `max` hits in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Most hits allowed in one window (at least 1).
    pub max: u32,
    /// The length of the sliding window.
    pub window: Duration,
}

impl Limit {
    /// `max` hits per `window`.
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }
}

/// The limits of the authentication layer; `RateLimits::default()` is the production setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// SMS codes sent to one phone number (any company): 3 per 10 minutes.
    pub codes_per_phone: Limit,
    /// SMS codes requested from one client address: 20 per hour.
    pub codes_per_address: Limit,
    /// Code verifications tried from one client address: 50 per hour.
    pub verifications_per_address: Limit,
    /// Password reset e-mails asked for one address (known or not): 3 per hour.
    pub resets_per_email: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            codes_per_phone: Limit::new(3, Duration::minutes(10)),
            codes_per_address: Limit::new(20, Duration::hours(1)),
            verifications_per_address: Limit::new(50, Duration::hours(1)),
            resets_per_email: Limit::new(3, Duration::hours(1)),
        }
    }
}

/// The rate-limit key part of a client address: IPv4 as is, IPv6 by its /64 prefix (one
/// household or host usually has a whole /64).
pub(crate) fn client_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Records a hit on `key` if `limit` allows it, or refuses with the seconds until it would.
pub(crate) async fn hit(
    connection: &mut PgConnection,
    clock: &dyn Clock,
    key: &str,
    limit: Limit,
) -> Result<(), AuthError> {
    let now = clock.now();
    let window_start = now - limit.window;
    let row = sqlx::query(
        "INSERT INTO rate_limits AS r (key, hits, last_allowed) VALUES ($1, ARRAY[$2], $4 > 0) \
         ON CONFLICT (key) DO UPDATE SET \
           last_allowed = cardinality(ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > $3)) < $4, \
           hits = CASE \
             WHEN cardinality(ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > $3)) < $4 \
             THEN ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > $3 ORDER BY h) || $2 \
             ELSE ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > $3 ORDER BY h) END \
         RETURNING last_allowed, hits[1] AS oldest",
    )
    .bind(key)
    .bind(now)
    .bind(window_start)
    .bind(i32::try_from(limit.max).unwrap_or(i32::MAX))
    .fetch_one(connection)
    .await?;
    if row.try_get("last_allowed")? {
        return Ok(());
    }
    let oldest: Option<DateTime<Utc>> = row.try_get("oldest")?;
    let free_at = oldest.unwrap_or(now) + limit.window;
    let wait_ms = u64::try_from((free_at - now).num_milliseconds()).unwrap_or(0);
    let retry_after_secs = wait_ms.div_ceil(1000).max(1);
    tracing::warn!(key = %key, retry_after_secs, "rate limit reached");
    Err(AuthError::RateLimited { retry_after_secs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_eq!(client_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7");
    }

    #[test]
    fn the_default_limits_are_those_of_the_spec() {
        let limits = RateLimits::default();
        assert_eq!(limits.codes_per_phone, Limit::new(3, Duration::minutes(10)));
        assert_eq!(limits.codes_per_address, Limit::new(20, Duration::hours(1)));
    }
}
