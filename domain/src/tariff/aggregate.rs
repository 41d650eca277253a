//! The `Tariff` aggregate: one per installation, holding every published version (R16).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{PriceList, TariffVersion};
use crate::clock::Clock;
use crate::metadata::Actor;
use crate::values::{TravellerCategory, ZoneClass};

/// The id of the one `Tariff` aggregate.
pub const TARIFF_ID: &str = "tariff";

/// What can be done to the tariff.
#[derive(Debug, Clone)]
pub enum TariffCommand {
    /// The operator publishes a new version, in force from the first of a future month.
    Publish {
        /// The new version.
        version: TariffVersion,
        /// Who publishes it.
        by: Actor,
    },
    /// A fresh installation starts with a first version, which may already be in force.
    /// Refused once any version exists.
    Install {
        /// The first version.
        version: TariffVersion,
    },
}

/// Facts about the tariff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TariffEvent {
    /// A version was published.
    TariffVersionPublished {
        /// The version.
        version: TariffVersion,
        /// Who published it.
        published_by: Actor,
    },
}

impl DomainEvent for TariffEvent {
    fn event_type(&self) -> String {
        match self {
            Self::TariffVersionPublished { .. } => "TariffVersionPublished".to_owned(),
        }
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

/// Why a tariff command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TariffError {
    /// `validFrom` is not the first of a month after today.
    #[error("a tariff version must start on the first of a future month")]
    NotFirstOfFutureMonth,
    /// A version with this `validFrom` exists; versions are never edited.
    #[error("a version starting {0} is already published; publish a later one instead")]
    AlreadyPublished(NaiveDate),
    /// Some prices are missing or listed twice.
    #[error("the tariff must have exactly one price for {0:?}")]
    IncompletePrices(Vec<(ZoneClass, TravellerCategory)>),
    /// The zone map has no zones.
    #[error("the tariff must have at least one zone")]
    NoZones,
    /// `Install` on a tariff that already has versions.
    #[error("the tariff is already installed")]
    AlreadyInstalled,
}

/// Services the tariff's command handler needs: the clock.
#[derive(Debug, Clone)]
pub struct TariffServices {
    /// Source of "today".
    pub clock: Arc<dyn Clock>,
}

/// The tariff: every published version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tariff {
    prices: PriceList,
}

impl Tariff {
    /// The versions published so far.
    pub fn price_list(&self) -> &PriceList {
        &self.prices
    }

    fn check(&self, version: &TariffVersion) -> Result<(), TariffError> {
        let missing = version.missing_prices();
        if !missing.is_empty() {
            return Err(TariffError::IncompletePrices(missing));
        }
        if version.zone_map.zones.is_empty() {
            return Err(TariffError::NoZones);
        }
        if self
            .prices
            .versions()
            .iter()
            .any(|v| v.valid_from == version.valid_from)
        {
            return Err(TariffError::AlreadyPublished(version.valid_from));
        }
        Ok(())
    }
}

impl Aggregate for Tariff {
    const TYPE: &'static str = "Tariff";
    type Command = TariffCommand;
    type Event = TariffEvent;
    type Error = TariffError;
    type Services = TariffServices;

    async fn handle(
        &mut self,
        command: TariffCommand,
        services: &TariffServices,
        sink: &EventSink<Self>,
    ) -> Result<(), TariffError> {
        let event = match command {
            TariffCommand::Publish { version, by } => {
                let today = services.clock.today();
                if version.valid_from.day() != 1 || version.valid_from <= today {
                    return Err(TariffError::NotFirstOfFutureMonth);
                }
                self.check(&version)?;
                TariffEvent::TariffVersionPublished {
                    version,
                    published_by: by,
                }
            }
            TariffCommand::Install { version } => {
                if !self.prices.versions().is_empty() {
                    return Err(TariffError::AlreadyInstalled);
                }
                self.check(&version)?;
                TariffEvent::TariffVersionPublished {
                    version,
                    published_by: Actor::System,
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: TariffEvent) {
        match event {
            TariffEvent::TariffVersionPublished { version, .. } => self.prices.push(version),
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::clock::FixedClock;
    use crate::tariff::agder;

    fn on(date: &str) -> TestFramework<Tariff> {
        TestFramework::with(TariffServices {
            clock: Arc::new(FixedClock::on(date.parse().unwrap())),
        })
    }

    fn version_from(date: &str) -> TariffVersion {
        TariffVersion {
            valid_from: date.parse().unwrap(),
            ..agder::example_version()
        }
    }

    fn published(version: TariffVersion) -> TariffEvent {
        TariffEvent::TariffVersionPublished {
            version,
            published_by: Actor::System,
        }
    }

    #[tokio::test]
    async fn a_tariff_version_starts_on_the_first_of_a_future_month() {
        for valid_from in ["2026-11-01", "2026-12-15", "2026-11-20"] {
            on("2026-11-20")
                .given(vec![published(agder::example_version())])
                .when_async(TariffCommand::Publish {
                    version: version_from(valid_from),
                    by: Actor::System,
                })
                .await
                .then_expect_error(TariffError::NotFirstOfFutureMonth);
        }
        on("2026-11-20")
            .given(vec![published(agder::example_version())])
            .when_async(TariffCommand::Publish {
                version: version_from("2027-02-01"),
                by: Actor::System,
            })
            .await
            .then_expect_events(vec![published(version_from("2027-02-01"))]);
    }

    #[tokio::test]
    async fn a_published_tariff_version_is_never_edited() {
        on("2026-11-20")
            .given(vec![
                published(agder::example_version()),
                published(version_from("2027-02-01")),
            ])
            .when_async(TariffCommand::Publish {
                version: version_from("2027-02-01"),
                by: Actor::System,
            })
            .await
            .then_expect_error(TariffError::AlreadyPublished("2027-02-01".parse().unwrap()));
    }

    #[tokio::test]
    async fn a_tariff_version_must_price_every_zone_class_and_category() {
        let mut version = version_from("2027-02-01");
        version.prices.pop();
        let result = on("2026-11-20")
            .given(vec![published(agder::example_version())])
            .when_async(TariffCommand::Publish {
                version,
                by: Actor::System,
            })
            .await
            .inspect_result();
        assert!(
            matches!(result, Err(TariffError::IncompletePrices(missing)) if missing.len() == 1)
        );
    }
}
