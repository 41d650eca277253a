//! The mix: each client acts for one company (its administrator) and for the employees it owns,
//! and picks its next request by weight from what makes sense in the state it knows of: orders
//! by employees without a live ticket, creations by the administrator, approvals and rejections
//! of its pending orders, zone changes and cancellations of its approved tickets, new employees
//! logging in, and the administrator's queries. Every success of a mutation is kept as
//! [`Acknowledged`], so a crash test can check that the service did not forget it.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::sync::{watch, Mutex};

use crate::client::{Answer, Client};
use crate::messages::{code, last_message};
use crate::stats::{Live, Operation, Recorder};
use crate::world::{text, Company, Employee, World, REQUEST_CODE, VERIFY_PHONE};

/// How to drive the load.
#[derive(Debug, Clone, Copy)]
pub struct MixSettings {
    /// How long.
    pub duration: Duration,
    /// At most this many requests per second in total, or as fast as the server answers.
    pub rate: Option<f64>,
}

/// A mutation the server answered with success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    /// Which.
    pub operation: Operation,
    /// The subscription it acted on (for the event-appending ones).
    pub subscription: Option<String>,
    /// The phone a code was sent to (for `requestVerificationCode`).
    pub phone: Option<String>,
}

/// What the clients did.
#[derive(Debug, Default)]
pub struct MixOutcome {
    /// Requests by operation.
    pub recorder: Recorder,
    /// Successful mutations.
    pub acknowledged: Vec<Acknowledged>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
}

/// Runs one client per entry of `world.employees` for `settings.duration` (or until `stop`
/// completes), reading SMS codes from `pool`, counting into `live`.
pub async fn run(
    world: &World,
    pool: &PgPool,
    settings: MixSettings,
    live: Arc<Live>,
    stop: impl Future<Output = ()> + Send,
) -> MixOutcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + settings.duration;
    let (stopping, stopped) = watch::channel(false);
    let pace = settings.rate.map(|rate| Arc::new(Pace::new(rate)));
    let month = next_month();
    let tasks: Vec<_> = world
        .employees
        .iter()
        .enumerate()
        .map(|(n, employees)| {
            let mut state = ClientState {
                client: Client::new(world.server, n),
                company: world.company_of(n).clone(),
                pool: pool.clone(),
                phones: world.phones.clone(),
                employees: employees.clone(),
                live_ticket: vec![None; employees.len()],
                pending: Vec::new(),
                approved: Vec::new(),
                random: Random::new(n as u64 + 1),
                recorder: Recorder::default(),
                acknowledged: Vec::new(),
                counters: live.clone(),
                month: month.clone(),
            };
            let pace = pace.clone();
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                loop {
                    if *stopped.borrow() || tokio::time::Instant::now() >= deadline {
                        break;
                    }
                    if let Some(pace) = &pace {
                        pace.wait().await;
                    }
                    tokio::select! {
                        () = state.step() => {}
                        _ = stopped.wait_for(|s| *s) => break,
                        () = tokio::time::sleep_until(deadline) => break,
                    }
                }
                (state.recorder, state.acknowledged)
            })
        })
        .collect();
    let collected = async {
        let mut outcome = MixOutcome::default();
        for task in tasks {
            if let Ok((recorder, acknowledged)) = task.await {
                outcome.recorder.merge(recorder);
                outcome.acknowledged.extend(acknowledged);
            }
        }
        outcome
    };
    tokio::pin!(stop, collected);
    let mut outcome = tokio::select! {
        outcome = &mut collected => outcome,
        () = &mut stop => {
            stopping.send_replace(true);
            collected.await
        }
    };
    outcome.elapsed = started.elapsed();
    outcome
}

/// The month after the current one, e.g. `2026-12`.
fn next_month() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let (year, month) = if today.month() == 12 {
        (today.year() + 1, 1)
    } else {
        (today.year(), today.month() + 1)
    };
    format!("{year}-{month:02}")
}

/// Spaces requests of all clients evenly at a total rate.
#[derive(Debug)]
struct Pace {
    interval: Duration,
    next: Mutex<tokio::time::Instant>,
}

impl Pace {
    fn new(rate: f64) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / rate.max(0.001)),
            next: Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(tokio::time::Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// A small xorshift generator: the mix needs variety, not statistical quality.
#[derive(Debug)]
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The weights of the mix, in percent.
const WEIGHTS: [(Operation, usize); 10] = [
    (Operation::OrderSubscription, 14),
    (Operation::CreateSubscription, 10),
    (Operation::ApproveSubscription, 12),
    (Operation::RejectSubscription, 3),
    (Operation::ChangeZones, 8),
    (Operation::CancelSubscription, 8),
    (Operation::RequestVerificationCode, 2),
    (Operation::ApprovalQueue, 16),
    (Operation::Tickets, 23),
    (Operation::PayrollDeductionBasis, 4),
];

const ZONES: [&str; 8] = [
    "kristiansand",
    "arendal",
    "grimstad",
    "lillesand",
    "vennesla",
    "farsund",
    "lindesnes",
    "risor",
];

const LAST_NAMES: [&str; 6] = ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen"];

const SUBSCRIPTION: &str = "id status orderStatus";

/// A ticket the client knows of.
#[derive(Debug, Clone)]
struct Known {
    id: String,
    /// Which of the client's employees holds it (none: created for another phone).
    employee: Option<usize>,
    /// Its zone, an index into [`ZONES`]: a change to the same zone appends nothing.
    zone: usize,
}

struct ClientState {
    client: Client,
    company: Company,
    pool: PgPool,
    phones: crate::world::Phones,
    employees: Vec<Employee>,
    /// Per employee: the subscription that blocks a new order (R5), if any.
    live_ticket: Vec<Option<String>>,
    pending: Vec<Known>,
    approved: Vec<Known>,
    random: Random,
    recorder: Recorder,
    acknowledged: Vec<Acknowledged>,
    counters: Arc<Live>,
    month: String,
}

impl ClientState {
    /// Picks and sends the next request.
    async fn step(&mut self) {
        let mut pick = self.random.below(100);
        let mut operation = Operation::Tickets;
        for (candidate, weight) in WEIGHTS {
            if pick < weight {
                operation = candidate;
                break;
            }
            pick -= weight;
        }
        match operation {
            Operation::OrderSubscription => self.order().await,
            Operation::ApproveSubscription | Operation::RejectSubscription
                if self.pending.is_empty() =>
            {
                self.order().await;
            }
            Operation::ApproveSubscription => self.decide(true).await,
            Operation::RejectSubscription => self.decide(false).await,
            Operation::ChangeZones | Operation::CancelSubscription if self.approved.is_empty() => {
                self.create().await;
            }
            Operation::ChangeZones => self.change_zones().await,
            Operation::CancelSubscription => self.cancel().await,
            Operation::RequestVerificationCode => self.new_employee().await,
            Operation::ApprovalQueue => self.approval_queue().await,
            Operation::PayrollDeductionBasis => self.payroll().await,
            Operation::Tickets => self.tickets().await,
            _ => self.create().await,
        }
    }

    /// Sends one request and records it; `Some(data)` on success.
    async fn send(
        &mut self,
        operation: Operation,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Option<Value> {
        let started = Instant::now();
        let answer = self.client.graphql(token, query, variables).await;
        let error = answer.error_code();
        self.recorder.record(operation, started.elapsed(), error);
        self.counters.count(operation, error.is_some());
        match answer {
            Answer::Data(data) => Some(data),
            Answer::Refused(_) => None,
            Answer::Failed(_) => {
                // The server is gone or overloaded: do not spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                None
            }
        }
    }

    fn acknowledge(&mut self, operation: Operation, subscription: &str) {
        self.acknowledged.push(Acknowledged {
            operation,
            subscription: Some(subscription.to_owned()),
            phone: None,
        });
    }

    /// An order of a random zone, and the zone.
    fn order_input(&mut self) -> (Value, usize) {
        let zone = self.random.below(ZONES.len());
        let last = LAST_NAMES[self.random.below(LAST_NAMES.len())];
        let input = json!({ "firstName": "Last", "lastName": last, "zones": [ZONES[zone]], "category": "ADULT" });
        (input, zone)
    }

    /// An employee without a live ticket orders; without one, the administrator creates.
    async fn order(&mut self) {
        let free: Vec<usize> = (0..self.employees.len())
            .filter(|n| self.live_ticket[*n].is_none())
            .collect();
        if free.is_empty() {
            return self.create().await;
        }
        let employee = free[self.random.below(free.len())];
        let token = self.employees[employee].token.clone();
        let (input, zone) = self.order_input();
        let query = format!(
            "mutation($input: OrderInput!) {{ orderSubscription(input: $input) {{ {SUBSCRIPTION} }} }}"
        );
        let data = self
            .send(
                Operation::OrderSubscription,
                Some(&token),
                &query,
                json!({ "input": input }),
            )
            .await;
        if let Some(id) = data.and_then(|d| text(&d["orderSubscription"]["id"]).ok()) {
            self.acknowledge(Operation::OrderSubscription, &id);
            self.live_ticket[employee] = Some(id.clone());
            let known = Known {
                id,
                employee: Some(employee),
                zone,
            };
            if self.company.needs_approval {
                self.pending.push(known);
            } else {
                self.approved.push(known);
            }
        }
    }

    /// The administrator creates an approved ticket for a new phone.
    async fn create(&mut self) {
        let phone = self.phones.next();
        let (input, zone) = self.order_input();
        let query = format!(
            "mutation($c: ID!, $p: String!, $input: OrderInput!) {{
               createSubscription(companyId: $c, phone: $p, input: $input) {{ {SUBSCRIPTION} }} }}"
        );
        let admin = self.company.admin.clone();
        let variables = json!({ "c": self.company.id, "p": phone, "input": input });
        let data = self
            .send(
                Operation::CreateSubscription,
                Some(&admin),
                &query,
                variables,
            )
            .await;
        if let Some(id) = data.and_then(|d| text(&d["createSubscription"]["id"]).ok()) {
            self.acknowledge(Operation::CreateSubscription, &id);
            self.approved.push(Known {
                id,
                employee: None,
                zone,
            });
        }
    }

    /// The administrator approves or rejects the oldest pending order it knows of.
    async fn decide(&mut self, approve: bool) {
        let known = self.pending.remove(0);
        let (operation, name, arguments) = if approve {
            (Operation::ApproveSubscription, "approveSubscription", "")
        } else {
            (
                Operation::RejectSubscription,
                "rejectSubscription",
                ", reason: \"Ikke ansatt her lenger\"",
            )
        };
        let query =
            format!("mutation($id: ID!) {{ {name}(id: $id{arguments}) {{ {SUBSCRIPTION} }} }}");
        let admin = self.company.admin.clone();
        if self
            .send(operation, Some(&admin), &query, json!({ "id": known.id }))
            .await
            .is_some()
        {
            self.acknowledge(operation, &known.id);
            if approve {
                self.approved.push(known);
            } else if let Some(employee) = known.employee {
                self.live_ticket[employee] = None;
            }
        }
    }

    /// The administrator moves a ticket to another zone from next month.
    async fn change_zones(&mut self) {
        let which = self.random.below(self.approved.len());
        let id = self.approved[which].id.clone();
        let zone =
            (self.approved[which].zone + 1 + self.random.below(ZONES.len() - 1)) % ZONES.len();
        let query = format!(
            "mutation($id: ID!, $z: [String!]!) {{ changeZones(id: $id, zones: $z) {{ {SUBSCRIPTION} }} }}"
        );
        let admin = self.company.admin.clone();
        if self
            .send(
                Operation::ChangeZones,
                Some(&admin),
                &query,
                json!({ "id": id, "z": [ZONES[zone]] }),
            )
            .await
            .is_some()
        {
            self.acknowledge(Operation::ChangeZones, &id);
            self.approved[which].zone = zone;
        }
    }

    /// The employee (half of the time, for their own ticket) or the administrator cancels.
    async fn cancel(&mut self) {
        let Known { id, employee, .. } = self
            .approved
            .swap_remove(self.random.below(self.approved.len()));
        let by_employee = employee.filter(|_| self.random.below(2) == 0);
        let (token, at) = match by_employee {
            Some(employee) => (self.employees[employee].token.clone(), "END_OF_MONTH"),
            None if self.random.below(2) == 0 => (self.company.admin.clone(), "IMMEDIATELY"),
            None => (self.company.admin.clone(), "END_OF_MONTH"),
        };
        let query = format!(
            "mutation($id: ID!) {{ cancelSubscription(id: $id, at: {at}) {{ {SUBSCRIPTION} }} }}"
        );
        if self
            .send(
                Operation::CancelSubscription,
                Some(&token),
                &query,
                json!({ "id": id }),
            )
            .await
            .is_some()
        {
            self.acknowledge(Operation::CancelSubscription, &id);
            if let Some(employee) = employee {
                self.live_ticket[employee] = None;
            }
        }
    }

    /// A new employee opens the order link and logs in with the SMS code.
    async fn new_employee(&mut self) {
        let phone = self.phones.next();
        let link = self.company.link.clone();
        let sent = self
            .send(
                Operation::RequestVerificationCode,
                None,
                REQUEST_CODE,
                json!({ "l": link, "p": phone }),
            )
            .await;
        if sent.is_none() {
            return;
        }
        self.acknowledged.push(Acknowledged {
            operation: Operation::RequestVerificationCode,
            subscription: None,
            phone: Some(phone.clone()),
        });
        let Some(code) = last_message(&self.pool, &phone)
            .await
            .ok()
            .and_then(|sms| code(&sms))
        else {
            return;
        };
        let data = self
            .send(
                Operation::VerifyPhone,
                None,
                VERIFY_PHONE,
                json!({ "l": link, "p": phone, "c": code }),
            )
            .await;
        if let Some(token) = data.and_then(|d| text(&d["verifyPhone"]["token"]).ok()) {
            self.employees.push(Employee { phone, token });
            self.live_ticket.push(None);
        }
    }

    async fn approval_queue(&mut self) {
        let query = "query($c: ID!) { company(id: $c) { approvalQueue(first: 20) { edges { node { id firstName lastName zones orderedAt } } } } }";
        let admin = self.company.admin.clone();
        let variables = json!({ "c": self.company.id });
        self.send(Operation::ApprovalQueue, Some(&admin), query, variables)
            .await;
    }

    async fn tickets(&mut self) {
        let search =
            (self.random.below(3) == 0).then(|| LAST_NAMES[self.random.below(LAST_NAMES.len())]);
        let query = "query($c: ID!, $s: String) { company(id: $c) { tickets(first: 20, search: $s) { edges { node { id status firstName lastName zones } } } } }";
        let admin = self.company.admin.clone();
        let variables = json!({ "c": self.company.id, "s": search });
        self.send(Operation::Tickets, Some(&admin), query, variables)
            .await;
    }

    async fn payroll(&mut self) {
        let query = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) { preliminary totals { subscriptions price deduction } } } }";
        let admin = self.company.admin.clone();
        let variables = json!({ "c": self.company.id, "m": self.month });
        self.send(
            Operation::PayrollDeductionBasis,
            Some(&admin),
            query,
            variables,
        )
        .await;
    }
}
