//! Metadata carried by every command and stored with each of its events: who did it, when, and
//! the correlation id that ties the events to the request that caused them.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::values::{AccountId, CompanyId, PhoneNumber};

/// Who caused an event. Stored in the event's metadata and, where a rule needs it, in the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// Operator staff, identified by their account.
    Operator {
        /// The operator's account.
        account: AccountId,
    },
    /// A company administrator, identified by their account.
    Administrator {
        /// The administrator's account.
        account: AccountId,
    },
    /// An employee logged in with their phone through a company's order link.
    Employee {
        /// The verified phone number.
        phone: PhoneNumber,
        /// The company whose order link the employee used.
        company: CompanyId,
    },
    /// The service itself (automatic approval, command-line tools, migrations of data).
    System,
}

impl Actor {
    /// Replaces an employee's phone with the erased placeholder (other actors are accounts or
    /// the service, not personal data in the log).
    pub fn erase(&mut self) {
        if let Self::Employee { phone, .. } = self {
            *phone = PhoneNumber::erased();
        }
    }

    /// A short, stable text form for logs and the event metadata, e.g. `administrator:<uuid>`.
    pub fn label(&self) -> String {
        match self {
            Self::Operator { account } => format!("operator:{account}"),
            Self::Administrator { account } => format!("administrator:{account}"),
            Self::Employee { phone, company } => format!("employee:{phone}@{company}"),
            Self::System => "system".to_owned(),
        }
    }
}

/// The metadata of one command: actor, the instant it happened and a correlation id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Who issued the command.
    pub actor: Actor,
    /// When the command was issued (from the clock, UTC).
    pub occurred_at: DateTime<Utc>,
    /// Ties every event and log line of one request together.
    pub correlation_id: Uuid,
}

/// Metadata keys as stored in the event log's `metadata` column.
pub mod keys {
    /// The actor as JSON.
    pub const ACTOR: &str = "actor";
    /// The instant, RFC 3339 in UTC.
    pub const OCCURRED_AT: &str = "occurred_at";
    /// The correlation id (UUID).
    pub const CORRELATION_ID: &str = "correlation_id";
}

impl Metadata {
    /// Metadata for a command issued now by `actor`, with a fresh correlation id.
    pub fn new(actor: Actor, occurred_at: DateTime<Utc>) -> Self {
        Self {
            actor,
            occurred_at,
            correlation_id: Uuid::new_v4(),
        }
    }

    /// The same metadata with the given correlation id (from the request that caused it).
    pub fn with_correlation_id(mut self, correlation_id: Uuid) -> Self {
        self.correlation_id = correlation_id;
        self
    }

    /// The string map that cqrs-es stores with each event.
    pub fn to_map(&self) -> HashMap<String, String> {
        HashMap::from([
            (
                keys::ACTOR.to_owned(),
                serde_json::to_string(&self.actor).expect("an actor always serialises"),
            ),
            (
                keys::OCCURRED_AT.to_owned(),
                self.occurred_at
                    .to_rfc3339_opts(SecondsFormat::Micros, true),
            ),
            (
                keys::CORRELATION_ID.to_owned(),
                self.correlation_id.to_string(),
            ),
        ])
    }

    /// Reads metadata back from an event's stored map; `None` when a key is missing or malformed.
    pub fn from_map(map: &HashMap<String, String>) -> Option<Self> {
        Some(Self {
            actor: serde_json::from_str(map.get(keys::ACTOR)?).ok()?,
            occurred_at: DateTime::parse_from_rfc3339(map.get(keys::OCCURRED_AT)?)
                .ok()?
                .with_timezone(&Utc),
            correlation_id: map.get(keys::CORRELATION_ID)?.parse().ok()?,
        })
    }
}
