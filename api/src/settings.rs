//! Typed settings of the API, read once from the environment (each is documented in the
//! README's settings section).

use std::time::Duration;

use bedrift_projections::NotificationSettings;

use crate::auth::{HashCost, Limit, RateLimits};
use crate::client_address::ProxyRange;

/// What the API needs to know besides the database.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `PUBLIC_URL`: where people reach the service; links in messages start with it.
    pub public_url: String,
    /// `CORS_ALLOWED_ORIGINS`: comma-separated origins allowed to call the API from a
    /// browser; empty allows none.
    pub cors_allowed_origins: Vec<String>,
    /// `REQUEST_BODY_LIMIT`: the largest request body in bytes.
    pub body_limit: usize,
    /// `IMPORT_BODY_LIMIT`: the largest file in bytes the bulk-add routes take
    /// (`/imports/subscriptions/...`), the only routes beyond `REQUEST_BODY_LIMIT`.
    pub import_body_limit: usize,
    /// `GRAPHQL_MAX_DEPTH`: the deepest query allowed.
    pub max_depth: usize,
    /// `GRAPHQL_MAX_COMPLEXITY`: the most complex query allowed.
    pub max_complexity: usize,
    /// `GRAPHQL_MAX_FIELDS`: the most fields a query may have with its fragments expanded.
    pub max_fields: usize,
    /// `GRAPHQL_MAX_ALIASES`: the most aliased fields a query may have (fragments expanded).
    pub max_aliases: usize,
    /// `GRAPHQL_MAX_SPREADS`: the most fragment spreads a query may write.
    pub max_spreads: usize,
    /// `GRAPHQL_ANONYMOUS_INTROSPECTION` (`on`/`off`): whether callers without a session may
    /// read the schema through `__schema` and `__type`.
    pub anonymous_introspection: bool,
    /// `READ_YOUR_WRITES_TIMEOUT_MS`: how long a query waits for the read models to pass its
    /// session's last write (R19); after that it answers anyway, marked as possibly stale.
    pub read_your_writes_timeout: Duration,
    /// `HEADER_READ_TIMEOUT_MS`: how long a client may take to send a request's headers, from
    /// its first byte (and how long an idle kept-alive connection stays open); then the
    /// connection is closed.
    pub header_read_timeout: Duration,
    /// `REQUEST_TIMEOUT_MS`: how long a request may take from its headers to the start of the
    /// answer, reading its body included; then it is answered `408` and the connection closed.
    /// A websocket counts until its upgrade only.
    pub request_timeout: Duration,
    /// The cost of new password hashes.
    pub hash_cost: HashCost,
    /// The rate limits (`RATE_LIMIT_*`).
    pub rate_limits: RateLimits,
    /// The approval SMS's link, for the projector and the ticket page: the ticket page
    /// `<PUBLIC_URL>/billett/<token>`, or `APP_LINK_TEMPLATE` (the operator's app) when set.
    pub notifications: NotificationSettings,
    /// `GRAPHIQL` (`on`/`off`, default off): whether `GET /graphql` serves GraphiQL.
    pub graphiql: bool,
    /// `METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// `TRUSTED_PROXIES`: comma-separated addresses or ranges (`10.0.0.0/8`) of proxies whose
    /// `X-Forwarded-For` tells the client address; empty (the default) believes no header.
    pub trusted_proxies: Vec<ProxyRange>,
    /// `DIGEST_HOUR` (0-23, default 7): the hour of the Oslo day from which the daily digests
    /// of waiting orders go out to the administrators who chose them.
    pub digest_hour: u32,
    /// `OUTBOX_RETENTION_DAYS` (default 30): how long a message's text and recipient stay in
    /// the outbox after it was sent or given up on (see `crate::retention`).
    pub outbox_retention: chrono::Duration,
    /// How long employees' personal data outlives its use (see
    /// `bedrift_domain::subscription::erasure`): `UNUSED_ORDER_RETENTION_DAYS` (default 30)
    /// for orders that were never charged, `ACCOUNTING_RETENTION_YEARS` (default 5, the
    /// bokføringsloven minimum; at least 5) after the year of a charged subscription's last
    /// month, `ADMINISTRATOR_RETENTION_DAYS` (default 30) after an administrator's removal
    /// from their last company.
    pub retention_rules: bedrift_domain::subscription::RetentionRules,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8080".to_owned(),
            cors_allowed_origins: Vec::new(),
            body_limit: 64 * 1024,
            import_body_limit: 5 * 1024 * 1024,
            max_depth: 12,
            max_complexity: 2_000,
            max_fields: 1_000,
            max_aliases: 30,
            max_spreads: 100,
            anonymous_introspection: true,
            read_your_writes_timeout: Duration::from_secs(5),
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            hash_cost: HashCost::Production,
            rate_limits: RateLimits::default(),
            notifications: NotificationSettings::default(),
            trusted_proxies: Vec::new(),
            graphiql: false,
            metrics_token: None,
            digest_hour: 7,
            outbox_retention: chrono::Duration::days(30),
            retention_rules: bedrift_domain::subscription::RetentionRules::default(),
        }
    }
}

impl ApiSettings {
    /// Reads `PUBLIC_URL`, `CORS_ALLOWED_ORIGINS`, `REQUEST_BODY_LIMIT`, `IMPORT_BODY_LIMIT`, `GRAPHQL_MAX_DEPTH`,
    /// `GRAPHQL_MAX_COMPLEXITY`, the other `GRAPHQL_*` limits, `APP_LINK_TEMPLATE`, the
    /// `RATE_LIMIT_*` variables, `READ_YOUR_WRITES_TIMEOUT_MS`, `HEADER_READ_TIMEOUT_MS`,
    /// `REQUEST_TIMEOUT_MS`, `TRUSTED_PROXIES`, `DIGEST_HOUR` and `OUTBOX_RETENTION_DAYS`; unset or
    /// empty values keep their defaults.
    pub fn from_env() -> Result<Self, String> {
        let mut settings = Self::default();
        if let Some(url) = var("PUBLIC_URL") {
            settings.public_url = url.trim_end_matches('/').to_owned();
        }
        settings.notifications = NotificationSettings {
            app_link_template: var("APP_LINK_TEMPLATE").map(|t| t.trim().to_owned()),
            ..NotificationSettings::for_public_url(&settings.public_url)
        };
        if let Some(origins) = var("CORS_ALLOWED_ORIGINS") {
            settings.cors_allowed_origins = origins
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
        }
        settings.body_limit = number("REQUEST_BODY_LIMIT", settings.body_limit)?;
        settings.import_body_limit = number("IMPORT_BODY_LIMIT", settings.import_body_limit)?;
        settings.max_depth = number("GRAPHQL_MAX_DEPTH", settings.max_depth)?;
        settings.max_complexity = number("GRAPHQL_MAX_COMPLEXITY", settings.max_complexity)?;
        settings.max_fields = number("GRAPHQL_MAX_FIELDS", settings.max_fields)?;
        settings.max_aliases = number("GRAPHQL_MAX_ALIASES", settings.max_aliases)?;
        settings.max_spreads = number("GRAPHQL_MAX_SPREADS", settings.max_spreads)?;
        settings.anonymous_introspection = switch(
            "GRAPHQL_ANONYMOUS_INTROSPECTION",
            settings.anonymous_introspection,
        )?;
        settings.rate_limits = rate_limits(settings.rate_limits)?;
        settings.read_your_writes_timeout = millis(
            "READ_YOUR_WRITES_TIMEOUT_MS",
            settings.read_your_writes_timeout,
        )?;
        settings.header_read_timeout =
            millis("HEADER_READ_TIMEOUT_MS", settings.header_read_timeout)?;
        settings.request_timeout = millis("REQUEST_TIMEOUT_MS", settings.request_timeout)?;
        settings.graphiql = switch("GRAPHIQL", settings.graphiql)?;
        settings.metrics_token = var("METRICS_TOKEN").map(|t| t.trim().to_owned());
        let days = number("OUTBOX_RETENTION_DAYS", 30)?;
        settings.outbox_retention = i64::try_from(days)
            .ok()
            .filter(|d| *d <= MAX_RETENTION_DAYS)
            .map(chrono::Duration::days)
            .ok_or_else(|| {
                format!("OUTBOX_RETENTION_DAYS: at most {MAX_RETENTION_DAYS} days, got {days}")
            })?;
        let small = |name: &str, default: u32| {
            let n = number(name, default as usize)?;
            u32::try_from(n).map_err(|_| format!("{name}: too large, got {n}"))
        };
        settings.retention_rules.unused_order_days = small(
            "UNUSED_ORDER_RETENTION_DAYS",
            settings.retention_rules.unused_order_days,
        )?;
        settings.retention_rules.removed_administrator_days = small(
            "ADMINISTRATOR_RETENTION_DAYS",
            settings.retention_rules.removed_administrator_days,
        )?;
        settings.retention_rules.accounting_years = small(
            "ACCOUNTING_RETENTION_YEARS",
            settings.retention_rules.accounting_years,
        )?;
        if !(5..=100).contains(&settings.retention_rules.accounting_years) {
            return Err(format!(
                "ACCOUNTING_RETENTION_YEARS: from 5 (bokføringsloven § 13) to 100, got {}",
                settings.retention_rules.accounting_years
            ));
        }
        if settings.retention_rules.unused_order_days > 36_500 {
            return Err(format!(
                "UNUSED_ORDER_RETENTION_DAYS: at most 36500 days, got {}",
                settings.retention_rules.unused_order_days
            ));
        }
        if let Some(hour) = var("DIGEST_HOUR") {
            settings.digest_hour =
                hour.trim()
                    .parse()
                    .ok()
                    .filter(|h| *h < 24)
                    .ok_or_else(|| {
                        format!("DIGEST_HOUR: expected an hour from 0 to 23, got {hour:?}")
                    })?;
        }
        if let Some(proxies) = var("TRUSTED_PROXIES") {
            settings.trusted_proxies = proxies
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| p.parse().map_err(|e| format!("TRUSTED_PROXIES: {e}")))
                .collect::<Result<_, _>>()?;
        }
        Ok(settings)
    }
}

/// The `RATE_LIMIT_*` variables over `limits`: each `<max>/<window>` (`30/10m`); those of the
/// login and order mutations may also be `off`.
fn rate_limits(mut limits: RateLimits) -> Result<RateLimits, String> {
    limits.codes_per_phone = limit("RATE_LIMIT_CODES_PER_PHONE", limits.codes_per_phone)?;
    limits.codes_per_address = limit("RATE_LIMIT_CODES_PER_ADDRESS", limits.codes_per_address)?;
    limits.verifications_per_address = limit(
        "RATE_LIMIT_VERIFICATIONS_PER_ADDRESS",
        limits.verifications_per_address,
    )?;
    limits.resets_per_email = limit("RATE_LIMIT_RESETS_PER_EMAIL", limits.resets_per_email)?;
    limits.logins_per_address =
        optional_limit("RATE_LIMIT_LOGINS_PER_ADDRESS", limits.logins_per_address)?;
    limits.orders_per_address =
        optional_limit("RATE_LIMIT_ORDERS_PER_ADDRESS", limits.orders_per_address)?;
    limits.creations_per_address = optional_limit(
        "RATE_LIMIT_CREATIONS_PER_ADDRESS",
        limits.creations_per_address,
    )?;
    limits.token_uses_per_address = optional_limit(
        "RATE_LIMIT_TOKENS_PER_ADDRESS",
        limits.token_uses_per_address,
    )?;
    Ok(limits)
}

fn limit(name: &str, default: Limit) -> Result<Limit, String> {
    match var(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|e| format!("{name}: {e}")),
    }
}

fn optional_limit(name: &str, default: Option<Limit>) -> Result<Option<Limit>, String> {
    match var(name) {
        None => Ok(default),
        Some(text) if text.trim().eq_ignore_ascii_case("off") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e| format!("{name}: {e} or off")),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The longest retention a setting may ask for (100 years): longer is a mistake, and beyond
/// what a time span can count.
const MAX_RETENTION_DAYS: i64 = 36_500;

fn number(name: &str, default: usize) -> Result<usize, String> {
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name}: expected a positive number, got {text:?}")),
    }
}

/// A positive duration in milliseconds.
fn millis(name: &str, default: Duration) -> Result<Duration, String> {
    let default = usize::try_from(default.as_millis()).map_err(|e| e.to_string())?;
    let ms = u64::try_from(number(name, default)?).map_err(|e| e.to_string())?;
    Ok(Duration::from_millis(ms))
}

/// An `on`/`off` setting (also `true`/`false`, `1`/`0`).
fn switch(name: &str, default: bool) -> Result<bool, String> {
    match var(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if matches!(v.as_str(), "on" | "true" | "1") => Ok(true),
        Some(v) if matches!(v.as_str(), "off" | "false" | "0") => Ok(false),
        Some(v) => Err(format!("{name}: expected on or off, got {v:?}")),
    }
}
