//! Shared set-up: the real server (HTTP on a port of its own, and the projector) on a fresh
//! database with a clock the test sets, driven over HTTP, plus the steps of the flow that most
//! tests need (first operator, a registered company, an administrator, an employee session).

use std::sync::Arc;

use std::net::SocketAddr;

use bedrift_api::auth::HashCost;
use bedrift_api::notifications::settings::{
    EmailSettings, HttpGatewaySettings, SmsSettings, SmtpSettings,
};
use bedrift_api::notifications::{DeliverySettings, Dispatcher};
use bedrift_api::{ApiSettings, AppState};
use bedrift_domain::clock::FixedClock;
use bedrift_projections::{Projector, ProjectorSettings};
use bedrift_store::testing::TestDatabase;
use chrono::NaiveDate;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

mod gateway;
mod http;
mod smtp_sink;
mod steps;
mod webhook_receiver;
pub use gateway::*;
pub use http::*;
pub use smtp_sink::*;
pub use steps::*;
pub use webhook_receiver::*;

/// A password that meets the rules.
pub const PASSWORD: &str = "korrekt hest batteri";

/// The application under test.
pub struct TestApp {
    pub db: TestDatabase,
    pub clock: FixedClock,
    pub state: AppState,
    /// Where the server listens.
    pub address: SocketAddr,
    /// The SMS gateway and SMTP sink the dispatcher delivers to, when it runs
    /// ([`TestApp::spawn_delivering`]).
    pub delivery: Option<Delivery>,
    stop: watch::Sender<bool>,
    projector_stop: watch::Sender<bool>,
}

/// Where a [`TestApp`]'s dispatcher delivers.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The SMS gateway (it refuses the first 3 requests).
    pub gateway: SmsGateway,
    /// The SMTP server.
    pub smtp: SmtpSink,
}

/// Delivery settings for tests: SMS to `gateway`, e-mail to `smtp`, with retries after tens
/// of milliseconds.
pub fn delivery_settings(gateway: &SmsGateway, smtp: &SmtpSink) -> DeliverySettings {
    DeliverySettings {
        sms: SmsSettings::Http(HttpGatewaySettings {
            url: gateway.url.clone(),
            auth_header: GATEWAY_AUTH.0.to_owned(),
            auth_value: Some(GATEWAY_AUTH.1.to_owned()),
            body_template: GATEWAY_BODY.to_owned(),
        }),
        email: EmailSettings::Smtp(SmtpSettings {
            url: smtp.url.clone(),
            from: "Bedriftsbillett <ikke-svar@billett.test>".to_owned(),
        }),
        retry_base: std::time::Duration::from_millis(20),
        retry_max: std::time::Duration::from_millis(200),
        send_timeout: std::time::Duration::from_secs(5),
        poll_interval: std::time::Duration::from_millis(100),
        ..DeliverySettings::default()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// A date from its text.
pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

impl TestApp {
    /// The application on a fresh database, on `today`, with the projector running; messages
    /// stay in the outbox.
    pub async fn spawn(today: &str) -> Self {
        Self::start(today, false, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with the dispatcher delivering the outbox to a real SMS gateway
    /// (that refuses its first requests) and a real SMTP server, both local.
    pub async fn spawn_delivering(today: &str) -> Self {
        Self::start(today, true, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with the settings changed by `adjust` first.
    pub async fn spawn_with(today: &str, adjust: impl FnOnce(&mut ApiSettings)) -> Self {
        Self::start(today, false, adjust).await
    }

    async fn start(today: &str, delivering: bool, adjust: impl FnOnce(&mut ApiSettings)) -> Self {
        let db = TestDatabase::create().await;
        let clock = FixedClock::on(date(today));
        let mut settings = ApiSettings {
            hash_cost: HashCost::MinimalForTests,
            ..ApiSettings::default()
        };
        adjust(&mut settings);
        let projector = Projector::new(
            db.pool().clone(),
            ProjectorSettings {
                poll_interval: std::time::Duration::from_millis(200),
                notifications: Some(settings.notifications.clone()),
                ..ProjectorSettings::default()
            },
        );
        let state = AppState::new(db.pool().clone(), Arc::new(clock.clone()), settings)
            .with_projector(projector.position())
            .with_metrics(bedrift_api::observability::install_recorder());
        let (stop, mut stopped) = watch::channel(false);
        let (projector_stop, mut projector_stopped) = watch::channel(false);
        let mut server_stopped = stopped.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                tokio::select! {
                    _ = stopped.wait_for(|s| *s) => {}
                    _ = projector_stopped.wait_for(|s| *s) => {}
                }
            };
            if let Err(e) = projector.run(shutdown).await {
                eprintln!("projector failed: {e}");
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        let server_state = state.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = server_stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = bedrift_api::serve(listener, server_state, shutdown).await {
                eprintln!("server failed: {e}");
            }
        });
        let delivery = if delivering {
            let delivery = Delivery {
                gateway: SmsGateway::spawn(3, true, std::time::Duration::ZERO).await,
                smtp: SmtpSink::spawn().await,
            };
            let settings = delivery_settings(&delivery.gateway, &delivery.smtp);
            let dispatcher = Dispatcher::new(db.pool().clone(), settings).expect("a dispatcher");
            let mut stopped = stop.subscribe();
            tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                if let Err(e) = dispatcher.run(shutdown).await {
                    eprintln!("dispatcher failed: {e}");
                }
            });
            Some(delivery)
        } else {
            None
        };
        bedrift_api::install_example_tariff(&state)
            .await
            .expect("tariff installed");
        Self {
            db,
            clock,
            state,
            address,
            delivery,
            stop,
            projector_stop,
        }
    }

    /// Stops the projector after its batch and takes its lock on a connection of its own, as
    /// another process would: no read model moves while the returned connection lives.
    pub async fn stop_projector(&self) -> sqlx::PgConnection {
        self.projector_stop.send_replace(true);
        let mut connection = self.db.pool().acquire().await.expect("a connection");
        for _ in 0..600 {
            let (taken,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                .bind(bedrift_projections::PROJECTOR_LOCK_KEY)
                .fetch_one(&mut *connection)
                .await
                .expect("the lock is tried");
            if taken {
                return connection.detach();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the projector did not let go of its lock within 30 s");
    }

    /// Sets today's date (noon in Oslo).
    pub fn set_today(&self, today: &str) {
        use bedrift_domain::clock::Clock;
        self.clock.set(FixedClock::on(date(today)).now());
    }

    /// Waits (bounded) until the read models have passed every event stored so far: what a
    /// person does between two clicks. Other sessions see a change within the projection lag
    /// (R19), so the flows below settle before each request; the consistency tests send theirs
    /// with [`TestApp::gql_at_once`].
    pub async fn settle(&self) {
        let head = bedrift_store::head_position(self.db.pool())
            .await
            .expect("the head of the log");
        if let Some(head) = head {
            let mut local = self.state.projected.clone();
            bedrift_projections::wait_for_position(
                self.db.pool(),
                local.as_mut(),
                head,
                std::time::Duration::from_secs(60),
            )
            .await
            .expect("the read models catch up within a minute");
        }
    }

    /// Sends a GraphQL request as the holder of `token` over HTTP, once the read models have
    /// settled, and returns the whole response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.settle().await;
        self.gql_at_once(token, query, variables).await
    }

    /// Sends a GraphQL request at once, without waiting for the read models.
    pub async fn gql_at_once(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let authorization = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(self.address)
            .await
            .expect("the server accepts");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("the request is sent");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("a response");
        let body = http_body(&response);
        serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&response)))
    }

    /// Like [`TestApp::gql`], but panics on errors and returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.gql(token, query, variables).await;
        assert!(response.get("errors").is_none(), "{query}\n{response:#}");
        response["data"].clone()
    }

    /// The newest message in the outbox to `recipient`, once the projector (which queues the
    /// messages that events cause) has passed every event written so far.
    pub async fn last_message(&self, recipient: &str) -> String {
        self.settle().await;
        let (message_id, status, body): (uuid::Uuid, String, String) = sqlx::query_as(
            "SELECT message_id, status::text, body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(recipient)
        .fetch_one(self.db.pool())
        .await
        .expect("a message");
        match &self.delivery {
            // A sent row keeps only the text with its secrets blanked out: read the copy that
            // was delivered.
            Some(delivery) if status == "SENT" => {
                let id = message_id.to_string();
                if let Some(sms) = delivery
                    .gateway
                    .delivered()
                    .into_iter()
                    .find(|s| s.key == id)
                {
                    return sms.text;
                }
                delivery
                    .smtp
                    .mails()
                    .into_iter()
                    .find(|m| m.header("Message-ID").is_some_and(|h| h.contains(&id)))
                    .map(|m| m.body)
                    .expect("the delivered copy of a sent message")
            }
            _ => body,
        }
    }

    /// The subject of the newest e-mail in the outbox to `recipient`.
    pub async fn last_subject(&self, recipient: &str) -> String {
        sqlx::query_scalar(
            "SELECT subject FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(recipient)
        .fetch_one(self.db.pool())
        .await
        .expect("an e-mail with a subject")
    }

    /// How many events the log holds.
    pub async fn event_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(self.db.pool())
            .await
            .expect("a count")
    }

    /// Signs up the first operator with the printed link's token; returns their session token.
    pub async fn operator(&self) -> String {
        let token = bedrift_api::print_first_operator_link(&self.state)
            .await
            .expect("a link")
            .expect("no operator yet");
        let data = self
            .ok(
                None,
                "mutation($t: String!, $p: String!) { createFirstOperator(token: $t, email: \"ops@akt.no\", name: \"Ola Operatør\", password: $p) { token } }",
                json!({ "t": token, "p": PASSWORD }),
            )
            .await;
        data["createFirstOperator"]["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Registers a company as `operator`, accepts the contact's invitation from the outbox and
    /// sets `policy`. Returns (company id, administrator token, order link token).
    pub async fn company(
        &self,
        operator: &str,
        org_number: &str,
        contact_email: &str,
        policy: &str,
    ) -> (String, String, String) {
        let data = self
            .ok(
                Some(operator),
                "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id name orderingPolicy } }",
                json!({ "input": {
                    "orgNumber": org_number, "name": "Firma AS", "invoiceEmail": "faktura@firma.no",
                    "contactName": "Kari Nordmann", "contactEmail": contact_email } }),
            )
            .await;
        let company = data["registerCompany"]["id"].as_str().unwrap().to_owned();
        assert_eq!(data["registerCompany"]["orderingPolicy"], "CLOSED");
        let invitation = self.last_message(contact_email).await;
        let token = link_token(&invitation);
        let data = self
            .ok(
                None,
                "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token viewer { kind } } }",
                json!({ "t": token, "p": PASSWORD }),
            )
            .await;
        assert_eq!(data["acceptInvitation"]["viewer"]["kind"], "ADMINISTRATOR");
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
                json!({ "e": contact_email, "p": PASSWORD }),
            )
            .await;
        let admin = data["logIn"]["token"].as_str().unwrap().to_owned();
        let data = self
            .ok(
                Some(&admin),
                &format!("mutation($c: ID!) {{ setOrderingPolicy(companyId: $c, policy: {policy}) {{ orderingPolicy orderLinkToken }} }}"),
                json!({ "c": company }),
            )
            .await;
        assert_eq!(data["setOrderingPolicy"]["orderingPolicy"], policy);
        let link = data["setOrderingPolicy"]["orderLinkToken"]
            .as_str()
            .unwrap()
            .to_owned();
        (company, admin, link)
    }

    /// `admin` sets `company`'s order form to `form` (an `OrderFormInput`).
    pub async fn configure_order_form(&self, admin: &str, company: &str, form: Value) {
        self.ok(
            Some(admin),
            "mutation($c: ID!, $f: OrderFormInput!) {
               configureOrderForm(companyId: $c, input: $f) { name } }",
            json!({ "c": company, "f": form }),
        )
        .await;
    }

    /// Logs an employee in through the order link with the code from the outbox.
    pub async fn employee(&self, link: &str, phone: &str) -> String {
        self.ok(
            None,
            "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }",
            json!({ "l": link, "p": phone }),
        )
        .await;
        let e164 = bedrift_domain::values::PhoneNumber::parse(phone).unwrap();
        let sms = self.last_message(e164.as_str()).await;
        let code: String = sms
            .split_whitespace()
            .map(|w| w.trim_end_matches('.'))
            .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
            .expect("a code in the SMS")
            .to_owned();
        let data = self
            .ok(
                None,
                "mutation($l: String!, $p: String!, $c: String!) { verifyPhone(orderToken: $l, phone: $p, code: $c) { token } }",
                json!({ "l": link, "p": phone, "c": code }),
            )
            .await;
        data["verifyPhone"]["token"].as_str().unwrap().to_owned()
    }
}

/// The token in a message's link (`...token=XYZ`).
pub fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The token of the ticket page link in an SMS (`.../billett/<token>`).
pub fn ticket_token(sms: &str) -> String {
    let start = sms.find("/billett/").expect("a ticket link") + "/billett/".len();
    sms[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// The `extensions.code` of the first error of a response.
pub fn code(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
        .to_owned()
}

/// An order of one zone for an adult.
pub fn order(first: &str, last: &str) -> Value {
    json!({ "firstName": first, "lastName": last, "zones": ["kristiansand"], "category": "ADULT" })
}

/// The GraphQL mutation that orders `$input` for the logged-in employee.
pub const ORDER: &str =
    "mutation($input: OrderInput!) { orderSubscription(input: $input) { id status startDate } }";

/// The body of a raw HTTP/1.1 response, de-chunked when sent in chunks.
fn http_body(response: &[u8]) -> Vec<u8> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let mut body = &response[split + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return body.to_vec();
    }
    let mut decoded = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size");
        let size = usize::from_str_radix(
            std::str::from_utf8(&body[..line_end]).expect("hex").trim(),
            16,
        )
        .expect("a chunk size");
        if size == 0 {
            return decoded;
        }
        decoded.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 2 + size + 2..];
    }
}

/// The log's chains are intact and every read model equals a rebuild from the log.
pub async fn log_and_read_models_agree(pool: &sqlx::PgPool) {
    let chains = bedrift_store::chain::verify(pool, &mut |_, _| {})
        .await
        .expect("verifies");
    assert!(chains.is_intact(), "{:?}", chains.broken);
    let differences = bedrift_projections::rebuild::compare_with_rebuild(
        pool,
        &bedrift_projections::ReadModel::ALL,
    )
    .await
    .expect("compares");
    assert!(
        differences.values().all(|rows| *rows == 0),
        "{differences:?}"
    );
}
