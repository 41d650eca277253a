//! The exports benchmark's data: one company (automatic approval, a 50% employer contribution,
//! pay type code 5010) whose employees place `n` orders in January 2026, each with an employee
//! number and approved at once, so all start on 1 February. In February a fifth change zones
//! (half of them immediately, so February is charged at the dearer of two), and in March a
//! tenth cancel at the end of the month. Every subscription is charged in March: `n` lines.
//! Events come from the domain's pure `decide`, as in `bench projections`. The order form asks
//! for a department (`Avdeling`) and a cost centre (`Koststed`), mapped in the payroll
//! settings, so every file carries its cost allocation columns.

use bedrift_domain::clock::start_of_oslo_day;
use bedrift_domain::company::{
    Company, CompanyCommand, EmployerContribution, ExtraField, FieldRequirement, OrderForm,
    OrderingPolicy,
};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    CancelAt, CompanyTerms, Subscription, SubscriptionCommand, ZoneChangeFrom,
};
use bedrift_domain::tariff::{agder, Tariff, TariffEvent, TARIFF_ID};
use bedrift_domain::values::{AccountId, CompanyId, Month, PayTypeCode, TravellerCategory};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use serde::Serialize;

use super::super::fixtures;
use super::super::rows::Chunk;

/// The order form field holding the department.
const DEPARTMENT: &str = "Avdeling";
/// The order form field holding the cost centre.
const COST_CENTRE: &str = "Koststed";

/// The company's order form: standard, plus the two cost allocation fields (optional).
fn allocation_form() -> OrderForm {
    let field = |label| ExtraField {
        label: fixtures::text(label),
        required: false,
    };
    OrderForm::custom(
        FieldRequirement::Optional,
        vec![field(DEPARTMENT), field(COST_CENTRE)],
    )
    .expect("two distinct labels")
}

/// The month every generated subscription is charged in.
pub fn measured_month() -> Month {
    Month::parse("2026-03").expect("a month")
}

/// A day after the measured month, so its basis is final.
pub fn measured_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date")
}

/// The generated log of one company.
pub struct Generated {
    /// The company.
    pub company: CompanyId,
    /// Its events, in chunks of at most `chunk_rows`.
    pub chunks: Vec<Chunk>,
}

struct Writer {
    chunks: Vec<Chunk>,
    chunk_rows: usize,
    now: DateTime<Utc>,
}

impl Writer {
    fn record<A>(
        &mut self,
        id: &str,
        sequence: &mut i64,
        state: &mut A,
        events: Vec<A::Event>,
        actor: Actor,
    ) where
        A: Aggregate,
        A::Event: DomainEvent + Serialize,
    {
        let metadata =
            serde_json::to_string(&Metadata::new(actor, self.now).to_map()).expect("a string map");
        for event in events {
            if self
                .chunks
                .last()
                .is_none_or(|c| c.len() >= self.chunk_rows)
            {
                self.chunks.push(Chunk::default());
            }
            *sequence += 1;
            let chunk = self.chunks.last_mut().expect("a chunk");
            chunk.push(A::TYPE, id, *sequence, &event, &metadata);
            state.apply(event);
        }
    }
}

fn at(date: (i32, u32, u32)) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("a date");
    start_of_oslo_day(day) + Duration::hours(8)
}

/// The log of one company with `subscriptions` employees.
pub fn generate(subscriptions: usize, chunk_rows: usize) -> anyhow::Result<Generated> {
    let mut out = Writer {
        chunks: Vec::new(),
        chunk_rows,
        now: at((2026, 1, 5)),
    };
    let tariff = TariffEvent::TariffVersionPublished {
        version: agder::example_version(),
        published_by: Actor::System,
    };
    let mut tariff_state = Tariff::default();
    out.record(
        TARIFF_ID,
        &mut 0,
        &mut tariff_state,
        vec![tariff],
        Actor::System,
    );

    let company = CompanyId::new();
    let account = AccountId::new();
    let admin = Actor::Administrator { account };
    let company_key = company.to_string();
    let (mut state, mut sequence) = (Company::default(), 0);
    let commands = [
        fixtures::registration(0, company, account),
        CompanyCommand::SetOrderingPolicy {
            policy: OrderingPolicy::AutomaticApproval,
            by: admin.clone(),
        },
        CompanyCommand::ConfigureOrderForm {
            form: allocation_form(),
            by: admin.clone(),
        },
        CompanyCommand::SetPayrollSettings {
            pay_type_code: PayTypeCode::parse("5010").expect("a code"),
            department_field: Some(fixtures::text(DEPARTMENT)),
            cost_centre_field: Some(fixtures::text(COST_CENTRE)),
            by: admin.clone(),
        },
        CompanyCommand::SetEmployerContribution {
            contribution: EmployerContribution::Percent { percent: 50 },
            by: admin.clone(),
        },
    ];
    for command in commands {
        let events = state.decide(command, out.now)?;
        out.record(
            &company_key,
            &mut sequence,
            &mut state,
            events,
            admin.clone(),
        );
    }

    let zones = fixtures::zone_choices();
    let mut live: Vec<(String, Subscription, i64)> = Vec::with_capacity(subscriptions);
    for n in 0..subscriptions {
        out.now += Duration::seconds(10);
        let mut details = fixtures::order_details(
            company,
            n as u64 + 1,
            zones[n % zones.len()].clone(),
            TravellerCategory::ALL[n % TravellerCategory::ALL.len()],
        );
        details
            .extra_fields
            .insert(DEPARTMENT.to_owned(), format!("{}", 100 + n % 7));
        details
            .extra_fields
            .insert(COST_CENTRE.to_owned(), format!("{}", 4000 + n % 13));
        let command = SubscriptionCommand::Order {
            details,
            terms: CompanyTerms {
                policy: state.policy,
                form: allocation_form(),
            },
        };
        let (id, mut subscription, mut sequence) =
            (uuid::Uuid::new_v4().to_string(), Subscription::default(), 0);
        let events = subscription.decide(command, out.now)?;
        out.record(&id, &mut sequence, &mut subscription, events, admin.clone());
        live.push((id, subscription, sequence));
    }

    out.now = at((2026, 2, 10));
    for (n, (id, subscription, sequence)) in live.iter_mut().enumerate().filter(|(n, _)| n % 5 == 0)
    {
        out.now += Duration::seconds(10);
        let command = SubscriptionCommand::ChangeZones {
            zones: zones[(n + 1) % zones.len()].clone(),
            from: if n % 10 == 0 {
                ZoneChangeFrom::Immediately
            } else {
                ZoneChangeFrom::NextMonth
            },
            by: admin.clone(),
            policy: OrderingPolicy::AutomaticApproval,
        };
        let events = subscription.decide(command, out.now)?;
        out.record(id, sequence, subscription, events, admin.clone());
    }

    out.now = at((2026, 3, 10));
    for (id, subscription, sequence) in live.iter_mut().step_by(10) {
        out.now += Duration::seconds(10);
        let command = SubscriptionCommand::Cancel {
            at: CancelAt::EndOfMonth,
            by: admin.clone(),
        };
        let events = subscription.decide(command, out.now)?;
        out.record(id, sequence, subscription, events, admin.clone());
    }
    Ok(Generated {
        company,
        chunks: out.chunks,
    })
}
