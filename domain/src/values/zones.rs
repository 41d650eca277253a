//! Zones and zone selections: one zone, two neighbouring zones, or the whole region.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;
use crate::tariff::ZoneMap;

/// A zone's stable code, e.g. `kristiansand` (Agder's zones are its municipalities).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ZoneId(String);

impl ZoneId {
    /// A zone code: 1-40 lower-case ASCII letters, digits and hyphens.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let code = input.trim();
        let well_formed = (1..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return Err(InvalidValue::Zones(format!(
                "`{}` is not a zone code: codes are lower-case letters, digits and hyphens",
                code.chars().take(40).collect::<String>()
            )));
        }
        Ok(Self(code.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The price class of a zone selection (R16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ZoneClass {
    /// One zone.
    OneZone,
    /// Two neighbouring zones.
    TwoZones,
    /// Every zone of the region.
    WholeRegion,
}

impl ZoneClass {
    /// Every class, cheapest first.
    pub const ALL: [Self; 3] = [Self::OneZone, Self::TwoZones, Self::WholeRegion];
}

/// The zones a ticket is valid in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZoneSelection {
    /// One zone.
    One {
        /// The zone.
        zone: ZoneId,
    },
    /// Two neighbouring zones, in code order.
    Two {
        /// The first zone in code order.
        first: ZoneId,
        /// The second zone in code order.
        second: ZoneId,
    },
    /// The whole region.
    WholeRegion,
}

impl ZoneSelection {
    /// Checks a selection against the zone map: `whole_region`, or one known zone, or two known
    /// zones that are neighbours.
    pub fn parse<S: AsRef<str>>(
        zones: &[S],
        whole_region: bool,
        map: &ZoneMap,
    ) -> Result<Self, InvalidValue> {
        if whole_region {
            return if zones.is_empty() {
                Ok(Self::WholeRegion)
            } else {
                Err(InvalidValue::Zones(
                    "choose either the whole region or one or two zones, not both".to_owned(),
                ))
            };
        }
        let ids = zones
            .iter()
            .map(|z| {
                let id = ZoneId::parse(z.as_ref())?;
                if map.contains(&id) {
                    Ok(id)
                } else {
                    Err(InvalidValue::Zones(format!(
                        "there is no zone `{id}` in the tariff"
                    )))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        match ids.as_slice() {
            [zone] => Ok(Self::One { zone: zone.clone() }),
            [a, b] if a == b => Err(InvalidValue::Zones("choose two different zones".to_owned())),
            [a, b] if map.are_neighbours(a, b) => {
                let (first, second) = if a < b { (a, b) } else { (b, a) };
                Ok(Self::Two {
                    first: first.clone(),
                    second: second.clone(),
                })
            }
            [a, b] => Err(InvalidValue::Zones(format!(
                "`{a}` and `{b}` are not neighbouring zones: choose two zones that border each other, or the whole region"
            ))),
            _ => Err(InvalidValue::Zones(
                "choose one zone, two neighbouring zones, or the whole region".to_owned(),
            )),
        }
    }

    /// The price class of this selection.
    pub fn class(&self) -> ZoneClass {
        match self {
            Self::One { .. } => ZoneClass::OneZone,
            Self::Two { .. } => ZoneClass::TwoZones,
            Self::WholeRegion => ZoneClass::WholeRegion,
        }
    }

    /// The zone codes, empty for the whole region.
    pub fn zones(&self) -> Vec<&ZoneId> {
        match self {
            Self::One { zone } => vec![zone],
            Self::Two { first, second } => vec![first, second],
            Self::WholeRegion => Vec::new(),
        }
    }
}

impl fmt::Display for ZoneSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::One { zone } => write!(f, "{zone}"),
            Self::Two { first, second } => write!(f, "{first} + {second}"),
            Self::WholeRegion => f.write_str("whole region"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::agder;

    #[test]
    fn one_zone_two_neighbours_or_the_whole_region_can_be_chosen() {
        let map = agder::example_version().zone_map;
        assert_eq!(
            ZoneSelection::parse(&["arendal"], false, &map)
                .unwrap()
                .class(),
            ZoneClass::OneZone
        );
        let two = ZoneSelection::parse(&["lillesand", "kristiansand"], false, &map).unwrap();
        assert_eq!(two.to_string(), "kristiansand + lillesand");
        assert_eq!(
            ZoneSelection::parse::<&str>(&[], true, &map).unwrap(),
            ZoneSelection::WholeRegion
        );
    }

    #[test]
    fn zones_that_are_not_neighbours_or_unknown_are_refused() {
        let map = agder::example_version().zone_map;
        for zones in [
            vec!["kristiansand", "risor"],
            vec!["atlantis"],
            vec![],
            vec!["arendal", "arendal"],
            vec!["arendal", "grimstad", "froland"],
        ] {
            assert!(
                ZoneSelection::parse(&zones, false, &map).is_err(),
                "{zones:?}"
            );
        }
        assert!(ZoneSelection::parse(&["arendal"], true, &map).is_err());
    }
}
