//! Rate limits with sliding windows, counted in PostgreSQL so that every API replica shares
//! them. One statement per hit: the row's lock makes concurrent hits on one key queue up, so a
//! limit cannot be exceeded by racing.

use std::net::IpAddr;
use std::str::FromStr;

use bedrift_domain::clock::Clock;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool, Row};

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

impl FromStr for Limit {
    type Err = String;

    /// `<max>/<window>`, the window a whole number with a unit `s`, `m`, `h` or `d`: `30/10m`
    /// is 30 hits in any 10 minutes.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("{text:?}: expected <max>/<window>, e.g. 30/10m (units s, m, h, d)");
        let (max, window) = text.trim().split_once('/').ok_or_else(wrong)?;
        let max: u32 = max
            .trim()
            .parse()
            .ok()
            .filter(|m| *m > 0)
            .ok_or_else(wrong)?;
        let window = window.trim();
        let unit_at = window.len().checked_sub(1).ok_or_else(wrong)?;
        let (count, unit) = window.split_at(unit_at);
        let count: i64 = count.parse().ok().filter(|c| *c > 0).ok_or_else(wrong)?;
        let window = match unit {
            "s" => Duration::try_seconds(count),
            "m" => Duration::try_minutes(count),
            "h" => Duration::try_hours(count),
            "d" => Duration::try_days(count),
            _ => None,
        }
        .ok_or_else(wrong)?;
        Ok(Self { max, window })
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
    /// `logIn` attempts from one client address: 30 per 10 minutes; `None` counts none.
    pub logins_per_address: Option<Limit>,
    /// `orderSubscription` calls from one client address: 60 per hour; `None` counts none.
    pub orders_per_address: Option<Limit>,
    /// `createSubscription` calls from one client address (administrators entering their
    /// staff): 600 per hour; `None` counts none.
    pub creations_per_address: Option<Limit>,
    /// Uses of one-time links (`resetPassword`, `acceptInvitation`, `createFirstOperator`)
    /// from one client address, valid or not: 10 per 10 minutes; `None` counts none.
    pub token_uses_per_address: Option<Limit>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            codes_per_phone: Limit::new(3, Duration::minutes(10)),
            codes_per_address: Limit::new(20, Duration::hours(1)),
            verifications_per_address: Limit::new(50, Duration::hours(1)),
            resets_per_email: Limit::new(3, Duration::hours(1)),
            logins_per_address: Some(Limit::new(30, Duration::minutes(10))),
            orders_per_address: Some(Limit::new(60, Duration::hours(1))),
            creations_per_address: Some(Limit::new(600, Duration::hours(1))),
            token_uses_per_address: Some(Limit::new(10, Duration::minutes(10))),
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

/// Records a hit of `action` (e.g. `login`) from client `address` if `limit` allows it, or
/// refuses with `RateLimited` and the seconds until it would. No limit, no hit.
pub async fn limit_address(
    pool: &PgPool,
    clock: &dyn Clock,
    action: &str,
    address: IpAddr,
    limit: Option<Limit>,
) -> Result<(), AuthError> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let key = format!("{action}:address:{}", client_key(address));
    hit(&mut *pool.acquire().await?, clock, &key, limit).await
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
    tracing::warn!(key = %super::mask_key(key), retry_after_secs, "rate limit reached");
    // The kind of limit without the phone, address or e-mail: `code:phone`, `login:address`.
    let kind: Vec<&str> = key.splitn(3, ':').take(2).collect();
    metrics::counter!("bedrift_rate_limit_refusals_total", "limit" => kind.join(":")).increment(1);
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

    #[test]
    fn limits_are_written_as_max_per_window() {
        assert_eq!("30/10m".parse(), Ok(Limit::new(30, Duration::minutes(10))));
        assert_eq!(
            " 5 / 45s ".parse(),
            Ok(Limit::new(5, Duration::seconds(45)))
        );
        assert_eq!("100/1h".parse(), Ok(Limit::new(100, Duration::hours(1))));
        assert_eq!("2/1d".parse(), Ok(Limit::new(2, Duration::days(1))));
        for wrong in [
            "30", "0/1h", "30/0m", "30/10", "30/10w", "x/1h", "30/", "/1h", "-1/1h",
        ] {
            assert!(wrong.parse::<Limit>().is_err(), "{wrong} was accepted");
        }
    }
}
