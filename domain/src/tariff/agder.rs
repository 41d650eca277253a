//! Example tariff data for Agder: its 25 municipalities as zones, with their borders.
//!
//! THE PRICES HERE ARE EXAMPLES, NOT AKT'S PRICES. The operator publishes the real tariff with
//! `publishTariff`; these exist so that a fresh installation and the tests have something to
//! price with.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Price, TariffVersion, Zone, ZoneMap};
use crate::values::{Money, TravellerCategory, ZoneClass, ZoneId};

/// (code, name) of every zone.
const ZONES: [(&str, &str); 25] = [
    ("arendal", "Arendal"),
    ("birkenes", "Birkenes"),
    ("bygland", "Bygland"),
    ("bykle", "Bykle"),
    ("evje-og-hornnes", "Evje og Hornnes"),
    ("farsund", "Farsund"),
    ("flekkefjord", "Flekkefjord"),
    ("froland", "Froland"),
    ("gjerstad", "Gjerstad"),
    ("grimstad", "Grimstad"),
    ("hagebostad", "Hægebostad"),
    ("iveland", "Iveland"),
    ("kristiansand", "Kristiansand"),
    ("kvinesdal", "Kvinesdal"),
    ("lillesand", "Lillesand"),
    ("lindesnes", "Lindesnes"),
    ("lyngdal", "Lyngdal"),
    ("risor", "Risør"),
    ("sirdal", "Sirdal"),
    ("tvedestrand", "Tvedestrand"),
    ("valle", "Valle"),
    ("vegarshei", "Vegårshei"),
    ("vennesla", "Vennesla"),
    ("amli", "Åmli"),
    ("aseral", "Åseral"),
];

/// Municipal borders within Agder (each pair once).
const BORDERS: [(&str, &str); 52] = [
    ("kristiansand", "lillesand"),
    ("kristiansand", "birkenes"),
    ("kristiansand", "iveland"),
    ("kristiansand", "vennesla"),
    ("kristiansand", "lindesnes"),
    ("vennesla", "iveland"),
    ("vennesla", "aseral"),
    ("vennesla", "lindesnes"),
    ("vennesla", "evje-og-hornnes"),
    ("lillesand", "birkenes"),
    ("lillesand", "grimstad"),
    ("grimstad", "birkenes"),
    ("grimstad", "froland"),
    ("grimstad", "arendal"),
    ("arendal", "froland"),
    ("arendal", "tvedestrand"),
    ("tvedestrand", "froland"),
    ("tvedestrand", "amli"),
    ("tvedestrand", "vegarshei"),
    ("tvedestrand", "risor"),
    ("risor", "vegarshei"),
    ("risor", "gjerstad"),
    ("gjerstad", "vegarshei"),
    ("vegarshei", "amli"),
    ("amli", "froland"),
    ("amli", "bygland"),
    ("froland", "birkenes"),
    ("froland", "evje-og-hornnes"),
    ("froland", "bygland"),
    ("birkenes", "evje-og-hornnes"),
    ("birkenes", "iveland"),
    ("iveland", "evje-og-hornnes"),
    ("evje-og-hornnes", "bygland"),
    ("evje-og-hornnes", "aseral"),
    ("bygland", "valle"),
    ("bygland", "aseral"),
    ("valle", "bykle"),
    ("valle", "aseral"),
    ("valle", "sirdal"),
    ("aseral", "hagebostad"),
    ("aseral", "kvinesdal"),
    ("aseral", "sirdal"),
    ("hagebostad", "kvinesdal"),
    ("hagebostad", "lyngdal"),
    ("hagebostad", "lindesnes"),
    ("lindesnes", "lyngdal"),
    ("lyngdal", "kvinesdal"),
    ("lyngdal", "farsund"),
    ("farsund", "kvinesdal"),
    ("kvinesdal", "flekkefjord"),
    ("kvinesdal", "sirdal"),
    ("flekkefjord", "sirdal"),
];

/// EXAMPLE monthly prices in kroner per zone class: adult, young adult, youth, child, senior.
const EXAMPLE_PRICES_KRONER: [(ZoneClass, [i64; 5]); 3] = [
    (ZoneClass::OneZone, [750, 500, 375, 375, 375]),
    (ZoneClass::TwoZones, [1_050, 700, 525, 525, 525]),
    (ZoneClass::WholeRegion, [1_500, 1_000, 750, 750, 750]),
];

/// The first day the example version is in force; a fresh installation starts with it.
pub fn example_valid_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a real date")
}

/// Agder's zone map with the example prices, valid from 1 January 2026.
pub fn example_version() -> TariffVersion {
    let id = |code: &str| ZoneId::parse(code).expect("example zone codes are well formed");
    let zones = ZONES
        .iter()
        .map(|(code, name)| Zone {
            id: id(code),
            name: (*name).to_owned(),
        })
        .collect();
    let neighbours: BTreeSet<_> = BORDERS
        .iter()
        .map(|(a, b)| {
            if a < b {
                (id(a), id(b))
            } else {
                (id(b), id(a))
            }
        })
        .collect();
    let prices = EXAMPLE_PRICES_KRONER
        .iter()
        .flat_map(|(class, kroner)| {
            TravellerCategory::ALL
                .iter()
                .zip(kroner)
                .map(|(category, kr)| Price {
                    class: *class,
                    category: *category,
                    monthly: Money::from_ore(kr * 100).expect("example prices are in range"),
                })
        })
        .collect();
    TariffVersion {
        valid_from: example_valid_from(),
        zone_map: ZoneMap { zones, neighbours },
        prices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_tariff_is_complete_and_its_borders_name_known_zones() {
        let version = example_version();
        assert!(version.missing_prices().is_empty());
        assert_eq!(
            version.zone_map.neighbours.len(),
            BORDERS.len(),
            "no border listed twice"
        );
        for (a, b) in &version.zone_map.neighbours {
            assert!(version.zone_map.contains(a) && version.zone_map.contains(b));
        }
    }
}
