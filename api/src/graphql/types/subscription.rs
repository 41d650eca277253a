//! The `Subscription` type: one employee's ticket at one company, read from the tickets read
//! model, with its status derived for today; and its audit trail (`history`, `stateAt`), read
//! from the event log.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use bedrift_domain::clock::oslo_date;
use bedrift_domain::subscription::{
    OrderStatus, OrderedSubscription, Subscription, TicketStatus as DomainStatus,
};
use bedrift_domain::values::{TravellerCategory as DomainCategory, ZoneSelection};
use bedrift_projections::listing::TicketListing;
use bedrift_projections::read_models::tickets::zone_change_from_code;
use chrono::NaiveDate;
use uuid::Uuid;

use super::enums::{
    TicketStatus, TravellerCategory, ZoneChangeFrom as ZoneChangeFromView, ZoneClass,
};
use super::history::{self, HistoryEntry, OrderStatusView};
use crate::graphql::context::parts;
use crate::graphql::scalars::{Date, DateTime};
use crate::graphql::ApiError;

/// A subscription (abonnement): an order, and once approved a monthly ticket.
#[derive(Debug, Clone)]
pub struct SubscriptionView {
    row: TicketListing,
    today: NaiveDate,
}

impl SubscriptionView {
    /// The view of `row` on `today`.
    pub fn new(row: TicketListing, today: NaiveDate) -> Self {
        Self { row, today }
    }

    /// The view of subscription `id` as its aggregate stands (the write side), on `today`.
    pub fn of(id: Uuid, state: &Subscription, today: NaiveDate) -> Result<Self, ApiError> {
        let ordered = state
            .ordered()
            .ok_or_else(|| ApiError::NotFound("there is no such subscription".to_owned()))?;
        Ok(Self::new(listing_of(id, ordered), today))
    }

    fn selection(&self) -> Option<ZoneSelection> {
        serde_json::from_value(self.row.zones.clone()).ok()
    }
}

/// A holder's zone change waiting for an administrator (R8, under `APPROVAL_REQUIRED`).
#[derive(Debug, Clone, SimpleObject)]
pub struct ZoneChangeRequestView {
    /// The zone codes asked for; empty for the whole region.
    pub zones: Vec<String>,
    /// Whether the whole region is asked for.
    pub whole_region: bool,
    /// The price class asked for.
    pub zone_class: ZoneClass,
    /// From when, counted from the day an administrator approves it.
    pub from: ZoneChangeFromView,
    /// When the holder asked.
    pub requested_at: DateTime,
}

/// An answer to one of the company's extra order-form fields.
#[derive(Debug, Clone, SimpleObject)]
pub struct FieldAnswer {
    /// The field's label.
    pub label: String,
    /// The answer.
    pub value: String,
}

/// The read model's row for a subscription as its events fold it (`stateAt`, and the
/// answer of a mutation, which comes from the write side).
fn listing_of(id: Uuid, state: &OrderedSubscription) -> TicketListing {
    let details = &state.details;
    let decision = state.decision();
    TicketListing {
        subscription_id: id,
        company_id: details.company.as_uuid(),
        phone: details.phone.to_string(),
        first_name: details.first_name.to_string(),
        last_name: details.last_name.to_string(),
        employee_number: details.employee_number.as_ref().map(ToString::to_string),
        extra_fields: serde_json::to_value(&details.extra_fields).unwrap_or_default(),
        category: details.category.code().to_owned(),
        zones: serde_json::to_value(state.current_zones()).unwrap_or_default(),
        zones_from: state.current_zones_from(),
        order_status: state.status().code().to_owned(),
        start_date: state.start_date,
        valid_from: state.valid_from(),
        end_date: state.end_date(),
        ordered_at: state.ordered_at,
        ordered_position: 0,
        decided_at: decision.map(|d| d.at),
        rejection_reason: state.rejection_reason().map(ToString::to_string),
        version: 0,
        requested_zones: state
            .zone_change_request()
            .map(|r| serde_json::to_value(&r.zones).unwrap_or_default()),
        requested_zones_from: state
            .zone_change_request()
            .map(|r| zone_change_from_code(r.from).to_owned()),
        zones_requested_at: state.zone_change_request().map(|r| r.at),
        restricted: state.restricted,
    }
}

/// The stored order status; the read model only ever stores the codes of `OrderStatus`.
fn order_status(code: &str) -> OrderStatus {
    OrderStatus::from_code(code).unwrap_or_default()
}

/// A subscription (abonnement): an order, and once approved a monthly ticket.
#[Object(name = "Subscription")]
impl SubscriptionView {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.row.subscription_id.to_string())
    }

    /// The company that pays.
    async fn company_id(&self) -> ID {
        ID(self.row.company_id.to_string())
    }

    /// The traveller's mobile number, E.164.
    async fn phone(&self) -> &str {
        &self.row.phone
    }

    /// First name as on the traveller's ID.
    async fn first_name(&self) -> &str {
        &self.row.first_name
    }

    /// Last name as on the traveller's ID.
    async fn last_name(&self) -> &str {
        &self.row.last_name
    }

    /// Employee number (ansattnummer), when given.
    async fn employee_number(&self) -> Option<&str> {
        self.row.employee_number.as_deref()
    }

    /// Answers to the company's extra order-form fields.
    async fn extra_fields(&self) -> Vec<FieldAnswer> {
        self.row
            .extra_fields
            .as_object()
            .map(|fields| {
                fields
                    .iter()
                    .map(|(label, value)| FieldAnswer {
                        label: label.clone(),
                        value: value.as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Traveller category; never changes (R9).
    async fn category(&self) -> Option<TravellerCategory> {
        DomainCategory::parse(&self.row.category)
            .ok()
            .map(Into::into)
    }

    /// The zone codes of the latest selection; empty for the whole region.
    async fn zones(&self) -> Vec<String> {
        self.selection()
            .map(|z| z.zones().iter().map(|id| id.to_string()).collect())
            .unwrap_or_default()
    }

    /// Whether the latest selection is the whole region.
    async fn whole_region(&self) -> bool {
        matches!(self.selection(), Some(ZoneSelection::WholeRegion))
    }

    /// The price class of the latest selection.
    async fn zone_class(&self) -> Option<ZoneClass> {
        self.selection().map(|z| z.class().into())
    }

    /// The holder's zone change waiting for an administrator (R8); null when none waits.
    async fn zone_change_request(&self) -> Option<ZoneChangeRequestView> {
        let zones: ZoneSelection =
            serde_json::from_value(self.row.requested_zones.clone()?).ok()?;
        let from = match self.row.requested_zones_from.as_deref()? {
            "IMMEDIATELY" => ZoneChangeFromView::Immediately,
            _ => ZoneChangeFromView::NextMonth,
        };
        Some(ZoneChangeRequestView {
            whole_region: matches!(zones, ZoneSelection::WholeRegion),
            zone_class: zones.class().into(),
            zones: zones.zones().iter().map(|id| id.to_string()).collect(),
            from,
            requested_at: DateTime(self.row.zones_requested_at?),
        })
    }

    /// The status today, derived from the stored dates.
    async fn status(&self) -> TicketStatus {
        DomainStatus::on(
            self.today,
            order_status(&self.row.order_status),
            self.row.valid_from,
            self.row.end_date,
        )
        .into()
    }

    /// Where the order stands by its decision alone: pending, approved, rejected or withdrawn.
    async fn order_status(&self) -> OrderStatusView {
        order_status(&self.row.order_status).into()
    }

    /// The start date as ordered.
    async fn start_date(&self) -> Date {
        Date(self.row.start_date)
    }

    /// The first day the ticket is valid, once approved.
    async fn valid_from(&self) -> Option<Date> {
        self.row.valid_from.map(Date)
    }

    /// The last day the ticket is valid, when cancelled.
    async fn end_date(&self) -> Option<Date> {
        self.row.end_date.map(Date)
    }

    /// When it was ordered.
    async fn ordered_at(&self) -> DateTime {
        DateTime(self.row.ordered_at)
    }

    /// When it was approved or rejected.
    async fn decided_at(&self) -> Option<DateTime> {
        self.row.decided_at.map(DateTime)
    }

    /// Why it was rejected.
    async fn rejection_reason(&self) -> Option<&str> {
        self.row.rejection_reason.as_deref()
    }

    /// Every event of the subscription, oldest first: what changed, who did it and when
    /// (SPEC.md "Audit"). For the same callers as `subscription(id)`.
    #[graphql(complexity = "crate::graphql::limits::EVENT_LOG_COST * child_complexity.max(1)")]
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<HistoryEntry>> {
        let (state, caller) = parts(ctx);
        caller
            .visible_ticket(state, self.row.subscription_id)
            .await?;
        Ok(history::load(&state.pool, self.row.subscription_id).await?)
    }

    /// The subscription as it stood at an instant: folded from its events that occurred at or
    /// before it (the command's time on the service's clock), with its status as of that
    /// instant's date in Oslo. "At an instant" includes everything that happened at it: an
    /// event's own `occurredAt` gives the state with that event. Null when it had not been
    /// ordered yet. For the same callers as `subscription(id)`.
    #[graphql(complexity = "crate::graphql::limits::EVENT_LOG_COST + child_complexity")]
    async fn state_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The instant (RFC 3339).")] at: DateTime,
    ) -> Result<Option<SubscriptionView>> {
        let (state, caller) = parts(ctx);
        let id = self.row.subscription_id;
        caller.visible_ticket(state, id).await?;
        let entries = history::load(&state.pool, id).await?;
        Ok(history::state_at(&entries, at.0).and_then(|folded| {
            folded
                .ordered()
                .map(|ordered| SubscriptionView::new(listing_of(id, ordered), oslo_date(at.0)))
        }))
    }
}
