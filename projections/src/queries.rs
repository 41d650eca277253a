//! Queries over the read models that need the domain: the payroll deduction basis and the
//! invoice basis, priced by the domain's billing function from the billing read model.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bedrift_domain::billing::{charge, BillingError, Charge};
use bedrift_domain::company::{ContributionHistory, EmployerContribution};
use bedrift_domain::subscription::Subscription;
use bedrift_domain::tariff::PriceList;
use bedrift_domain::values::{CompanyId, Money, Month, SubscriptionId};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::read_models::tariff::price_list;
use crate::ProjectionError;

/// One line of a payroll deduction basis: one subscription charged in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollLine {
    /// The subscription.
    pub subscription_id: SubscriptionId,
    /// Employee number, if known.
    pub employee_number: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E.164 phone.
    pub phone: String,
    /// The charge: zones, category, price, contribution, deduction.
    pub charge: Charge,
    /// The answers to the company's order form fields, by field label, as they stand now.
    pub answers: BTreeMap<String, String>,
}

/// Sums of a set of charges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Number of subscriptions charged.
    pub subscriptions: u64,
    /// Sum of prices.
    pub price: Money,
    /// Sum of employer contributions.
    pub employer_contribution: Money,
    /// Sum of deductions.
    pub deduction: Money,
}

impl Totals {
    fn add(&mut self, charge: &Charge) {
        self.subscriptions += 1;
        self.price = self.price + charge.price;
        self.employer_contribution = self.employer_contribution + charge.employer_contribution;
        self.deduction = self.deduction + charge.deduction;
    }
}

/// A company's payroll deduction basis for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollBasis {
    /// The company.
    pub company_id: CompanyId,
    /// The month.
    pub month: Month,
    /// Lines, by last name, first name, then subscription.
    pub lines: Vec<PayrollLine>,
    /// Sums of the lines.
    pub totals: Totals,
    /// The month has not ended: the basis may still change.
    pub preliminary: bool,
}

/// The invoice basis of one company for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// The company.
    pub company_id: CompanyId,
    /// Sums of its charges.
    pub totals: Totals,
}

/// The operator's invoice basis for a month: one line per company with charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceBasis {
    /// The month.
    pub month: Month,
    /// One line per company, by company id.
    pub companies: Vec<InvoiceLine>,
    /// Sums across companies.
    pub totals: Totals,
    /// The month has not ended.
    pub preliminary: bool,
}

/// The billing rows of one company (`$1`) that may be charged in a month (`$2` its first day,
/// `$3` its last): their ids, companies and versions, which an index holds, so no row is
/// visited (the fourth column is no state: those held need no reading). A statement of its
/// own, not one with `$1 IS NULL OR company_id = $1`: a prepared statement's generic plan
/// could then use no index on the company.
pub const CANDIDATES: &str =
    "SELECT subscription_id, company_id, version, NULL::text FROM billing_subscriptions
     WHERE approved AND company_id = $1
       AND valid_from <= $3 AND (end_date IS NULL OR end_date >= $2)";

/// [`CANDIDATES`] with each row's folded state as JSON text: for a basis that holds none yet.
pub const CANDIDATES_WITH_STATES: &str =
    "SELECT subscription_id, company_id, version, state::text FROM billing_subscriptions
     WHERE approved AND company_id = $1
       AND valid_from <= $3 AND (end_date IS NULL OR end_date >= $2)";

/// [`CANDIDATES`] of every company: `$1` the month's first day, `$2` its last.
const EVERY_COMPANYS_CANDIDATES: &str =
    "SELECT subscription_id, company_id, version, NULL::text FROM billing_subscriptions
     WHERE approved AND valid_from <= $2 AND (end_date IS NULL OR end_date >= $1)";

/// The folded states, as JSON text, and versions of the billing rows of `$1`.
const STATES: &str = "SELECT subscription_id, version, state::text FROM billing_subscriptions
     WHERE subscription_id = ANY($1)";

/// How many parsed states [`BillingStates`] holds at most, across all bases.
const HELD_STATES: usize = 100_000;

/// How long [`BillingStates`] holds the states of a basis nobody asked for again.
const HELD_FOR: Duration = Duration::from_secs(15 * 60);

/// The parsed billing states the last call of each basis (a company's, or every company's,
/// for a month) read, each with its row's version, so that the next call reads and parses only
/// the states that changed since. A basis of a large company is otherwise mostly the database
/// turning every state into text and this process parsing it again.
///
/// A row's version grows with every event applied to it, so a held state with the row's
/// version is the row's state. What is held is the last call's candidates only (a state that
/// left them goes with the next call), at most [`HELD_STATES`] in all, and a basis not asked for
/// in [`HELD_FOR`] is forgotten within a minute: an erased holder's state (whose row's version
/// moved on) does not stay in memory much longer than that.
#[derive(Debug, Default)]
pub struct BillingStates {
    bases: Arc<Mutex<Bases>>,
    /// Whether the task that forgets unused bases runs (started with the first basis held).
    sweeping: std::sync::OnceLock<()>,
}

/// The states held, per basis.
type Bases = HashMap<(Option<Uuid>, Month), Held>;

/// Parsed states by subscription, each with its row's version.
type States = HashMap<Uuid, (i64, Arc<Subscription>)>;

/// The states one basis's last call read.
#[derive(Debug)]
struct Held {
    used: Instant,
    states: Arc<States>,
}

impl BillingStates {
    /// The states held for basis `key` (shared: calls of the same basis at the same time
    /// each start from them).
    fn get(&self, key: (Option<Uuid>, Month)) -> Arc<States> {
        let bases = self.bases.lock().unwrap_or_else(PoisonError::into_inner);
        bases
            .get(&key)
            .map(|held| held.states.clone())
            .unwrap_or_default()
    }

    /// Holds `states` as basis `key`'s, forgetting the least recently used bases beyond
    /// [`HELD_STATES`].
    fn keep(&self, key: (Option<Uuid>, Month), states: States) {
        self.start_sweeping();
        let mut bases = self.bases.lock().unwrap_or_else(PoisonError::into_inner);
        bases.remove(&key);
        if states.len() > HELD_STATES {
            return;
        }
        let mut total = states.len();
        total += bases.values().map(|held| held.states.len()).sum::<usize>();
        while total > HELD_STATES {
            let oldest = bases.iter().min_by_key(|(_, held)| held.used);
            let Some(oldest) = oldest.map(|(key, _)| *key) else {
                break;
            };
            total -= bases.remove(&oldest).map_or(0, |held| held.states.len());
        }
        let used = Instant::now();
        let states = Arc::new(states);
        bases.insert(key, Held { used, states });
    }

    /// Starts, once, a task that forgets unused bases every minute, so that they go even when
    /// no basis is asked for again; it ends with these states.
    fn start_sweeping(&self) {
        self.sweeping.get_or_init(|| {
            let bases = Arc::downgrade(&self.bases);
            tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_secs(60));
                loop {
                    every.tick().await;
                    let Some(bases) = bases.upgrade() else {
                        return;
                    };
                    let mut bases = bases.lock().unwrap_or_else(PoisonError::into_inner);
                    bases.retain(|_, held| held.used.elapsed() < HELD_FOR);
                }
            });
        });
    }
}

/// Subscriptions that may be charged in `month` (approved, valid on a day of it), with their
/// company and folded state, read through `held`.
async fn candidates(
    pool: &PgPool,
    held: &BillingStates,
    company: Option<CompanyId>,
    month: Month,
) -> Result<Vec<(Uuid, Uuid, Arc<Subscription>)>, ProjectionError> {
    let key = (company.map(|c| c.as_uuid()), month);
    let known = held.get(key);
    let query = match company {
        // Holding nothing yet, the basis reads every state with its row, in one statement.
        Some(company) if known.is_empty() => {
            sqlx::query_as(CANDIDATES_WITH_STATES).bind(company.as_uuid())
        }
        Some(company) => sqlx::query_as(CANDIDATES).bind(company.as_uuid()),
        None => sqlx::query_as(EVERY_COMPANYS_CANDIDATES),
    };
    let rows: Vec<(Uuid, Uuid, i64, Option<String>)> = query
        .bind(month.first_day())
        .bind(month.last_day())
        .fetch_all(pool)
        .await?;
    // The states read with the rows, and those not held at the row's version, read by the
    // primary key. A row may have moved on since: its newer state is as good (the charge is
    // the domain's decision on the state).
    let mut texts: Vec<(Uuid, i64, String)> = Vec::new();
    let mut missing: Vec<Uuid> = Vec::new();
    let mut found: Vec<(Uuid, Uuid, i64)> = Vec::with_capacity(rows.len());
    for (id, company, version, text) in rows {
        match text {
            Some(text) => texts.push((id, version, text)),
            None if known.get(&id).is_none_or(|(held, _)| *held != version) => missing.push(id),
            None => {}
        }
        found.push((id, company, version));
    }
    if !missing.is_empty() {
        let read: Vec<(Uuid, i64, String)> = sqlx::query_as(STATES)
            .bind(&missing)
            .fetch_all(pool)
            .await?;
        texts.extend(read);
    }
    let mut fresh: HashMap<Uuid, (i64, Arc<Subscription>)> = HashMap::with_capacity(texts.len());
    for (id, version, text) in texts {
        // Parsed straight from text, without a `serde_json::Value` in between: the parse is
        // most of a large company's first basis (`bedrift bench exports`).
        let state = serde_json::from_str::<Subscription>(&text)
            .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        fresh.insert(id, (version, Arc::new(state)));
    }
    let mut read = HashMap::with_capacity(found.len());
    let mut candidates = Vec::with_capacity(found.len());
    for (id, company, version) in found {
        let (version, state) = match (fresh.remove(&id), known.get(&id)) {
            (Some(fresh), _) => fresh,
            (None, Some((held, state))) if *held == version => (version, state.clone()),
            _ => {
                return Err(ProjectionError::Corrupt(format!(
                    "billing state {id} version {version} is neither read nor held"
                )))
            }
        };
        read.insert(id, (version, state.clone()));
        candidates.push((id, company, state));
    }
    held.keep(key, read);
    Ok(candidates)
}

/// Every company's contribution settings (or one company's), in the order they were set.
async fn contributions(
    pool: &PgPool,
    company: Option<CompanyId>,
) -> Result<BTreeMap<Uuid, ContributionHistory>, ProjectionError> {
    type Row = (Uuid, DateTime<Utc>, String, Option<i16>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT company_id, set_at, kind, percent, amount_ore FROM billing_contributions
         WHERE $1::uuid IS NULL OR company_id = $1 ORDER BY company_id, position",
    )
    .bind(company.map(|c| c.as_uuid()))
    .fetch_all(pool)
    .await?;
    let mut histories: BTreeMap<Uuid, ContributionHistory> = BTreeMap::new();
    for (company, set_at, kind, percent, amount) in rows {
        let contribution = match (kind.as_str(), percent, amount) {
            ("NONE", _, _) => EmployerContribution::None,
            ("PERCENT", Some(p), _) => EmployerContribution::Percent {
                percent: u8::try_from(p).map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
            },
            ("FIXED", _, Some(ore)) => EmployerContribution::Fixed {
                amount: Money::from_ore(ore)
                    .map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
            },
            _ => {
                return Err(ProjectionError::Corrupt(format!(
                    "contribution kind {kind}"
                )))
            }
        };
        histories
            .entry(company)
            .or_default()
            .record(set_at, contribution);
    }
    Ok(histories)
}

/// Prices every candidate of `month`: (subscription id, company id, state, charge).
async fn charges(
    pool: &PgPool,
    held: &BillingStates,
    company: Option<CompanyId>,
    month: Month,
) -> Result<Vec<(Uuid, Uuid, Arc<Subscription>, Charge)>, ProjectionError> {
    let prices = async {
        let mut conn = pool.acquire().await?;
        price_list(&mut conn).await
    };
    let (prices, candidates, contributions): (PriceList, _, _) = tokio::try_join!(
        prices,
        candidates(pool, held, company, month),
        contributions(pool, company)
    )?;
    let none = ContributionHistory::default();
    let mut charged = Vec::with_capacity(candidates.len());
    for (id, company, state) in candidates {
        let history = contributions.get(&company).unwrap_or(&none);
        if let Some(charge) = charge(&state, month, &prices, history)? {
            charged.push((id, company, state, charge));
        }
    }
    Ok(charged)
}

/// A company's payroll deduction basis for `month`, as of `today` (which decides whether it
/// is preliminary).
pub async fn payroll_basis(
    pool: &PgPool,
    held: &BillingStates,
    company: CompanyId,
    month: Month,
    today: NaiveDate,
) -> Result<PayrollBasis, ProjectionError> {
    let mut totals = Totals::default();
    let mut lines: Vec<PayrollLine> = Vec::new();
    for (id, _, state, charge) in charges(pool, held, Some(company), month).await? {
        // `charge` refuses a subscription that was never ordered, so every charged one is.
        let ordered = state.ordered().ok_or(BillingError::NotOrdered)?;
        totals.add(&charge);
        let details = &ordered.details;
        lines.push(PayrollLine {
            subscription_id: SubscriptionId::from_uuid(id),
            employee_number: details.employee_number.as_ref().map(|n| n.to_string()),
            first_name: details.first_name.to_string(),
            last_name: details.last_name.to_string(),
            phone: details.phone.to_string(),
            charge,
            answers: details.extra_fields.clone(),
        });
    }
    lines.sort_by(|a, b| {
        (&a.last_name, &a.first_name, a.subscription_id).cmp(&(
            &b.last_name,
            &b.first_name,
            b.subscription_id,
        ))
    });
    Ok(PayrollBasis {
        company_id: company,
        month,
        lines,
        totals,
        preliminary: month.last_day() >= today,
    })
}

/// The invoice basis of `month` across all companies (or one), as of `today`.
pub async fn invoice_basis(
    pool: &PgPool,
    held: &BillingStates,
    company: Option<CompanyId>,
    month: Month,
    today: NaiveDate,
) -> Result<InvoiceBasis, ProjectionError> {
    let mut per_company: BTreeMap<Uuid, Totals> = BTreeMap::new();
    let mut totals = Totals::default();
    for (_, company, _, charge) in charges(pool, held, company, month).await? {
        per_company.entry(company).or_default().add(&charge);
        totals.add(&charge);
    }
    Ok(InvoiceBasis {
        month,
        companies: per_company
            .into_iter()
            .map(|(company, totals)| InvoiceLine {
                company_id: CompanyId::from_uuid(company),
                totals,
            })
            .collect(),
        totals,
        preliminary: month.last_day() >= today,
    })
}
