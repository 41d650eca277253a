//! Publishing a tariff version (operators only, R16): in force from the first of a future
//! month, with a complete price table. Zones and neighbours left out of the input are copied
//! from the version the new one supersedes (the one in force the day before `validFrom`), so a
//! price change only needs the prices.

use std::collections::BTreeSet;

use async_graphql::{Context, InputObject, Object, Result};
use bedrift_domain::tariff::{
    Price, Tariff, TariffCommand, TariffVersion, Zone, ZoneMap, TARIFF_ID,
};
use bedrift_domain::values::{self, ZoneId};

use crate::graphql::context::parts;
use crate::graphql::scalars::{Date, Money};
use crate::graphql::types::enums::{TravellerCategory, ZoneClass};
use crate::graphql::types::public::TariffView;
use crate::graphql::ApiError;

/// Tariff mutations.
#[derive(Debug, Default)]
pub struct TariffMutations;

/// A zone of the region.
#[derive(Debug, Clone, InputObject)]
pub struct ZoneInput {
    /// Stable code, as orders name it (lower case letters, digits and hyphens).
    pub id: String,
    /// Name shown to people, 1-100 characters.
    pub name: String,
}

/// One monthly price.
#[derive(Debug, Clone, InputObject)]
pub struct PriceInput {
    /// Zone class.
    pub zone_class: ZoneClass,
    /// Traveller category.
    pub category: TravellerCategory,
    /// Monthly price.
    pub monthly: Money,
}

/// A new tariff version.
#[derive(Debug, Clone, InputObject)]
pub struct PublishTariffInput {
    /// First day in force: the first of a month after today.
    pub valid_from: Date,
    /// Exactly one price per zone class and traveller category.
    pub prices: Vec<PriceInput>,
    /// The zones; copied from the superseded version when left out.
    pub zones: Option<Vec<ZoneInput>>,
    /// Pairs of neighbouring zone codes; copied from the superseded version when left out.
    pub neighbours: Option<Vec<Vec<String>>>,
}

fn zone_class(class: ZoneClass) -> values::ZoneClass {
    match class {
        ZoneClass::OneZone => values::ZoneClass::OneZone,
        ZoneClass::TwoZones => values::ZoneClass::TwoZones,
        ZoneClass::WholeRegion => values::ZoneClass::WholeRegion,
    }
}

fn zones(input: Vec<ZoneInput>) -> Result<Vec<Zone>, ApiError> {
    if input.len() > 500 {
        return Err(ApiError::bad_input(
            "zones",
            "a tariff has at most 500 zones",
        ));
    }
    let mut seen = BTreeSet::new();
    input
        .into_iter()
        .map(|z| {
            let id = ZoneId::parse(&z.id).map_err(|e| ApiError::invalid("zones", e))?;
            let name = values::BoundedText::parse(&z.name, "a zone name", 1, 100)
                .map_err(|e| ApiError::invalid("zones", e))?;
            if !seen.insert(id.clone()) {
                return Err(ApiError::bad_input(
                    "zones",
                    format!("zone `{id}` is listed twice"),
                ));
            }
            Ok(Zone {
                id,
                name: name.to_string(),
            })
        })
        .collect()
}

fn neighbours(input: Vec<Vec<String>>) -> Result<BTreeSet<(ZoneId, ZoneId)>, ApiError> {
    if input.len() > 5000 {
        return Err(ApiError::bad_input("neighbours", "too many pairs"));
    }
    input
        .into_iter()
        .map(|pair| match pair.as_slice() {
            [a, b] => {
                let a = ZoneId::parse(a).map_err(|e| ApiError::invalid("neighbours", e))?;
                let b = ZoneId::parse(b).map_err(|e| ApiError::invalid("neighbours", e))?;
                match a.cmp(&b) {
                    std::cmp::Ordering::Less => Ok((a, b)),
                    std::cmp::Ordering::Greater => Ok((b, a)),
                    std::cmp::Ordering::Equal => Err(ApiError::bad_input(
                        "neighbours",
                        format!("zone `{a}` cannot neighbour itself"),
                    )),
                }
            }
            _ => Err(ApiError::bad_input(
                "neighbours",
                "each pair names two zones",
            )),
        })
        .collect()
}

/// The zone map of `input`, with what it leaves out taken from `superseded`.
fn zone_map(
    input: &mut PublishTariffInput,
    superseded: Option<&ZoneMap>,
) -> Result<ZoneMap, ApiError> {
    let copy = |field: &str| {
        ApiError::bad_input(
            field,
            format!("no tariff is in force to copy `{field}` from; give them"),
        )
    };
    let zones = match input.zones.take() {
        Some(given) => zones(given)?,
        None => superseded.ok_or_else(|| copy("zones"))?.zones.clone(),
    };
    let neighbours = match input.neighbours.take() {
        Some(given) => neighbours(given)?,
        None => superseded
            .ok_or_else(|| copy("neighbours"))?
            .neighbours
            .clone(),
    };
    let map = ZoneMap { zones, neighbours };
    if let Some((a, b)) = map
        .neighbours
        .iter()
        .find(|(a, b)| !map.contains(a) || !map.contains(b))
    {
        return Err(ApiError::bad_input(
            "neighbours",
            format!("`{a}`-`{b}` names a zone that is not among the zones"),
        ));
    }
    Ok(map)
}

#[Object]
impl TariffMutations {
    /// Publishes a tariff version (operators only, R16). Versions are never edited: a
    /// `validFrom` already published is refused with `CONFLICT`, one that is not the first of
    /// a future month with `BAD_USER_INPUT` on `validFrom`. Returns the new version.
    async fn publish_tariff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new version.")] mut input: PublishTariffInput,
    ) -> Result<TariffView> {
        let (state, caller) = parts(ctx);
        caller.require_operator()?;
        if input.prices.len() > 100 {
            return Err(ApiError::bad_input("prices", "too many prices").into());
        }
        let valid_from = input.valid_from.0;
        // The versions published so far, on the write side.
        let current = state.load::<Tariff>(TARIFF_ID.to_owned()).await?;
        let prices = current.price_list();
        let superseded = valid_from
            .pred_opt()
            .and_then(|day| prices.in_force(day))
            .map(|v| &v.zone_map);
        let version = TariffVersion {
            valid_from,
            zone_map: zone_map(&mut input, superseded)?,
            prices: input
                .prices
                .iter()
                .map(|p| Price {
                    class: zone_class(p.zone_class),
                    category: p.category.into(),
                    monthly: p.monthly.0,
                })
                .collect(),
        };
        let command = TariffCommand::Publish {
            version,
            by: caller.actor()?,
        };
        let tariff = caller
            .execute::<Tariff>(state, TARIFF_ID.to_owned(), command)
            .await?;
        let published = tariff
            .price_list()
            .versions()
            .iter()
            .find(|v| v.valid_from == valid_from)
            .ok_or_else(|| {
                ApiError::internal(&std::io::Error::other("the published version is missing"))
            })?;
        Ok(TariffView::from(published))
    }
}
