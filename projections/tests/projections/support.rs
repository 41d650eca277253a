//! A small world to drive: executors for every aggregate over one test database, a clock the
//! test moves, and random commands from many concurrent writers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bedrift_domain::clock::{start_of_oslo_day, Clock, FixedClock};
use bedrift_domain::company::{
    Administrator, Company, CompanyCommand, CompanyServices, EmployerContribution, OrderForm,
    OrderingPolicy,
};
use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::subscription::{
    CancelAt, CompanyTerms, EmployeeDetails, OrderDetails, Subscription, SubscriptionCommand,
    SubscriptionServices, ZoneChangeFrom,
};
use bedrift_domain::tariff::{agder, Tariff, TariffCommand, TariffServices, TARIFF_ID};
use bedrift_domain::upcasting::upcasters;
use bedrift_domain::values::{
    AccountId, BoundedText, CompanyId, EmailAddress, EmployeeNumber, Money, OrderLinkToken,
    OrgNumber, PersonName, PhoneNumber, SubscriptionId, TravellerCategory, ZoneSelection,
};
use bedrift_projections::{apply_next_batch, projected_position, ReadModel};
pub use bedrift_store::testing::Rng;
use bedrift_store::{head_position, CommandExecutor, PgPool};
use chrono::NaiveDate;

/// Executors, clock and what has been created so far.
pub struct World {
    pub clock: FixedClock,
    pub companies: CommandExecutor<Company>,
    pub subscriptions: CommandExecutor<Subscription>,
    pub tariff: CommandExecutor<Tariff>,
    pub known: Mutex<Known>,
}

/// Companies and subscriptions created so far.
#[derive(Default)]
pub struct Known {
    pub companies: Vec<CompanyId>,
    pub subscriptions: Vec<(CompanyId, SubscriptionId)>,
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub fn system() -> Metadata {
    Metadata::new(Actor::System, chrono::Utc::now())
}

pub fn admin() -> Actor {
    Actor::Administrator {
        account: AccountId::from_uuid(uuid::Uuid::from_u128(1)),
    }
}

const ZONES: [&[&str]; 5] = [
    &["kristiansand"],
    &["arendal"],
    &["kristiansand", "vennesla"],
    &["grimstad", "arendal"],
    &[],
];

pub fn zones(choice: usize) -> ZoneSelection {
    let codes = ZONES[choice % ZONES.len()];
    ZoneSelection::parse(codes, codes.is_empty(), &agder::example_version().zone_map).unwrap()
}

impl World {
    /// A world over `pool` on `today`, with the example tariff installed.
    pub async fn new(pool: PgPool, today: &str) -> Arc<Self> {
        let clock = FixedClock::on(date(today));
        let shared: Arc<dyn Clock> = Arc::new(clock.clone());
        let world = Arc::new(Self {
            companies: CommandExecutor::new(
                pool.clone(),
                CompanyServices {
                    clock: shared.clone(),
                },
                upcasters(),
            ),
            subscriptions: CommandExecutor::new(
                pool.clone(),
                SubscriptionServices {
                    clock: shared.clone(),
                },
                upcasters(),
            ),
            tariff: CommandExecutor::new(
                pool.clone(),
                TariffServices { clock: shared },
                upcasters(),
            ),
            clock,
            known: Mutex::new(Known::default()),
        });
        let installed = world
            .tariff
            .execute(
                TARIFF_ID,
                TariffCommand::Install {
                    version: agder::example_version(),
                },
                &system(),
            )
            .await;
        match installed {
            Ok(_)
            | Err(bedrift_store::StoreError::Domain(
                bedrift_domain::tariff::TariffError::AlreadyInstalled,
            )) => {}
            Err(error) => panic!("the tariff does not install: {error}"),
        }
        world
    }

    /// Moves the clock to 09:00 in Oslo on `day`.
    pub fn set_day(&self, day: NaiveDate) {
        self.clock
            .set(start_of_oslo_day(day) + chrono::Duration::hours(9));
    }

    /// Registers a company with `policy` and a contribution.
    pub async fn register_company(&self, n: usize, policy: OrderingPolicy) -> CompanyId {
        let id = CompanyId::new();
        // One organisation number per company (R17): the first valid one from a base of n's.
        let org_number = (10_000_000 + n as u64 * 7..)
            .flat_map(|base| (0..10).map(move |check| format!("{base}{check}")))
            .find_map(|candidate| OrgNumber::parse(&candidate).ok())
            .unwrap();
        let command = CompanyCommand::Register {
            org_number,
            name: BoundedText::parse(&format!("Bedrift {n} AS"), "a name", 1, 200).unwrap(),
            invoice_email: EmailAddress::parse(&format!("faktura{n}@eksempel.no")).unwrap(),
            contact: Administrator {
                account: AccountId::new(),
                email: EmailAddress::parse(&format!("admin{n}@eksempel.no")).unwrap(),
                name: BoundedText::parse("Kari Admin", "a name", 1, 200).unwrap(),
            },
            order_link: OrderLinkToken::parse(&format!("link-{}", uuid::Uuid::new_v4().simple()))
                .unwrap(),
            by: Actor::System,
        };
        self.companies
            .execute(&id.to_string(), command, &system())
            .await
            .expect("registers");
        self.companies
            .execute(
                &id.to_string(),
                CompanyCommand::SetOrderingPolicy {
                    policy,
                    by: Actor::System,
                },
                &system(),
            )
            .await
            .expect("sets the policy");
        self.known.lock().unwrap().companies.push(id);
        id
    }

    fn details(company: CompanyId, phone: usize, zone: usize) -> OrderDetails {
        OrderDetails {
            company,
            phone: PhoneNumber::parse(&format!("9{:07}", phone)).unwrap(),
            first_name: PersonName::parse(["Kari", "Ola", "Åse", "Nguyễn", "Per"][phone % 5])
                .unwrap(),
            last_name: PersonName::parse(["Nordmann", "Hansen", "Berg-Olsen"][phone % 3]).unwrap(),
            employee_number: Some(EmployeeNumber::parse(&format!("E{phone}")).unwrap()),
            extra_fields: BTreeMap::new(),
            zones: zones(zone),
            category: TravellerCategory::ALL[phone % TravellerCategory::ALL.len()],
            language: bedrift_domain::values::Language::Bokmal,
        }
    }

    /// An employee order; `None` when refused.
    pub async fn order(
        &self,
        company: CompanyId,
        phone: usize,
        zone: usize,
        policy: OrderingPolicy,
    ) -> Option<SubscriptionId> {
        let id = SubscriptionId::new();
        let command = SubscriptionCommand::Order {
            details: Self::details(company, phone, zone),
            terms: CompanyTerms {
                policy,
                form: OrderForm::standard(),
            },
        };
        self.subscriptions
            .execute(&id.to_string(), command, &system())
            .await
            .ok()?;
        self.known.lock().unwrap().subscriptions.push((company, id));
        Some(id)
    }

    /// One random command by a random writer: orders, decisions, zone changes, cancellations,
    /// resumptions, withdrawals, contribution changes. Refusals and conflicts are part of life.
    pub async fn random_command(&self, rng: &mut Rng) {
        let (companies, subscriptions) = {
            let known = self.known.lock().unwrap();
            (known.companies.clone(), known.subscriptions.clone())
        };
        let company = companies[rng.below(companies.len())];
        if subscriptions.is_empty() || rng.chance(30) {
            let policy = if rng.chance(20) {
                OrderingPolicy::AutomaticApproval
            } else {
                OrderingPolicy::ApprovalRequired
            };
            self.order(company, rng.below(10_000), rng.below(5), policy)
                .await;
            return;
        }
        if rng.chance(3) {
            let contribution = match rng.below(3) {
                0 => EmployerContribution::None,
                1 => EmployerContribution::Percent {
                    percent: rng.below(101) as u8,
                },
                _ => EmployerContribution::Fixed {
                    amount: Money::from_ore(rng.below(150_000) as i64).unwrap(),
                },
            };
            let _ = self
                .companies
                .execute(
                    &company.to_string(),
                    CompanyCommand::SetEmployerContribution {
                        contribution,
                        by: admin(),
                    },
                    &system(),
                )
                .await;
            return;
        }
        let (company, subscription) = subscriptions[rng.below(subscriptions.len())];
        let command = match rng.below(11) {
            0..=2 => SubscriptionCommand::Approve { by: admin() },
            3 => SubscriptionCommand::Reject {
                reason: BoundedText::parse("Ikke ansatt", "the reason", 1, 500).unwrap(),
                by: admin(),
            },
            4 => SubscriptionCommand::ChangeZones {
                zones: zones(rng.below(5)),
                from: if rng.chance(50) {
                    ZoneChangeFrom::Immediately
                } else {
                    ZoneChangeFrom::NextMonth
                },
                by: admin(),
                policy: OrderingPolicy::ApprovalRequired,
            },
            // R8: a holder's change under APPROVAL_REQUIRED, a request in the queue.
            9 => SubscriptionCommand::ChangeZones {
                zones: zones(rng.below(5)),
                from: ZoneChangeFrom::NextMonth,
                by: Actor::Employee {
                    phone: PhoneNumber::parse("91234567").unwrap(),
                    company,
                },
                policy: OrderingPolicy::ApprovalRequired,
            },
            // R18: corrected names and employee number.
            10 => SubscriptionCommand::UpdateEmployeeDetails {
                details: EmployeeDetails {
                    first_name: PersonName::parse(["Kari", "Per", "Åse"][rng.below(3)]).unwrap(),
                    last_name: PersonName::parse("Rettet").unwrap(),
                    employee_number: rng
                        .chance(50)
                        .then(|| EmployeeNumber::parse(&format!("E{}", rng.below(100))).unwrap()),
                    extra_fields: BTreeMap::new(),
                },
                form: OrderForm::standard(),
                by: admin(),
            },
            5 => SubscriptionCommand::Cancel {
                at: if rng.chance(50) {
                    CancelAt::Immediately
                } else {
                    CancelAt::EndOfMonth
                },
                by: admin(),
            },
            6 => SubscriptionCommand::Resume { by: admin() },
            7 => SubscriptionCommand::WithdrawOrder { by: admin() },
            _ => SubscriptionCommand::ChangeZones {
                zones: zones(rng.below(5)),
                from: ZoneChangeFrom::NextMonth,
                by: admin(),
                policy: OrderingPolicy::ApprovalRequired,
            },
        };
        let _ = self
            .subscriptions
            .execute(&subscription.to_string(), command, &system())
            .await;
    }
}

/// Applies batches until every read model has passed the log's head.
pub async fn project_all(pool: &PgPool, batch: i64) {
    let head = head_position(pool).await.unwrap().unwrap_or_default();
    for _ in 0..100_000 {
        if projected_position(pool).await.unwrap() >= head {
            return;
        }
        apply_next_batch(pool, &ReadModel::ALL, batch)
            .await
            .unwrap();
    }
    panic!("the projector did not reach {head}");
}

/// Applies the next batch, retrying while the safe horizon is held back by transactions that
/// other tests on the same server have open: returns the first batch that applies anything,
/// or the first error.
pub async fn next_batch(
    pool: &PgPool,
    limit: i64,
) -> Result<(usize, bedrift_projections::LogPosition), bedrift_projections::ProjectionError> {
    for _ in 0..2_000 {
        let outcome = apply_next_batch(pool, &ReadModel::ALL, limit).await;
        if !matches!(outcome, Ok((0, _))) {
            return outcome;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no batch could be applied within 10 s");
}

/// Waits until every read model has passed the head (a projector runs elsewhere).
pub async fn wait_until_projected(pool: &PgPool) {
    let head = head_position(pool).await.unwrap().unwrap_or_default();
    bedrift_projections::wait_for_position(pool, None, head, Duration::from_secs(30))
        .await
        .expect("the projector catches up");
}

/// Rows that differ between each live read model and a rebuild from scratch.
pub async fn differences_from_rebuild(pool: &PgPool) -> BTreeMap<&'static str, i64> {
    bedrift_projections::rebuild::compare_with_rebuild(pool, &ReadModel::ALL)
        .await
        .unwrap()
}

/// Every model at zero differences.
pub fn no_differences() -> BTreeMap<&'static str, i64> {
    ReadModel::ALL.iter().map(|m| (m.name(), 0)).collect()
}
