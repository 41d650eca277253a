//! The published tariff versions, for the `tariff(on:)` query and for pricing.

use bedrift_domain::tariff::{PriceList, TariffEvent, TariffVersion};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::Rows;
use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// Newly published versions, with when and where in the log.
#[derive(Debug, Default)]
pub struct Tariff(Vec<(TariffVersion, DateTime<Utc>, i64)>);

impl Rows for Tariff {
    async fn load(
        &mut self,
        _: &mut PgConnection,
        _: &str,
        _: &[Envelope],
    ) -> Result<(), ProjectionError> {
        Ok(())
    }

    fn fold(&mut self, events: &[Envelope]) -> Result<(), ProjectionError> {
        for envelope in events {
            if let AnyEvent::Tariff(TariffEvent::TariffVersionPublished { version, .. }) =
                &envelope.event
            {
                self.0
                    .push((version.clone(), envelope.recorded_at, envelope.position));
            }
        }
        Ok(())
    }

    async fn flush(
        &mut self,
        conn: &mut PgConnection,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        for (version, published_at, position) in std::mem::take(&mut self.0) {
            let document = serde_json::to_value(&version)
                .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
            sqlx::query(&format!(
                "INSERT INTO tariff_versions{suffix} (valid_from, version, published_at, position)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (valid_from) DO NOTHING"
            ))
            .bind(version.valid_from)
            .bind(document)
            .bind(published_at)
            .bind(position)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Every published version, as the billing function's price list.
pub async fn price_list(conn: &mut PgConnection) -> Result<PriceList, ProjectionError> {
    let documents: Vec<(serde_json::Value,)> =
        sqlx::query_as("SELECT version FROM tariff_versions ORDER BY valid_from")
            .fetch_all(conn)
            .await?;
    let versions = documents
        .into_iter()
        .map(|(document,)| serde_json::from_value::<TariffVersion>(document))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
    Ok(PriceList::new(versions))
}
