//! The people the load acts for, set up through the API as a real installation would be: an
//! operator (created in the database, as `bedrift operator create` does), companies registered
//! by the operator, their contact persons accepting the invitation from the outbox, and
//! employees logged in through the order link with the SMS code from the outbox.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bedrift_api::auth::{create_operator, HashCost};
use bedrift_domain::clock::SystemClock;
use bedrift_domain::values::{EmailAddress, OrgNumber};
use serde_json::json;
use sqlx::PgPool;

use crate::client::Client;
use crate::messages::{code, last_message, link_token};
use crate::LoadError;

/// The password of every account the load creates.
pub const PASSWORD: &str = "korrekt hest batteri";

/// How much to set up.
#[derive(Debug, Clone, Copy)]
pub struct WorldSettings {
    /// Companies; every other one approves orders by hand (`APPROVAL_REQUIRED`), the rest
    /// automatically.
    pub companies: usize,
    /// Concurrent clients; each acts for one company and owns its own employees.
    pub clients: usize,
    /// Employees logged in per client at the start.
    pub employees_per_client: usize,
}

/// A company and its administrator's session.
#[derive(Debug, Clone)]
pub struct Company {
    /// Its id.
    pub id: String,
    /// The administrator's session token.
    pub admin: String,
    /// The order link's token.
    pub link: String,
    /// Whether its employees' orders wait for an administrator.
    pub needs_approval: bool,
}

/// A logged-in employee.
#[derive(Debug, Clone)]
pub struct Employee {
    /// The phone number (E.164).
    pub phone: String,
    /// The session token.
    pub token: String,
}

/// Fresh Norwegian mobile numbers, unique within a run and unlikely to meet another run's.
#[derive(Debug, Clone)]
pub struct Phones {
    next: Arc<AtomicU64>,
}

impl Phones {
    /// Numbers from a random point of the `+479xxxxxxx` range.
    pub fn new() -> Self {
        let start = u64::from(uuid::Uuid::new_v4().as_u128() as u32) % 5_000_000;
        Self {
            next: Arc::new(AtomicU64::new(start)),
        }
    }

    /// The next number.
    pub fn next(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed) % 10_000_000;
        format!("+479{n:07}")
    }
}

impl Default for Phones {
    fn default() -> Self {
        Self::new()
    }
}

/// Everything the clients act with.
#[derive(Debug, Clone)]
pub struct World {
    /// The server.
    pub server: SocketAddr,
    /// The companies.
    pub companies: Vec<Company>,
    /// The employees of each client, logged in at the company `companies[client %
    /// companies.len()]`.
    pub employees: Vec<Vec<Employee>>,
    /// Where new phone numbers come from.
    pub phones: Phones,
}

impl World {
    /// Sets up `settings`' companies and employees on the server at `server`, reading messages
    /// from `pool` (the server's database). `progress` hears each step.
    pub async fn create(
        server: SocketAddr,
        pool: &PgPool,
        settings: WorldSettings,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Self, LoadError> {
        let run = &uuid::Uuid::new_v4().simple().to_string()[..8];
        let mut client = Client::new(server, 0);
        let operator = operator(&mut client, pool, run).await?;
        let mut companies = Vec::with_capacity(settings.companies);
        let mut org_numbers = org_numbers();
        for n in 0..settings.companies.max(1) {
            let needs_approval = n % 2 == 0;
            let org_number = org_numbers
                .next()
                .ok_or_else(|| LoadError::Unexpected("no organisation number left".to_owned()))?;
            let email = format!("admin-{run}-{n}@load.example");
            let company = register(
                &mut client,
                pool,
                &operator,
                &org_number,
                &email,
                needs_approval,
            )
            .await?;
            companies.push(company);
            progress(&format!(
                "company {} of {} registered, its administrator logged in",
                n + 1,
                settings.companies.max(1)
            ));
        }
        let phones = Phones::new();
        let logins = (0..settings.clients).map(|n| {
            let company = companies[n % companies.len()].clone();
            let phones = phones.clone();
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut client = Client::new(server, n);
                let mut employees = Vec::with_capacity(settings.employees_per_client);
                for _ in 0..settings.employees_per_client {
                    let phone = phones.next();
                    let token = log_in_employee(&mut client, &pool, &company.link, &phone).await?;
                    employees.push(Employee { phone, token });
                }
                Ok::<_, LoadError>(employees)
            })
        });
        let mut employees = Vec::with_capacity(settings.clients);
        for login in logins.collect::<Vec<_>>() {
            employees.push(
                login
                    .await
                    .map_err(|e| LoadError::Unexpected(e.to_string()))??,
            );
        }
        progress(&format!(
            "{} employees logged in",
            employees.iter().map(Vec::len).sum::<usize>()
        ));
        Ok(Self {
            server,
            companies,
            employees,
            phones,
        })
    }

    /// The company client `n` acts for.
    pub fn company_of(&self, n: usize) -> &Company {
        &self.companies[n % self.companies.len()]
    }
}

/// Creates an operator account in the database and logs it in over HTTP.
async fn operator(client: &mut Client, pool: &PgPool, run: &str) -> Result<String, LoadError> {
    let email = format!("operator-{run}@load.example");
    let address = EmailAddress::parse(&email).map_err(|e| LoadError::Unexpected(e.to_string()))?;
    create_operator(
        pool,
        &SystemClock,
        HashCost::MinimalForTests,
        &address,
        "Load Operatør",
        PASSWORD,
    )
    .await
    .map_err(|e| LoadError::Unexpected(format!("creating the operator: {e}")))?;
    log_in(client, &email).await
}

async fn log_in(client: &mut Client, email: &str) -> Result<String, LoadError> {
    let data = client
        .data(
            None,
            "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
            json!({ "e": email, "p": PASSWORD }),
        )
        .await?;
    text(&data["logIn"]["token"])
}

/// Registers a company, accepts its contact's invitation and sets its ordering policy.
async fn register(
    client: &mut Client,
    pool: &PgPool,
    operator: &str,
    org_number: &str,
    email: &str,
    needs_approval: bool,
) -> Result<Company, LoadError> {
    let data = client
        .data(
            Some(operator),
            "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }",
            json!({ "input": {
                "orgNumber": org_number, "name": format!("Last {org_number} AS"),
                "invoiceEmail": "faktura@load.example",
                "contactName": "Kari Nordmann", "contactEmail": email } }),
        )
        .await?;
    let id = text(&data["registerCompany"]["id"])?;
    let invitation = last_message(pool, email).await?;
    let token = link_token(&invitation)
        .ok_or_else(|| LoadError::Unexpected(format!("no link in the invitation: {invitation}")))?;
    let data = client
        .data(
            None,
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }",
            json!({ "t": token, "p": PASSWORD }),
        )
        .await?;
    let admin = text(&data["acceptInvitation"]["token"])?;
    let policy = if needs_approval {
        "APPROVAL_REQUIRED"
    } else {
        "AUTOMATIC_APPROVAL"
    };
    let data = client
        .data(
            Some(&admin),
            &format!(
                "mutation($c: ID!) {{ setOrderingPolicy(companyId: $c, policy: {policy}) {{ orderLinkToken }} }}"
            ),
            json!({ "c": id }),
        )
        .await?;
    let link = text(&data["setOrderingPolicy"]["orderLinkToken"])?;
    Ok(Company {
        id,
        admin,
        link,
        needs_approval,
    })
}

/// Logs an employee in through the order link `link` with the code from the outbox.
pub async fn log_in_employee(
    client: &mut Client,
    pool: &PgPool,
    link: &str,
    phone: &str,
) -> Result<String, LoadError> {
    // A link set a moment ago reaches the company directory, which anonymous callers are
    // checked against, within the projection lag: until then it is NOT_FOUND.
    let deadline = tokio::time::Instant::now() + LINK_VISIBLE_WITHIN;
    loop {
        match client
            .data(None, REQUEST_CODE, json!({ "l": link, "p": phone }))
            .await
        {
            Err(LoadError::Refused { code, .. })
                if code == "NOT_FOUND" && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            answer => {
                answer?;
                break;
            }
        }
    }
    let sms = last_message(pool, phone).await?;
    let code = code(&sms).ok_or_else(|| LoadError::Unexpected(format!("no code in {sms}")))?;
    let data = client
        .data(
            None,
            VERIFY_PHONE,
            json!({ "l": link, "p": phone, "c": code }),
        )
        .await?;
    text(&data["verifyPhone"]["token"])
}

/// How long a new order link may take to reach the company directory (the projection lag,
/// generously).
const LINK_VISIBLE_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// The mutation that sends an SMS code.
pub const REQUEST_CODE: &str =
    "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }";

/// The mutation that checks an SMS code and logs the employee in.
pub const VERIFY_PHONE: &str = "mutation($l: String!, $p: String!, $c: String!) { verifyPhone(orderToken: $l, phone: $p, code: $c) { token } }";

/// A string field of an answer.
pub fn text(value: &serde_json::Value) -> Result<String, LoadError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| LoadError::Unexpected(format!("expected a string, got {value}")))
}

/// Valid organisation numbers from a random 8-digit start.
fn org_numbers() -> impl Iterator<Item = String> {
    let start = 10_000_000 + u64::from(uuid::Uuid::new_v4().as_u128() as u32) % 80_000_000;
    (start..100_000_000).filter_map(|base| {
        (0..10)
            .map(|check| format!("{base}{check}"))
            .find(|candidate| OrgNumber::parse(candidate).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_organisation_numbers_and_phones_are_valid_and_distinct() {
        let numbers: Vec<String> = org_numbers().take(20).collect();
        assert!(numbers.iter().all(|n| OrgNumber::parse(n).is_ok()));
        let phones = Phones::new();
        let (a, b) = (phones.next(), phones.next());
        assert_ne!(a, b);
        for phone in [a, b] {
            let parsed = bedrift_domain::values::PhoneNumber::parse(&phone).expect("valid");
            assert_eq!(parsed.as_str(), phone);
        }
    }
}
