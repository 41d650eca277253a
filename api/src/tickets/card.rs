//! What a ticket shows (SPEC.md flow step 7): holder, category, zones by name, validity and
//! status on today's date in Europe/Oslo, and the paying company, gathered from the read models.

use bedrift_domain::subscription::{OrderStatus, TicketStatus};
use bedrift_domain::values::{TravellerCategory, ZoneSelection};
use bedrift_projections::listing::{self, TicketListing};
use bedrift_projections::read_models::tariff::price_list;
use bedrift_projections::ProjectionError;
use chrono::NaiveDate;
use uuid::Uuid;

/// How a ticket stands today, as its page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardStatus {
    /// Approved, valid from a later day.
    Upcoming,
    /// Valid today, not cancelled.
    Active,
    /// Valid today, cancelled: valid through its end date.
    Ending,
    /// Past its end date.
    Ended,
    /// Cancelled before its first day: it was never valid.
    CancelledBeforeStart,
    /// Not approved (a page link exists only for approved tickets, so this is a safe default).
    NotValid,
}

impl CardStatus {
    /// The status on `today` of `row`.
    pub fn of(row: &TicketListing, today: NaiveDate) -> Self {
        let Some(status) = OrderStatus::from_code(&row.order_status) else {
            return Self::NotValid;
        };
        match TicketStatus::on(today, status, row.valid_from, row.end_date) {
            TicketStatus::Upcoming => Self::Upcoming,
            TicketStatus::Active => Self::Active,
            TicketStatus::Ending => Self::Ending,
            TicketStatus::Ended => match (row.valid_from, row.end_date) {
                (Some(from), Some(end)) if end < from => Self::CancelledBeforeStart,
                _ => Self::Ended,
            },
            TicketStatus::Pending | TicketStatus::Rejected | TicketStatus::Withdrawn => {
                Self::NotValid
            }
        }
    }

    /// Whether the ticket is, or will be, valid: only then does it carry a signed document.
    pub fn is_valid_now_or_later(self) -> bool {
        matches!(self, Self::Upcoming | Self::Active | Self::Ending)
    }
}

/// The zones a ticket shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZonesShown {
    /// Every zone.
    WholeRegion,
    /// The zones' names (their codes where the tariff has no name).
    Named(Vec<String>),
}

/// One ticket as its page shows it.
#[derive(Debug, Clone)]
pub struct TicketCard {
    /// The subscription.
    pub subscription_id: Uuid,
    /// The company's id.
    pub company_id: Uuid,
    /// "First Last", as on the holder's ID.
    pub holder: String,
    /// Never changes (R9).
    pub category: TravellerCategory,
    /// The latest zone selection.
    pub zones: ZonesShown,
    /// The selection's stable codes (empty for the whole region), for the signed ticket.
    pub zone_codes: Vec<String>,
    /// The day the latest selection starts, when that is after today (until then the earlier
    /// selection applies).
    pub zones_from: Option<NaiveDate>,
    /// First valid day.
    pub valid_from: Option<NaiveDate>,
    /// Last valid day (inclusive); `None` until cancelled.
    pub valid_through: Option<NaiveDate>,
    /// Today's status in Europe/Oslo.
    pub status: CardStatus,
    /// The paying company's name.
    pub company: String,
}

/// The card of `subscription` on `today`, or `None` when the read models do not have it.
pub async fn load(
    pool: &sqlx::PgPool,
    subscription: Uuid,
    today: NaiveDate,
) -> Result<Option<TicketCard>, ProjectionError> {
    let Some(row) = listing::ticket(pool, subscription).await? else {
        return Ok(None);
    };
    let company = listing::company(pool, row.company_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let category = TravellerCategory::parse(&row.category)
        .map_err(|e| ProjectionError::Corrupt(format!("ticket category: {e}")))?;
    let selection: ZoneSelection = serde_json::from_value(row.zones.clone())
        .map_err(|e| ProjectionError::Corrupt(format!("ticket zones: {e}")))?;
    let zone_codes: Vec<String> = selection.zones().iter().map(|z| z.to_string()).collect();
    let zones = match selection {
        ZoneSelection::WholeRegion => ZonesShown::WholeRegion,
        _ => {
            let mut connection = pool.acquire().await?;
            let prices = price_list(&mut connection).await?;
            let map = prices
                .in_force(row.zones_from.max(today))
                .or_else(|| prices.versions().last())
                .map(|v| v.zone_map.clone());
            let name = |code: &String| {
                map.as_ref()
                    .and_then(|m| m.zones.iter().find(|z| z.id.as_str() == code))
                    .map_or_else(|| code.clone(), |z| z.name.clone())
            };
            ZonesShown::Named(zone_codes.iter().map(name).collect())
        }
    };
    Ok(Some(TicketCard {
        subscription_id: row.subscription_id,
        company_id: row.company_id,
        holder: format!("{} {}", row.first_name, row.last_name),
        category,
        zones,
        zone_codes,
        // Said only of zones that change after the ticket has started: zones that apply from
        // its first day are told by "valid from".
        zones_from: (row.zones_from > today && row.valid_from.is_some_and(|v| row.zones_from > v))
            .then_some(row.zones_from),
        valid_from: row.valid_from,
        valid_through: row.end_date,
        status: CardStatus::of(&row, today),
        company,
    }))
}
