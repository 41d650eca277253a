//! The tariff (R16): zones and their neighbours, traveller categories, and a monthly price per
//! (zone class, category), in dated versions that are never edited, only superseded.

pub mod agder;
mod aggregate;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use aggregate::{Tariff, TariffCommand, TariffError, TariffEvent, TariffServices, TARIFF_ID};

use crate::values::{Money, TravellerCategory, ZoneClass, ZoneId, ZoneSelection};

/// A zone of the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Stable code.
    pub id: ZoneId,
    /// Name shown to people.
    pub name: String,
}

/// The zones of a region and which of them border each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneMap {
    /// Every zone, in display order.
    pub zones: Vec<Zone>,
    /// Pairs of neighbouring zones, each pair stored once in code order.
    pub neighbours: BTreeSet<(ZoneId, ZoneId)>,
}

impl ZoneMap {
    /// Whether the map has a zone with this code.
    pub fn contains(&self, id: &ZoneId) -> bool {
        self.zones.iter().any(|z| &z.id == id)
    }

    /// Whether two zones border each other.
    pub fn are_neighbours(&self, a: &ZoneId, b: &ZoneId) -> bool {
        let pair = if a < b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        self.neighbours.contains(&pair)
    }
}

/// One price of a tariff version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// Zone class.
    pub class: ZoneClass,
    /// Traveller category.
    pub category: TravellerCategory,
    /// Monthly price.
    pub monthly: Money,
}

/// A version of the tariff, in force from `valid_from` until the next version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffVersion {
    /// First day it is in force: the first of a month.
    pub valid_from: NaiveDate,
    /// The zones and neighbours.
    pub zone_map: ZoneMap,
    /// One price per (zone class, category); complete.
    pub prices: Vec<Price>,
}

impl TariffVersion {
    /// The monthly price of a zone class for a category.
    pub fn price(&self, class: ZoneClass, category: TravellerCategory) -> Option<Money> {
        self.prices
            .iter()
            .find(|p| p.class == class && p.category == category)
            .map(|p| p.monthly)
    }

    /// The (class, category) pairs that have no price, or have two; empty when complete.
    pub fn missing_prices(&self) -> Vec<(ZoneClass, TravellerCategory)> {
        let mut counts: BTreeMap<(ZoneClass, TravellerCategory), usize> = BTreeMap::new();
        for price in &self.prices {
            *counts.entry((price.class, price.category)).or_default() += 1;
        }
        ZoneClass::ALL
            .into_iter()
            .flat_map(|class| TravellerCategory::ALL.into_iter().map(move |c| (class, c)))
            .filter(|key| counts.get(key) != Some(&1))
            .collect()
    }
}

/// Every published tariff version, oldest first: what the billing function prices with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    versions: Vec<TariffVersion>,
}

impl PriceList {
    /// A price list of the given versions, in any order.
    pub fn new(mut versions: Vec<TariffVersion>) -> Self {
        versions.sort_by_key(|v| v.valid_from);
        Self { versions }
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[TariffVersion] {
        &self.versions
    }

    /// The version in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> Option<&TariffVersion> {
        self.versions.iter().rev().find(|v| v.valid_from <= date)
    }

    /// The monthly price of a selection for a category on `date`.
    pub fn price(
        &self,
        date: NaiveDate,
        zones: &ZoneSelection,
        category: TravellerCategory,
    ) -> Option<Money> {
        self.in_force(date)?.price(zones.class(), category)
    }

    pub(crate) fn push(&mut self, version: TariffVersion) {
        self.versions.push(version);
        self.versions.sort_by_key(|v| v.valid_from);
    }
}
