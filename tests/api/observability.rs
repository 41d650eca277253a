//! `/metrics` and correlation ids, end to end: requests, commands and the projector show up in
//! the Prometheus scrape with sensible values, and a request's correlation id comes back in its
//! response and is stored in its events' metadata.
//!
//! The metrics recorder is global to the test process, whose other tests run at the same time:
//! exact counts are checked only under labels that this file alone uses (its operation
//! names); shared series are compared before and after.

use std::collections::BTreeMap;

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{order, TestApp};

/// One scrape: each sample by metric name, with its labels.
pub struct Scrape(Vec<(String, BTreeMap<String, String>, f64)>);

impl Scrape {
    /// Parses Prometheus's text format (without escapes in label values, which ours lack).
    pub fn parse(text: &str) -> Self {
        let samples = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let (series, value) = line.rsplit_once(' ').expect("a sample line");
                let value: f64 = value.parse().expect("a number");
                let (name, labels) = match series.split_once('{') {
                    None => (series.to_owned(), BTreeMap::new()),
                    Some((name, rest)) => {
                        let labels = rest
                            .trim_end_matches('}')
                            .split("\",")
                            .filter(|pair| !pair.is_empty())
                            .map(|pair| {
                                let (key, value) = pair.split_once('=').expect("key=value");
                                (key.to_owned(), value.trim_matches('"').to_owned())
                            })
                            .collect();
                        (name.to_owned(), labels)
                    }
                };
                (name, labels, value)
            })
            .collect();
        Self(samples)
    }

    /// The sum of the samples of `name` whose labels include `labels` (0 when none).
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .filter(|(n, have, _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| have.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, _, value)| value)
            .sum()
    }

    /// A histogram's buckets (upper bound, cumulative count) for exactly `labels` besides `le`.
    pub fn buckets(&self, name: &str, labels: &[(&str, &str)]) -> Vec<(f64, f64)> {
        let bucket = format!("{name}_bucket");
        let mut found: Vec<(f64, f64)> = self
            .0
            .iter()
            .filter(|(n, have, _)| {
                *n == bucket
                    && have.len() == labels.len() + 1
                    && labels
                        .iter()
                        .all(|(k, v)| have.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, have, value)| {
                let le = match have["le"].as_str() {
                    "+Inf" => f64::INFINITY,
                    bound => bound.parse().expect("a bound"),
                };
                (le, *value)
            })
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
        found
    }
}

/// Scrapes the app's `/metrics`.
async fn scrape(app: &TestApp) -> Scrape {
    let response = app.get("/metrics").await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(response.headers["content-type"].starts_with("text/plain"));
    Scrape::parse(&response.text())
}

#[tokio::test]
async fn metrics_count_requests_by_operation_commands_by_outcome_and_the_projector() {
    let app = TestApp::spawn("2026-12-10").await;
    let before = scrape(&app).await;
    let operator = app.operator().await;
    let (_, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let employee = app.employee(&link, "912 34 567").await;
    let ordered = app.order(&employee, order("Per", "Hansen")).await;
    let id = ordered["id"].as_str().unwrap();
    app.approve(&admin, id).await;
    let again = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { approveSubscription(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(crate::helpers::code(&again), "INVALID_STATE");
    for _ in 0..3 {
        app.ok(
            None,
            "query ObservabilityProbe { tariff { validFrom } }",
            json!({}),
        )
        .await;
    }
    let unknown = app
        .gql(
            None,
            "query ObservabilityUnknownField { noSuchField }",
            json!({}),
        )
        .await;
    assert_eq!(crate::helpers::code(&unknown), "BAD_USER_INPUT");
    let after = scrape(&app).await;

    // GraphQL requests by operation name, with their latency histogram.
    let probe = [("operation", "ObservabilityProbe")];
    assert_eq!(
        after.sum(
            "bedrift_graphql_requests_total",
            &[("operation", "ObservabilityProbe"), ("outcome", "ok")]
        ),
        3.0
    );
    assert_eq!(
        after.sum("bedrift_graphql_request_duration_seconds_count", &probe),
        3.0
    );
    let seconds = after.sum("bedrift_graphql_request_duration_seconds_sum", &probe);
    assert!(
        seconds > 0.0 && seconds < 30.0,
        "3 requests took {seconds} s"
    );
    let buckets = after.buckets("bedrift_graphql_request_duration_seconds", &probe);
    assert!(buckets.len() > 5, "{buckets:?}");
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{buckets:?}");
    assert_eq!(buckets.last().unwrap(), &(f64::INFINITY, 3.0));

    // A named operation that does not validate never becomes a label of its own.
    assert_eq!(
        after.sum(
            "bedrift_graphql_requests_total",
            &[("operation", "ObservabilityUnknownField")]
        ),
        0.0
    );
    let grew =
        |name: &str, labels: &[(&str, &str)]| after.sum(name, labels) - before.sum(name, labels);
    assert!(
        grew(
            "bedrift_graphql_requests_total",
            &[("operation", "_invalid"), ("outcome", "BAD_USER_INPUT")]
        ) >= 1.0
    );
    // Unnamed operations are labelled by their first field.
    assert!(
        grew(
            "bedrift_graphql_requests_total",
            &[("operation", "orderSubscription"), ("outcome", "ok")]
        ) >= 1.0
    );
    assert!(
        grew(
            "bedrift_graphql_requests_total",
            &[
                ("operation", "approveSubscription"),
                ("outcome", "INVALID_STATE")
            ]
        ) >= 1.0
    );

    // Plain HTTP by route pattern.
    let graphql = [("method", "POST"), ("route", "/graphql"), ("status", "200")];
    assert!(grew("bedrift_http_requests_total", &graphql) >= 12.0);
    assert!(
        grew(
            "bedrift_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "200")]
        ) >= 1.0
    );
    assert!(
        grew(
            "bedrift_http_request_duration_seconds_count",
            &[("method", "POST"), ("route", "/graphql")]
        ) >= 12.0
    );

    // Commands by aggregate, command and outcome.
    let ok = |aggregate, command| {
        grew(
            "bedrift_commands_total",
            &[
                ("aggregate", aggregate),
                ("command", command),
                ("outcome", "ok"),
            ],
        )
    };
    assert!(ok("Company", "register") >= 1.0);
    assert!(ok("Subscription", "order") >= 1.0);
    assert!(ok("Subscription", "approve") >= 1.0);
    assert!(
        grew(
            "bedrift_commands_total",
            &[
                ("aggregate", "Subscription"),
                ("command", "approve"),
                ("outcome", "INVALID_STATE")
            ]
        ) >= 1.0
    );
    assert!(
        grew(
            "bedrift_command_duration_seconds_count",
            &[("aggregate", "Subscription"), ("command", "order")]
        ) >= 1.0
    );

    // The projector, per read model.
    let tickets = [("read_model", "tickets")];
    assert!(after.sum("bedrift_projector_position", &tickets) > 0.0);
    assert!(grew("bedrift_projector_events_total", &tickets) >= 2.0);
    let lagged = grew("bedrift_projector_lag_seconds_count", &tickets);
    assert!(lagged >= 2.0, "{lagged} lag samples");
    let lag = grew("bedrift_projector_lag_seconds_sum", &tickets) / lagged;
    assert!((0.0..10.0).contains(&lag), "mean lag {lag} s");
    assert!(grew("bedrift_projector_batch_duration_seconds_count", &tickets) >= 1.0);
}

#[tokio::test]
async fn a_mutation_stores_the_correlation_id_it_was_sent_and_answers_with_it() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let sent = Uuid::new_v4();
    let response = app
        .gql_with(
            Some(&operator),
            "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }",
            json!({ "input": {
                "orgNumber": "974760673", "name": "Firma AS", "invoiceEmail": "faktura@firma.no",
                "contactName": "Kari Nordmann", "contactEmail": "kari@firma.no" } }),
            &[("X-Correlation-Id", &sent.to_string())],
        )
        .await;
    assert_eq!(response.headers["x-correlation-id"], sent.to_string());
    let company = response.json()["data"]["registerCompany"]["id"]
        .as_str()
        .expect("registered")
        .to_owned();
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT metadata->>'correlation_id' FROM events WHERE aggregate_id = $1",
    )
    .bind(&company)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|id| *id == sent.to_string()),
        "{stored:?}"
    );

    // Without a usable header, each request gets an id of its own, returned and stored.
    let response = app
        .gql_with(
            Some(&operator),
            "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: AUTOMATIC_APPROVAL) { orderingPolicy } }",
            json!({ "c": company }),
            &[("X-Correlation-Id", "not-a-uuid")],
        )
        .await;
    let given: Uuid = response.headers["x-correlation-id"]
        .parse()
        .expect("a UUID");
    assert_ne!(given, sent);
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT metadata->>'correlation_id' FROM events \
         WHERE aggregate_id = $1 AND metadata->>'correlation_id' <> $2",
    )
    .bind(&company)
    .bind(sent.to_string())
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|id| *id == given.to_string()),
        "{stored:?}"
    );
}
