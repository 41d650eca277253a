//! Outbound webhooks: operators configure endpoints; each ticket event reaches an endpoint that
//! wants it signed as Standard Webhooks says (checked by the receiver with an HMAC of its own),
//! once, across a refused first delivery and a dispatcher killed while sending; `ticket.ended`
//! arrives when the ticket has ended and never for a cancellation that was withdrawn; a rebuild
//! and a disabled endpoint send nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bedrift_projections::rebuild::rebuild;
use bedrift_projections::ReadModel;
use bedrift_store::testing::Rng;
use futures::future::join_all;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{code, order, TestApp, WebhookReceiver};

/// The secret the operator gives the first endpoint (24 bytes, base64).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const CREATE: &str = "mutation($url: String!, $types: [WebhookEventType!]!, $secret: String) {
    createWebhookEndpoint(url: $url, eventTypes: $types, secret: $secret) {
        secret endpoint { id url eventTypes disabledAt } } }";

const ALL_TYPES: [&str; 6] = [
    "TICKET_ISSUED",
    "ZONES_CHANGED",
    "CANCELLED",
    "CANCELLATION_WITHDRAWN",
    "ENDED",
    "EMPLOYEE_DETAILS_CHANGED",
];

/// Makes an endpoint as `operator`; returns its id and secret.
async fn endpoint(
    app: &TestApp,
    operator: &str,
    url: &str,
    types: &[&str],
    secret: Option<&str>,
) -> (String, String) {
    let variables = json!({ "url": url, "types": types, "secret": secret });
    let data = app.ok(Some(operator), CREATE, variables).await;
    let created = &data["createWebhookEndpoint"];
    (
        created["endpoint"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// The `webhook-id`s of the sent deliveries to `endpoint`, sorted.
async fn sent_ids(pool: &PgPool, endpoint: &str) -> Vec<String> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT message_id FROM outbox WHERE webhook_endpoint = $1::uuid AND status = 'SENT'",
    )
    .bind(endpoint)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut ids: Vec<String> = ids
        .iter()
        .map(|id| format!("msg_{}", id.simple()))
        .collect();
    ids.sort();
    ids
}

/// Waits (at most 60 s) until no webhook delivery is due and unsent.
async fn webhooks_settled(pool: &PgPool) {
    for _ in 0..1_200 {
        let due: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM outbox
             WHERE channel = 'WEBHOOK' AND status = 'PENDING' AND next_attempt_at <= now() + interval '1 minute'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if due == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("webhook deliveries still due after 60 s");
}

fn types(delivered: &[crate::helpers::Delivered]) -> Vec<&str> {
    delivered
        .iter()
        .map(|d| d.body["type"].as_str().unwrap())
        .collect()
}

/// Deliveries in the order of their events in each subscription: they may arrive out of order
/// (a refused one is retried after later ones went through).
fn in_event_order(mut delivered: Vec<crate::helpers::Delivered>) -> Vec<crate::helpers::Delivered> {
    delivered.sort_by_key(|d| {
        (
            d.body["data"]["subscription_id"]
                .as_str()
                .unwrap()
                .to_owned(),
            d.body["data"]["sequence"].as_i64().unwrap(),
        )
    });
    delivered
}

#[tokio::test]
async fn each_ticket_event_reaches_a_signed_webhook_once_and_a_rebuild_or_disabled_endpoint_sends_nothing(
) {
    // A date well after the real one: a scheduled `ticket.ended` is due only when the test
    // lets its time come.
    let app = TestApp::spawn_delivering("2035-03-12").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let receiver = WebhookReceiver::spawn(SECRET, 1, Duration::ZERO).await;

    // Only operators configure endpoints, with a usable URL and secret.
    let variables = json!({ "url": receiver.url, "types": ["TICKET_ISSUED"] });
    let refused = app.gql(Some(&admin), CREATE, variables).await;
    assert_eq!(code(&refused), "FORBIDDEN");
    for (url, secret, field) in [
        ("ftp://billett.example/hooks", None, "url"),
        (
            "https://billett.example/hooks",
            Some("whsec_c2hvcnQ="),
            "secret",
        ),
        ("https://billett.example/hooks", Some("hemmelig"), "secret"),
    ] {
        let variables = json!({ "url": url, "types": ["TICKET_ISSUED"], "secret": secret });
        let refused = app.gql(Some(&operator), CREATE, variables).await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{url} {secret:?}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }

    let (all, secret) = endpoint(&app, &operator, &receiver.url, &ALL_TYPES, Some(SECRET)).await;
    assert_eq!(secret, SECRET, "the given secret is used");
    // A second endpoint, for new tickets only, with a secret the service makes (nothing is
    // sent before the next event: its receiver learns the secret in time).
    let issued_only = WebhookReceiver::spawn(SECRET, 0, Duration::ZERO).await;
    let (second, made) =
        endpoint(&app, &operator, &issued_only.url, &["TICKET_ISSUED"], None).await;
    assert!(made.starts_with("whsec_") && made != SECRET);
    issued_only.use_secret(&made);

    // Issued, zones changed, cancelled before the start, resumed, cancelled at once.
    let anne = app
        .create(&admin, &company, "91234567", order("Anne", "Berg"), None)
        .await;
    let anne_id = anne["id"].as_str().unwrap().to_owned();
    app.change_zones(
        &admin,
        &anne_id,
        &["kristiansand", "lillesand"],
        "NEXT_MONTH",
    )
    .await;
    app.cancel(&admin, &anne_id, "END_OF_MONTH").await;
    app.resume(&admin, &anne_id).await;
    let cancelled = app.cancel(&admin, &anne_id, "IMMEDIATELY").await;
    assert_eq!(cancelled["endDate"], "2035-03-12");
    let delivered = in_event_order(receiver.wait_for(5).await);
    assert_eq!(
        types(&delivered),
        [
            "ticket.issued",
            "ticket.zones_changed",
            "ticket.cancelled",
            "ticket.cancellation_withdrawn",
            "ticket.cancelled"
        ]
    );
    let issued = &delivered[0].body;
    assert_eq!(issued["data"]["subscription_id"], anne_id.as_str());
    assert_eq!(issued["data"]["event_type"], "SubscriptionApproved");
    assert_eq!(issued["data"]["ticket"]["company_id"], company.as_str());
    assert_eq!(issued["data"]["ticket"]["holder"]["first_name"], "Anne");
    assert_eq!(issued["data"]["ticket"]["category"], "ADULT");
    assert_eq!(issued["data"]["ticket"]["zones"], json!(["kristiansand"]));
    assert_eq!(issued["data"]["ticket"]["valid_from"], "2035-04-01");
    assert_eq!(
        delivered[4].body["data"]["ticket"]["end_date"],
        "2035-03-12"
    );

    // The ended ticket: the first cancellation's end was withdrawn with it; the second's is
    // due when the day is over (the real clock is years behind the test's: the test lets the
    // time come).
    let pool = app.db.pool();
    let scheduled: Vec<(String, String)> = sqlx::query_as(
        "SELECT status, body::jsonb ->> 'timestamp' FROM outbox
         WHERE ends_subscription = $1::uuid ORDER BY id",
    )
    .bind(&anne_id)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        scheduled,
        [
            ("WITHDRAWN".to_owned(), "2035-03-31T22:00:00Z".to_owned()),
            ("PENDING".to_owned(), "2035-03-12T23:00:00Z".to_owned())
        ]
    );
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = now()
         WHERE ends_subscription = $1::uuid AND status = 'PENDING'",
    )
    .bind(&anne_id)
    .execute(pool)
    .await
    .unwrap();
    let delivered = receiver.wait_for(6).await;
    assert_eq!(delivered[5].body["type"], "ticket.ended");
    assert_eq!(delivered[5].body["timestamp"], "2035-03-12T23:00:00Z");
    assert_eq!(
        delivered[5].body["data"]["subscription_id"],
        anne_id.as_str()
    );

    // A rebuild of every read model queues nothing.
    app.settle().await;
    webhooks_settled(pool).await;
    let queued = |pool: &PgPool| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox WHERE channel = 'WEBHOOK'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = queued(pool).await;
    rebuild(pool, &ReadModel::ALL, &mut |_| {}).await.unwrap();
    assert_eq!(queued(pool).await, before, "a rebuild queues no webhook");

    // A disabled endpoint is sent nothing; the other one gets the next ticket, after the
    // rebuild: the mark that nothing else was on its way.
    let disabled = app
        .ok(
            Some(&operator),
            "mutation($id: ID!) { disableWebhookEndpoint(id: $id) }",
            json!({ "id": second }),
        )
        .await;
    assert_eq!(disabled["disableWebhookEndpoint"], true);
    let again = app
        .gql(
            Some(&operator),
            "mutation($id: ID!) { disableWebhookEndpoint(id: $id) }",
            json!({ "id": second }),
        )
        .await;
    assert_eq!(code(&again), "NOT_FOUND");
    let bjorn = app
        .create(&admin, &company, "48123456", order("Bjørn", "Dahl"), None)
        .await;
    let delivered = receiver.wait_for(7).await;
    assert_eq!(delivered[6].body["data"]["subscription_id"], bjorn["id"]);
    app.settle().await;
    webhooks_settled(pool).await;

    // Exactly once: every delivery verified, the refused first one came again with its id,
    // and no delivery came twice.
    assert!(receiver.bad().is_empty(), "{:?}", receiver.bad());
    assert_eq!(receiver.refused(), 1);
    assert_eq!(receiver.requests(), 8, "seven deliveries and one refused");
    let taken: Vec<String> = receiver.taken().into_iter().map(|d| d.id).collect();
    let mut sorted = taken.clone();
    sorted.sort();
    assert_eq!(sorted, sent_ids(pool, &all).await);
    let issued_only_taken = issued_only.taken();
    assert_eq!(types(&issued_only_taken), ["ticket.issued"], "not Bjørn's");
    assert!(issued_only.bad().is_empty(), "{:?}", issued_only.bad());
    assert_eq!(
        issued_only_taken[0].body["data"]["subscription_id"],
        anne_id.as_str()
    );

    // Operators list the endpoints, never with their secrets.
    let listed = app
        .ok(
            Some(&operator),
            "{ webhookEndpoints { id url eventTypes disabledAt } }",
            json!({}),
        )
        .await;
    let listed = listed["webhookEndpoints"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let listed_one = |id: &str| listed.iter().find(|e| e["id"] == id).unwrap().clone();
    assert_eq!(listed_one(&all)["eventTypes"].as_array().unwrap().len(), 6);
    assert!(listed_one(&all)["disabledAt"].is_null());
    assert!(!listed_one(&second)["disabledAt"].is_null());
    assert!(!listed.iter().any(|e| e.to_string().contains("whsec_")));
    let refused = app
        .gql(Some(&admin), "{ webhookEndpoints { id } }", json!({}))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
}

fn dispatcher(database_url: &str) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_bedrift"))
        .arg("dispatch")
        .env("DATABASE_URL", database_url)
        // A claim lasts 3 x 300 ms: a killed dispatcher's deliveries are due again soon.
        .env("OUTBOX_SEND_TIMEOUT_MS", "300")
        .env("OUTBOX_BATCH", "5")
        .env("OUTBOX_POLL_MS", "50")
        .env("OUTBOX_RETRY_BASE_MS", "20")
        .env("OUTBOX_RETRY_MAX_MS", "200")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("bedrift dispatch starts")
}

async fn sent_webhooks(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE channel = 'WEBHOOK' AND status = 'SENT'")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_dispatcher_killed_while_sending_webhooks_still_delivers_each_event_under_one_id() {
    const TICKETS: usize = 30;
    const KILLS: usize = 4;
    let app = TestApp::spawn("2035-03-12").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    // 30 ms per delivery, taken before the answer: a kill often falls between the two.
    let receiver = WebhookReceiver::spawn(SECRET, 0, Duration::from_millis(30)).await;
    let (all, _) = endpoint(
        &app,
        &operator,
        &receiver.url,
        &["TICKET_ISSUED"],
        Some(SECRET),
    )
    .await;
    let phones: Vec<String> = (0..TICKETS)
        .map(|i| format!("9{:07}", 1_234_500 + i))
        .collect();
    join_all(
        phones
            .iter()
            .map(|phone| app.create(&admin, &company, phone, order("Anne", "Berg"), None)),
    )
    .await;
    app.settle().await;
    let pool = app.db.pool();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE channel = 'WEBHOOK'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(total, TICKETS as i64, "one delivery per approval");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng::new(seed);
    let mut kills = 0;
    while kills < KILLS {
        let before = sent_webhooks(pool).await;
        if before == total {
            break;
        }
        let mut child = dispatcher(app.db.url());
        let deadline = Instant::now() + Duration::from_secs(60);
        while sent_webhooks(pool).await == before && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(100) as u64)).await;
        child.kill().await.expect("SIGKILL");
        kills += 1;
    }
    let mut last = dispatcher(app.db.url());
    let deadline = Instant::now() + Duration::from_secs(60);
    while sent_webhooks(pool).await < total {
        assert!(
            Instant::now() < deadline,
            "all sent within 60 s (seed {seed})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    last.kill().await.expect("SIGKILL");

    // Each delivery's id reached the receiver, and each event came under one id only (copies
    // of a delivery share its id, which a receiver drops).
    assert!(receiver.bad().is_empty(), "{:?}", receiver.bad());
    let taken = receiver.taken();
    let ids: BTreeSet<String> = taken.iter().map(|d| d.id.clone()).collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        sent_ids(pool, &all).await,
        "seed {seed}"
    );
    let mut ids_per_event: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for delivery in &taken {
        let body: &Value = &delivery.body;
        let event = (
            body["data"]["subscription_id"].as_str().unwrap().to_owned(),
            body["type"].as_str().unwrap().to_owned(),
        );
        ids_per_event
            .entry(event)
            .or_default()
            .insert(delivery.id.clone());
    }
    assert_eq!(ids_per_event.len(), TICKETS, "every ticket's event arrived");
    assert!(
        ids_per_event.values().all(|ids| ids.len() == 1),
        "one id per event (seed {seed})"
    );
    eprintln!(
        "webhook kill test (seed {seed}): {kills} kills, {} requests for {TICKETS} deliveries, {} copies",
        receiver.requests(),
        taken.len() - TICKETS
    );
}
