//! The notices of issue 14 beyond the approval and rejection SMS, queued with the rest of the
//! event-driven messages (see [`crate::notifications`]), once per event and recipient:
//!
//! - an e-mail to each administrator of a company when an employee's order waits for approval
//!   (at once, to those who did not choose the daily digest of [`crate::digest`]; an order
//!   approved automatically in the same append waits for nobody);
//! - an e-mail to each administrator of every company when an operator publishes a tariff
//!   version whose prices differ from those in force before it (published for a future month,
//!   so before it applies);
//! - the texts of the SMS to an employee whose ticket an administrator or operator cancelled
//!   or changed the zones of, with the new monthly deduction when it changes.
//!
//! What they need from other aggregates (a company's administrators, name and contribution;
//! the tariff's prices and zone names; a subscription's earlier zones) is folded from the log
//! itself, by the events table's primary key, never from a read model.

use std::collections::{BTreeMap, HashMap};

use bedrift_domain::company::{Company, OrderNotice};
use bedrift_domain::messages::{self, EmailText};
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::{Subscription, SubscriptionEvent};
use bedrift_domain::tariff::{Tariff, TariffVersion, TARIFF_ID};
use bedrift_domain::values::{Language, Money, TravellerCategory, ZoneSelection};
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::{AnyEvent, Envelope, StoredEvent, EVENT_COLUMNS};
use crate::notifications::NotificationSettings;
use crate::ProjectionError;

/// An e-mail to queue, with its unique cause.
#[derive(Debug, Clone)]
pub(crate) struct Email {
    pub recipient: String,
    pub text: EmailText,
    pub cause: String,
}

/// Whether an actor acts for the employer: an administrator or an operator.
pub(crate) fn for_employer(actor: &Actor) -> bool {
    matches!(actor, Actor::Administrator { .. } | Actor::Operator { .. })
}

/// The events of `ids` of `aggregate_type`, decoded, each aggregate's in sequence order.
async fn events_of(
    conn: &mut PgConnection,
    aggregate_type: &str,
    ids: &[String],
) -> Result<Vec<Envelope>, ProjectionError> {
    let rows: Vec<StoredEvent> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE aggregate_type = $1 AND aggregate_id = ANY($2) ORDER BY aggregate_id, sequence"
    ))
    .bind(aggregate_type)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    crate::event::decode_all(conn, rows).await
}

/// Companies as their events fold them now.
async fn companies(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Company>, ProjectionError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut folded: HashMap<Uuid, Company> = HashMap::new();
    for envelope in events_of(conn, Company::TYPE, &ids).await? {
        if let AnyEvent::Company(event) = envelope.event {
            folded
                .entry(envelope.aggregate_id)
                .or_default()
                .apply(event);
        }
    }
    Ok(folded)
}

/// Every registered company's id.
async fn every_company(conn: &mut PgConnection) -> Result<Vec<Uuid>, ProjectionError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT aggregate_id FROM events WHERE aggregate_type = $1 AND sequence = 1",
    )
    .bind(Company::TYPE)
    .fetch_all(conn)
    .await?;
    ids.iter()
        .map(|id| Uuid::parse_str(id).map_err(|e| ProjectionError::Corrupt(e.to_string())))
        .collect()
}

/// The tariff as its events fold it now.
async fn tariff(conn: &mut PgConnection) -> Result<Tariff, ProjectionError> {
    let mut folded = Tariff::default();
    for envelope in events_of(conn, Tariff::TYPE, &[TARIFF_ID.to_owned()]).await? {
        if let AnyEvent::Tariff(event) = envelope.event {
            folded.apply(event);
        }
    }
    Ok(folded)
}

/// Of `orders` (the `SubscriptionOrdered` events among `events`, each a subscription's first
/// event), those approved in the same append as their order: automatic approval, nobody waits.
///
/// `events` is a stretch of the log in (transaction, position) order, so an append's events
/// stand together in it and only its last transaction may continue past its end (a batch
/// stops at a number of events). The answer for the others is in `events` itself; only orders
/// of that last transaction without their second event here are looked up in the log, by the
/// events table's primary key.
async fn approved_at_once(
    conn: &mut PgConnection,
    events: &[Envelope],
    orders: &[&Envelope],
) -> Result<Vec<Uuid>, ProjectionError> {
    let seconds: HashMap<Uuid, &Envelope> = events
        .iter()
        .filter(|e| e.sequence == 2 && matches!(e.event, AnyEvent::Subscription(_)))
        .map(|e| (e.aggregate_id, e))
        .collect();
    let last_transaction = events.last().map(|e| e.at.tx_id);
    let mut approved = Vec::new();
    let mut unknown = Vec::new();
    for order in orders {
        match seconds.get(&order.aggregate_id) {
            Some(second)
                if second.at.tx_id == order.at.tx_id
                    && matches!(
                        second.event,
                        AnyEvent::Subscription(SubscriptionEvent::SubscriptionApproved { .. })
                    ) =>
            {
                approved.push(order.aggregate_id);
            }
            // Its second event is here and is something else, or of a later append.
            Some(_) => {}
            None if Some(order.at.tx_id) == last_transaction => unknown.push(order.aggregate_id),
            None => {}
        }
    }
    if !unknown.is_empty() {
        approved.extend(approved_in_log(conn, &unknown).await?);
    }
    Ok(approved)
}

/// Of `orders` (subscriptions whose first event is an order), those whose second event in the
/// log is an approval of the same append.
async fn approved_in_log(
    conn: &mut PgConnection,
    orders: &[Uuid],
) -> Result<Vec<Uuid>, ProjectionError> {
    let ids: Vec<String> = orders.iter().map(Uuid::to_string).collect();
    // One lookup by the whole primary key per order (LIMIT keeps each a lookup of its own):
    // `aggregate_id = ANY($2)` beside `sequence = 1` let PostgreSQL, before the log had
    // statistics, plan a scan of every subscription's first event instead (3 ms a batch at
    // 15,000 events, growing with the log).
    let approved: Vec<String> = sqlx::query_scalar(
        "SELECT wanted.id FROM unnest($2::text[]) AS wanted(id)
         CROSS JOIN LATERAL (
             SELECT a.event_type FROM events o
             JOIN events a ON a.aggregate_type = o.aggregate_type AND a.aggregate_id = o.aggregate_id
                          AND a.sequence = 2 AND a.tx_id = o.tx_id
             WHERE o.aggregate_type = $1 AND o.aggregate_id = wanted.id AND o.sequence = 1
             LIMIT 1) AS second
         WHERE second.event_type = 'SubscriptionApproved'",
    )
    .bind(Subscription::TYPE)
    .bind(&ids)
    .fetch_all(conn)
    .await?;
    Ok(approved
        .iter()
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect())
}

/// The e-mails `events` cause: orders waiting for approval, new tariff prices.
pub(crate) async fn emails(
    conn: &mut PgConnection,
    settings: &NotificationSettings,
    events: &[Envelope],
) -> Result<Vec<Email>, ProjectionError> {
    let waiting: Vec<&Envelope> = events
        .iter()
        .filter(|e| {
            matches!(
                &e.event,
                AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered {
                    ordered_by: Actor::Employee { .. },
                    ..
                })
            )
        })
        .collect();
    let published: Vec<&Envelope> = events
        .iter()
        .filter(|e| {
            matches!(
                &e.event,
                AnyEvent::Tariff(
                    bedrift_domain::tariff::TariffEvent::TariffVersionPublished {
                        published_by: Actor::Operator { .. },
                        ..
                    }
                )
            )
        })
        .collect();
    let mut out = Vec::new();
    if !waiting.is_empty() {
        let at_once = approved_at_once(conn, events, &waiting).await?;
        let waiting: Vec<&Envelope> = waiting
            .into_iter()
            .filter(|e| !at_once.contains(&e.aggregate_id))
            .collect();
        let ids: Vec<Uuid> = waiting
            .iter()
            .filter_map(|e| match &e.event {
                AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered {
                    details, ..
                }) => Some(details.company.as_uuid()),
                _ => None,
            })
            .collect();
        let companies = companies(conn, &ids).await?;
        let link = format!("{}/portal", settings.public_url);
        for envelope in waiting {
            let AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered {
                details,
                start_date,
                ..
            }) = &envelope.event
            else {
                continue;
            };
            let Some(company) = companies.get(&details.company.as_uuid()) else {
                continue;
            };
            let company_name = company.name.as_ref().map_or("", |n| n.as_str());
            let employee = format!(
                "{} {}",
                details.first_name.as_str(),
                details.last_name.as_str()
            );
            // Those who chose the daily digest hear of it there (`crate::digest`).
            let at_once = company
                .administrators
                .values()
                .filter(|a| company.order_notice(&a.account) == OrderNotice::Immediately);
            for admin in at_once {
                out.push(Email {
                    recipient: admin.email.as_str().to_owned(),
                    text: messages::order_waiting_email(
                        admin.name.as_str(),
                        company_name,
                        &employee,
                        *start_date,
                        &link,
                    ),
                    cause: format!("event:{}:{}", envelope.position, admin.account),
                });
            }
        }
    }
    if !published.is_empty() {
        let tariff = tariff(conn).await?;
        let ids = every_company(conn).await?;
        let companies = companies(conn, &ids).await?;
        for envelope in published {
            let AnyEvent::Tariff(bedrift_domain::tariff::TariffEvent::TariffVersionPublished {
                version,
                ..
            }) = &envelope.event
            else {
                continue;
            };
            let before = tariff
                .price_list()
                .versions()
                .iter()
                .rev()
                .find(|v| v.valid_from < version.valid_from);
            let changes = price_changes(before, version);
            if changes.is_empty() {
                continue;
            }
            for (id, company) in &companies {
                let company_name = company.name.as_ref().map_or("", |n| n.as_str());
                for admin in company.administrators.values() {
                    out.push(Email {
                        recipient: admin.email.as_str().to_owned(),
                        text: messages::new_tariff_email(
                            admin.name.as_str(),
                            company_name,
                            version.valid_from,
                            &changes,
                        ),
                        cause: format!("event:{}:{id}:{}", envelope.position, admin.account),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The prices of `version` that differ from `before`'s: (class, category, old, new), in the
/// tariff's order.
fn price_changes(
    before: Option<&TariffVersion>,
    version: &TariffVersion,
) -> Vec<(String, String, Option<Money>, Money)> {
    version
        .prices
        .iter()
        .filter_map(|price| {
            let old = before.and_then(|b| b.price(price.class, price.category));
            (old != Some(price.monthly)).then(|| {
                (
                    class_name(price.class).to_owned(),
                    price.category.norwegian().to_owned(),
                    old,
                    price.monthly,
                )
            })
        })
        .collect()
}

fn class_name(class: bedrift_domain::values::ZoneClass) -> &'static str {
    use bedrift_domain::values::ZoneClass;
    match class {
        ZoneClass::OneZone => "1 sone",
        ZoneClass::TwoZones => "2 soner",
        ZoneClass::WholeRegion => "Hele regionen",
    }
}

/// A text of `messages` about new zones: (language, first name, zone names, from, the new
/// deduction when it changes).
type ZoneSms = fn(Language, &str, &str, NaiveDate, Option<Money>) -> String;

/// A change of zones as the SMS about it tells it.
#[derive(Debug, Clone)]
struct ZoneStep {
    sequence: i64,
    /// The zones from this event on.
    zones: ZoneSelection,
    /// For a `ZonesChanged`: from which day, and when it was decided.
    change: Option<(NaiveDate, DateTime<Utc>)>,
}

/// What the SMS about a zone change (by the employer, or the holder's request approved)
/// needs: the tariff, the companies' contribution settings, and each changed subscription's
/// zones before each of its events.
pub(crate) struct ZoneChangeContext {
    tariff: Tariff,
    companies: HashMap<Uuid, Company>,
    /// Per subscription, in sequence order: the order and each `ZonesChanged`.
    zones: HashMap<Uuid, Vec<ZoneStep>>,
}

impl ZoneChangeContext {
    /// Reads what the zone changes of `subscriptions` at `companies` need.
    pub(crate) async fn load(
        conn: &mut PgConnection,
        subscriptions: &[Uuid],
        company_ids: &[Uuid],
    ) -> Result<Self, ProjectionError> {
        let ids: Vec<String> = subscriptions.iter().map(Uuid::to_string).collect();
        let mut zones: HashMap<Uuid, Vec<ZoneStep>> = HashMap::new();
        for envelope in events_of(conn, Subscription::TYPE, &ids).await? {
            let (selection, change) = match envelope.event {
                AnyEvent::Subscription(SubscriptionEvent::SubscriptionOrdered {
                    details, ..
                }) => (details.zones, None),
                AnyEvent::Subscription(SubscriptionEvent::ZonesChanged {
                    zones,
                    effective_from,
                    changed_at,
                    ..
                }) => (zones, Some((effective_from, changed_at))),
                _ => continue,
            };
            zones
                .entry(envelope.aggregate_id)
                .or_default()
                .push(ZoneStep {
                    sequence: envelope.sequence,
                    zones: selection,
                    change,
                });
        }
        Ok(Self {
            tariff: tariff(conn).await?,
            companies: companies(conn, company_ids).await?,
            zones,
        })
    }

    /// The SMS about the zone change `envelope` to `recipient`: an employer's `ZonesChanged`,
    /// or the `ZoneChangeApproved` of the holder's request (told with the `ZonesChanged` that
    /// follows it in the same command).
    pub(crate) fn sms(
        &self,
        envelope: &Envelope,
        recipient: &crate::notifications::Recipient,
    ) -> Option<String> {
        let history = self.zones.get(&envelope.aggregate_id)?;
        let (applied, text): (i64, ZoneSms) = match &envelope.event {
            AnyEvent::Subscription(SubscriptionEvent::ZonesChanged { .. }) => {
                (envelope.sequence, messages::zones_changed_by_employer_sms)
            }
            AnyEvent::Subscription(SubscriptionEvent::ZoneChangeApproved { .. }) => {
                (envelope.sequence + 1, messages::zone_change_approved_sms)
            }
            _ => return None,
        };
        let step = history.iter().find(|s| s.sequence == applied)?;
        let (effective_from, changed_at) = step.change?;
        let before = history
            .iter()
            .rev()
            .find(|s| s.sequence < applied)
            .map(|s| &s.zones);
        let deduction = |selection: &ZoneSelection| {
            self.deduction(recipient, selection, effective_from, changed_at)
        };
        let new = deduction(&step.zones);
        let changed = match before {
            Some(before) => new != deduction(before),
            None => true,
        };
        let names = self.zone_names(&step.zones, effective_from, recipient.language);
        Some(text(
            recipient.language,
            &recipient.first_name,
            &names,
            effective_from,
            if changed { new } else { None },
        ))
    }

    /// The monthly deduction of `zones` from `from` (R14, the contribution in force at `at`).
    fn deduction(
        &self,
        recipient: &crate::notifications::Recipient,
        zones: &ZoneSelection,
        from: NaiveDate,
        at: DateTime<Utc>,
    ) -> Option<Money> {
        let category: TravellerCategory = recipient.category;
        let price = self
            .tariff
            .price_list()
            .in_force(from)?
            .price(zones.class(), category)?;
        let contribution = self
            .companies
            .get(&recipient.company)
            .map(|c| c.contributions.in_force_before(at))
            .unwrap_or_default();
        Some(price.saturating_sub(contribution.of(price)))
    }

    fn zone_names(&self, zones: &ZoneSelection, on: NaiveDate, language: Language) -> String {
        let names: BTreeMap<&str, &str> = self
            .tariff
            .price_list()
            .in_force(on)
            .or_else(|| self.tariff.price_list().versions().last())
            .map(|v| {
                v.zone_map
                    .zones
                    .iter()
                    .map(|z| (z.id.as_str(), z.name.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let chosen = zones.zones();
        let (whole, and) = match language {
            Language::Bokmal => ("hele regionen", " og "),
            Language::English => ("the whole region", " and "),
        };
        if chosen.is_empty() {
            return whole.to_owned();
        }
        chosen
            .iter()
            .map(|z| names.get(z.as_str()).copied().unwrap_or(z.as_str()))
            .collect::<Vec<_>>()
            .join(and)
    }
}
