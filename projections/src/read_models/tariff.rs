//! The published tariff versions, for the `tariff(on:)` query and for pricing.

use bedrift_domain::tariff::{PriceList, TariffEvent, TariffVersion};
use sqlx::PgConnection;

use crate::event::{AnyEvent, Envelope};
use crate::ProjectionError;

/// Folds a batch into the `tariff_versions` table named `table`.
pub async fn apply(
    conn: &mut PgConnection,
    table: &str,
    events: &[Envelope],
) -> Result<(), ProjectionError> {
    for envelope in events {
        let AnyEvent::Tariff(TariffEvent::TariffVersionPublished { version, .. }) = &envelope.event
        else {
            continue;
        };
        let document =
            serde_json::to_value(version).map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        sqlx::query(&format!(
            "INSERT INTO {table} (valid_from, version, published_at, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT (valid_from) DO NOTHING"
        ))
        .bind(version.valid_from)
        .bind(document)
        .bind(envelope.recorded_at)
        .bind(envelope.position)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
