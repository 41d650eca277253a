//! The `bedrift serve` binary itself, configured from the environment: JSON log lines that
//! carry each request's correlation id (the one its events store), rate limits read from
//! `RATE_LIMIT_*`, and its own `/metrics`.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bedrift_api::auth::{create_operator, HashCost};
use bedrift_domain::clock::SystemClock;
use bedrift_domain::values::EmailAddress;
use bedrift_store::testing::TestDatabase;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

use crate::helpers::{graphql, http, PASSWORD};

const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";

/// The lines the server has written to stderr so far.
pub(crate) type Lines = Arc<Mutex<Vec<String>>>;

/// Waits (up to a minute) until a line satisfies `wanted` and returns it.
pub(crate) async fn line_where(lines: &Lines, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while tokio::time::Instant::now() < deadline {
        if let Some(line) = lines.lock().unwrap().iter().find(|l| wanted(l)) {
            return line.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no log line {what}; the server wrote:\n{}",
        lines.lock().unwrap().join("\n")
    );
}

/// A `bedrift serve` child process on `db` with JSON logs at `info`, and `settings` as its
/// environment besides; its stderr lines are collected as they come.
pub(crate) struct LoggingServer {
    pub child: tokio::process::Child,
    pub lines: Lines,
    pub address: SocketAddr,
}

impl LoggingServer {
    /// Starts the server and waits until its log says where it serves.
    pub(crate) async fn start(db: &TestDatabase, settings: &[(&str, &str)]) -> Self {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_bedrift"));
        command
            .arg("serve")
            .env("DATABASE_URL", db.url())
            .env("BIND", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("TRUSTED_PROXIES")
            .env_remove("BEDRIFT_DATA_DIR")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("bedrift starts");
        let lines: Lines = Arc::default();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let collected = lines.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                collected.lock().unwrap().push(line);
            }
        });
        let serving = line_where(&lines, "saying where it serves", |l| {
            l.contains("serving HTTP")
        })
        .await;
        let serving: Value = serde_json::from_str(&serving).expect("a JSON line");
        let address: SocketAddr = serving["fields"]["address"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {serving}"));
        Self {
            child,
            lines,
            address,
        }
    }
}

#[tokio::test]
async fn the_server_logs_json_with_correlation_ids_and_takes_its_limits_from_the_environment() {
    let db = TestDatabase::create().await;
    let email = EmailAddress::parse("drift@akt.no").unwrap();
    create_operator(
        db.pool(),
        &SystemClock,
        HashCost::MinimalForTests,
        &email,
        "Ola Operatør",
        PASSWORD,
    )
    .await
    .expect("an operator");
    let LoggingServer {
        child: mut server,
        lines,
        address,
    } = LoggingServer::start(&db, &[("RATE_LIMIT_LOGINS_PER_ADDRESS", "2/1h")]).await;

    // RATE_LIMIT_LOGINS_PER_ADDRESS=2/1h: the third login from this address is refused.
    let log_in = |password: &'static str, correlation: Uuid| async move {
        let id = correlation.to_string();
        let response = graphql(
            address,
            None,
            LOG_IN,
            json!({ "e": "drift@akt.no", "p": password }),
            &[("X-Correlation-Id", &id)],
        )
        .await;
        assert_eq!(response.headers["x-correlation-id"], id);
        response.json()
    };
    let first = log_in(PASSWORD, Uuid::new_v4()).await;
    let operator = first["data"]["logIn"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("logged in: {first}"))
        .to_owned();
    let wrong = log_in("feil passord her", Uuid::new_v4()).await;
    assert_eq!(wrong["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let limited_id = Uuid::new_v4();
    let limited = log_in(PASSWORD, limited_id).await;
    assert_eq!(limited["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    // A mutation's events and log lines carry the id it was sent with.
    let sent = Uuid::new_v4();
    let registered = graphql(
        address,
        Some(&operator),
        "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }",
        json!({ "input": {
            "orgNumber": "974760673", "name": "Firma AS", "invoiceEmail": "faktura@firma.no",
            "contactName": "Kari Nordmann", "contactEmail": "kari@firma.no" } }),
        &[("X-Correlation-Id", &sent.to_string())],
    )
    .await
    .json();
    let company = registered["data"]["registerCompany"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("registered: {registered}"))
        .to_owned();
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT metadata->>'correlation_id' FROM events WHERE aggregate_id = $1",
    )
    .bind(&company)
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|id| *id == sent.to_string()),
        "{stored:?}"
    );

    let sent = sent.to_string();
    let answered = line_where(&lines, "for the registration", |l| {
        l.contains(&sent) && l.contains("finished processing request")
    })
    .await;
    let answered: Value = serde_json::from_str(&answered).expect("a JSON line");
    assert_eq!(answered["span"]["correlation_id"], sent.as_str());
    let limited_id = limited_id.to_string();
    let refusal = line_where(&lines, "from inside the refused login", |l| {
        l.contains("rate limit reached")
    })
    .await;
    assert!(
        refusal.contains(&limited_id),
        "the refusal's line lacks the request's id: {refusal}"
    );

    // The binary installed its recorder.
    let metrics = http(address, "GET", "/metrics", &[], "").await.text();
    assert!(
        metrics.contains(
            "bedrift_commands_total{aggregate=\"Company\",command=\"register\",outcome=\"ok\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("bedrift_rate_limit_refusals_total{limit=\"login:address\"} 1"));

    server.kill().await.expect("the server stops");
    let lines = lines.lock().unwrap();
    for line in lines.iter() {
        let parsed: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(parsed["timestamp"].is_string() && parsed["level"].is_string());
    }
}
