//! Typed settings of the API, read once from the environment (each is documented in the
//! README's settings section).

use std::time::Duration;

use bedrift_projections::NotificationSettings;

use crate::auth::{HashCost, RateLimits};

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
    /// `GRAPHQL_MAX_DEPTH`: the deepest query allowed.
    pub max_depth: usize,
    /// `GRAPHQL_MAX_COMPLEXITY`: the most complex query allowed.
    pub max_complexity: usize,
    /// How long a mutation waits for the read models to show its change.
    pub read_your_writes_timeout: Duration,
    /// The cost of new password hashes.
    pub hash_cost: HashCost,
    /// The authentication rate limits.
    pub rate_limits: RateLimits,
    /// `APP_LINK_TEMPLATE`: the link in the approval SMS (default
    /// `<PUBLIC_URL>/app?abonnement={subscription}`), for the projector.
    pub notifications: NotificationSettings,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8080".to_owned(),
            cors_allowed_origins: Vec::new(),
            body_limit: 64 * 1024,
            max_depth: 12,
            max_complexity: 2_000,
            read_your_writes_timeout: Duration::from_secs(5),
            hash_cost: HashCost::Production,
            rate_limits: RateLimits::default(),
            notifications: NotificationSettings::default(),
        }
    }
}

impl ApiSettings {
    /// Reads `PUBLIC_URL`, `CORS_ALLOWED_ORIGINS`, `REQUEST_BODY_LIMIT`, `GRAPHQL_MAX_DEPTH`,
    /// `GRAPHQL_MAX_COMPLEXITY` and `APP_LINK_TEMPLATE`; unset or empty values keep their
    /// defaults.
    pub fn from_env() -> Result<Self, String> {
        let mut settings = Self::default();
        if let Some(url) = var("PUBLIC_URL") {
            settings.public_url = url.trim_end_matches('/').to_owned();
        }
        settings.notifications = match var("APP_LINK_TEMPLATE") {
            Some(template) => NotificationSettings {
                app_link_template: template.trim().to_owned(),
            },
            None => NotificationSettings::for_public_url(&settings.public_url),
        };
        if let Some(origins) = var("CORS_ALLOWED_ORIGINS") {
            settings.cors_allowed_origins = origins
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
        }
        settings.body_limit = number("REQUEST_BODY_LIMIT", settings.body_limit)?;
        settings.max_depth = number("GRAPHQL_MAX_DEPTH", settings.max_depth)?;
        settings.max_complexity = number("GRAPHQL_MAX_COMPLEXITY", settings.max_complexity)?;
        Ok(settings)
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

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
