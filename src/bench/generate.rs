//! Realistic events, fast: in-memory `Company` and `Subscription` aggregates driven by the
//! domain's own pure `decide` and folded with `apply`, under a fake clock that moves a little
//! with every command. No command executor and no database: the output is rows for a bulk
//! insert. A few hundred companies; subscriptions are ordered, approved or rejected or
//! withdrawn, change zones, are cancelled and resumed (about four events each on average), and
//! companies now and then change their employer contribution.

use bedrift_domain::clock::{oslo_date, start_of_oslo_day};
use bedrift_domain::company::{
    Company, CompanyCommand, EmployerContribution, OrderForm, OrderingPolicy,
};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    CancelAt, CompanyTerms, OrderStatus, Subscription, SubscriptionCommand, ZoneChangeFrom,
};
use bedrift_domain::tariff::{agder, Tariff, TariffEvent, TARIFF_ID};
use bedrift_domain::values::{AccountId, CompanyId, Money, TravellerCategory, ZoneSelection};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use serde::Serialize;

use super::fixtures;
use bedrift_store::testing::Rng;

use super::rows::Chunk;

/// Companies registered before the first order.
pub const COMPANIES: usize = 300;

/// One aggregate in memory: its id, state and last sequence number.
struct Entry<A> {
    id: String,
    state: A,
    sequence: i64,
    company: usize,
}

/// What has been generated so far.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Companies registered.
    pub companies: u64,
    /// Subscriptions ordered.
    pub subscriptions: u64,
    /// Commands the domain refused (they write nothing, as in real life).
    pub refused: u64,
}

/// The generator's world.
pub struct Generator {
    rng: Rng,
    now: DateTime<Utc>,
    zones: Vec<ZoneSelection>,
    companies: Vec<(Entry<Company>, CompanyId, AccountId)>,
    live: Vec<Entry<Subscription>>,
    next_phone: u64,
    /// What has been generated so far.
    pub stats: Stats,
}

impl Generator {
    /// A world on 5 January 2026, the tariff installed, nothing else yet.
    pub fn new(seed: u64) -> Self {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).expect("a real date");
        Self {
            rng: Rng::new(seed),
            now: start_of_oslo_day(start) + Duration::hours(8),
            zones: fixtures::zone_choices(),
            companies: Vec::new(),
            live: Vec::new(),
            next_phone: 0,
            stats: Stats::default(),
        }
    }

    /// Adds events to `chunk` until it holds at least `rows` (the first call also installs the
    /// tariff and registers the companies).
    pub fn fill(&mut self, chunk: &mut Chunk, rows: usize) {
        if self.companies.is_empty() {
            let event = TariffEvent::TariffVersionPublished {
                version: agder::example_version(),
                published_by: Actor::System,
            };
            chunk.push(
                Tariff::TYPE,
                TARIFF_ID,
                1,
                &event,
                &self.metadata(Actor::System),
            );
            for n in 0..COMPANIES {
                self.register_company(chunk, n);
            }
        }
        while chunk.len() < rows {
            self.now += Duration::seconds(self.rng.below(90) as i64);
            if self.live.is_empty() || self.rng.chance(22) {
                self.order(chunk);
            } else if self.rng.chance(1) {
                let company = self.rng.below(self.companies.len());
                let contribution = match self.rng.below(3) {
                    0 => EmployerContribution::None,
                    1 => EmployerContribution::Percent {
                        percent: self.rng.below(101) as u8,
                    },
                    _ => EmployerContribution::Fixed {
                        amount: Money::from_ore(self.rng.below(150_000) as i64 * 100)
                            .expect("a small amount"),
                    },
                };
                let by = self.admin(company);
                self.company(
                    chunk,
                    company,
                    CompanyCommand::SetEmployerContribution { contribution, by },
                );
            } else {
                self.act_on_subscription(chunk);
            }
        }
    }

    fn register_company(&mut self, chunk: &mut Chunk, n: usize) {
        let account = AccountId::new();
        let id = CompanyId::new();
        let entry = Entry {
            id: id.to_string(),
            state: Company::default(),
            sequence: 0,
            company: n,
        };
        self.companies.push((entry, id, account));
        let register = fixtures::registration(n, id, account);
        self.company(chunk, n, register);
        let policy = if self.rng.chance(30) {
            OrderingPolicy::AutomaticApproval
        } else {
            OrderingPolicy::ApprovalRequired
        };
        let by = self.admin(n);
        self.company(chunk, n, CompanyCommand::SetOrderingPolicy { policy, by });
        self.stats.companies += 1;
    }

    fn order(&mut self, chunk: &mut Chunk) {
        let company = self.rng.below(self.companies.len());
        let (entry, company_id, _) = &self.companies[company];
        self.next_phone += 1;
        let phone = self.next_phone;
        let zones = self.zones[self.rng.below(self.zones.len())].clone();
        let category = TravellerCategory::ALL[self.rng.below(TravellerCategory::ALL.len())];
        let details = fixtures::order_details(*company_id, phone, zones, category);
        let command = SubscriptionCommand::Order {
            details,
            terms: CompanyTerms {
                policy: entry.state.policy,
                form: OrderForm::standard(),
            },
        };
        self.live.push(Entry {
            id: uuid::Uuid::new_v4().to_string(),
            state: Subscription::default(),
            sequence: 0,
            company,
        });
        self.stats.subscriptions += 1;
        let index = self.live.len() - 1;
        self.subscription(chunk, index, command);
    }

    /// A next step in a live subscription's life; one that has no future leaves the live set.
    fn act_on_subscription(&mut self, chunk: &mut Chunk) {
        let index = self.rng.below(self.live.len());
        let by = self.admin(self.live[index].company);
        let Some(state) = self.live[index].state.ordered() else {
            self.live.swap_remove(index);
            return;
        };
        let today = oslo_date(self.now);
        let roll = self.rng.below(100);
        let command = match state.status() {
            OrderStatus::Pending => match roll {
                0..80 => SubscriptionCommand::Approve { by },
                80..92 => SubscriptionCommand::Reject {
                    reason: fixtures::text("Ikke ansatt"),
                    by,
                },
                _ => SubscriptionCommand::WithdrawOrder { by },
            },
            // On or after its end date a cancellation can no longer be undone (R11).
            OrderStatus::Approved if state.end_date().is_some_and(|end| end <= today) => {
                self.live.swap_remove(index);
                return;
            }
            OrderStatus::Approved if state.end_date().is_some() => match roll {
                0..30 => SubscriptionCommand::Resume { by },
                30..60 => self.change_zones(by),
                _ => {
                    self.live.swap_remove(index);
                    return;
                }
            },
            OrderStatus::Approved => match roll {
                0..60 => self.change_zones(by),
                60..90 => SubscriptionCommand::Cancel {
                    at: CancelAt::EndOfMonth,
                    by,
                },
                _ => SubscriptionCommand::Cancel {
                    at: CancelAt::Immediately,
                    by,
                },
            },
            OrderStatus::Rejected | OrderStatus::Withdrawn => {
                self.live.swap_remove(index);
                return;
            }
        };
        self.subscription(chunk, index, command);
    }

    fn change_zones(&mut self, by: Actor) -> SubscriptionCommand {
        SubscriptionCommand::ChangeZones {
            zones: self.zones[self.rng.below(self.zones.len())].clone(),
            from: if self.rng.chance(30) {
                ZoneChangeFrom::Immediately
            } else {
                ZoneChangeFrom::NextMonth
            },
            by,
            // Applied at once, as every change was before holders' requests existed (R8).
            policy: OrderingPolicy::AutomaticApproval,
        }
    }

    fn admin(&self, company: usize) -> Actor {
        Actor::Administrator {
            account: self.companies[company].2,
        }
    }

    fn metadata(&self, actor: Actor) -> String {
        serde_json::to_string(&Metadata::new(actor, self.now).to_map()).expect("a string map")
    }

    fn company(&mut self, chunk: &mut Chunk, index: usize, command: CompanyCommand) {
        let actor = Actor::System;
        let now = self.now;
        let metadata = self.metadata(actor);
        let entry = &mut self.companies[index].0;
        match entry.state.decide(command, now) {
            Ok(events) => record(chunk, entry, events, &metadata),
            Err(_) => self.stats.refused += 1,
        }
    }

    fn subscription(&mut self, chunk: &mut Chunk, index: usize, command: SubscriptionCommand) {
        let actor = self.admin(self.live[index].company);
        let now = self.now;
        let metadata = self.metadata(actor);
        let entry = &mut self.live[index];
        match entry.state.decide(command, now) {
            Ok(events) => record(chunk, entry, events, &metadata),
            Err(_) => self.stats.refused += 1,
        }
    }
}

/// Appends `events` of one command to `chunk` and folds them into the aggregate.
fn record<A>(chunk: &mut Chunk, entry: &mut Entry<A>, events: Vec<A::Event>, metadata: &str)
where
    A: Aggregate,
    A::Event: DomainEvent + Serialize,
{
    for event in events {
        entry.sequence += 1;
        chunk.push(A::TYPE, &entry.id, entry.sequence, &event, metadata);
        entry.state.apply(event);
    }
}
