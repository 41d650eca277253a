//! What files for people call things: zone names (from the tariff), zone classes, ticket
//! statuses and phone numbers, in Norwegian, as the portal shows them (docs/terms.md).

use std::collections::BTreeMap;

use bedrift_domain::subscription::TicketStatus;
use bedrift_domain::values::{ZoneClass, ZoneSelection};
use bedrift_projections::read_models::tariff::price_list;
use bedrift_projections::ProjectionError;
use chrono::NaiveDate;
use sqlx::PgPool;

/// Zone names by zone code.
pub type ZoneNames = BTreeMap<String, String>;

/// Zone names by code as the tariff in force on `on` names them; zones only in other
/// versions by their latest name.
pub async fn zone_names(pool: &PgPool, on: NaiveDate) -> Result<ZoneNames, ProjectionError> {
    let mut conn = pool.acquire().await?;
    let prices = price_list(&mut conn).await?;
    let mut names = ZoneNames::new();
    // Versions in date order: a later version in force by `on` renames a zone, one after it
    // only names zones the earlier ones lack.
    for version in prices.versions() {
        let in_force = version.valid_from <= on;
        for zone in &version.zone_map.zones {
            let code = zone.id.as_str();
            if in_force || !names.contains_key(code) {
                names.insert(code.to_owned(), zone.name.clone());
            }
        }
    }
    Ok(names)
}

/// The zones of `selection` as people read them: names separated by `, `, or `Hele regionen`.
pub fn zone_text(selection: &ZoneSelection, names: &ZoneNames) -> String {
    let zones = selection.zones();
    if zones.is_empty() {
        return "Hele regionen".to_owned();
    }
    zones
        .iter()
        .map(|zone| {
            names
                .get(zone.as_str())
                .map_or(zone.as_str(), String::as_str)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A phone number as people read it (docs/terms.md): a Norwegian `+4798765432` as
/// `987 65 432`; any other number as stored.
pub fn phone_text(e164: &str) -> String {
    match e164.strip_prefix("+47") {
        Some(rest) if rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{} {} {}", &rest[..3], &rest[3..5], &rest[5..])
        }
        _ => e164.to_owned(),
    }
}

/// The Norwegian name of a zone class.
pub fn class_name(class: ZoneClass) -> &'static str {
    match class {
        ZoneClass::OneZone => "1 sone",
        ZoneClass::TwoZones => "2 soner",
        ZoneClass::WholeRegion => "Hele regionen",
    }
}

/// The Norwegian name of a ticket status, as the portal's ticket list shows it.
pub fn status_name(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Pending => "Venter på godkjenning",
        TicketStatus::Upcoming => "Godkjent, ikke startet",
        TicketStatus::Active => "Aktiv",
        TicketStatus::Ending => "Sagt opp",
        TicketStatus::Ended => "Avsluttet",
        TicketStatus::Rejected => "Avvist",
        TicketStatus::Withdrawn => "Trukket tilbake",
    }
}
