//! Crash safety: the real `bedrift serve` (a child process) under the load generator's mix is
//! killed with SIGKILL in the middle of the load, restarted, and loaded again. Afterwards every
//! mutation that was answered with success is in the event log, every read model equals a
//! rebuild from the log, and every SMS code the API acknowledged has its outbox message.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use bedrift_load::client::{Answer, Client};
use bedrift_load::messages::without_message;
use bedrift_load::mix::{self, Acknowledged, MixOutcome, MixSettings};
use bedrift_load::stats::{Live, Operation};
use bedrift_load::world::{World, WorldSettings};
use bedrift_projections::rebuild::compare_with_rebuild;
use bedrift_projections::{wait_for_position, ReadModel};
use bedrift_store::head_position;
use bedrift_store::testing::TestDatabase;
use tokio::process::{Child, Command};

/// `bedrift serve` on `database`, listening on a free port of 127.0.0.1.
async fn serve(database: &TestDatabase) -> (Child, SocketAddr) {
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let output = || {
        if std::env::var_os("TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        }
    };
    let child = Command::new(env!("CARGO_BIN_EXE_bedrift"))
        .arg("serve")
        .env("DATABASE_URL", database.url())
        .env("BIND", address.to_string())
        .env("RUST_LOG", "warn")
        // The set-up reads each SMS code and invitation link from its outbox row, and a sent
        // row keeps neither. An SMS gateway and an SMTP server that refuse every connection
        // keep those rows pending (the first retry comes after ten minutes), while everything
        // else runs as in production.
        .env("SMS_PROVIDER", "http")
        .env("SMS_HTTP_URL", "http://127.0.0.1:9/sms")
        .env("EMAIL_PROVIDER", "smtp")
        .env("SMTP_URL", "smtp://127.0.0.1:9")
        .env("EMAIL_FROM", "Bedriftsbillett <ikke-svar@billett.test>")
        .env("OUTBOX_RETRY_BASE_MS", "600000")
        .stdin(Stdio::null())
        .stdout(output())
        .stderr(output())
        .kill_on_drop(true)
        .spawn()
        .expect("bedrift serve starts");
    let mut client = Client::new(address, 0);
    for _ in 0..300 {
        if let Answer::Data(_) = client
            .graphql(None, "{ __typename }", serde_json::json!({}))
            .await
        {
            return (child, address);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("bedrift serve did not answer within 30 s (TEST_LOG=1 shows its output)");
}

/// Drives the mix against `world` until `stop` completes, counting into `live`.
async fn load(
    world: &World,
    database: &TestDatabase,
    live: Arc<Live>,
    stop: impl std::future::Future<Output = ()> + Send,
) -> MixOutcome {
    let settings = MixSettings {
        // Only a bound: the load ends when `stop` completes.
        duration: Duration::from_secs(600),
        rate: None,
    };
    mix::run(world, database.pool(), settings, live, stop).await
}

/// The acknowledged event-appending mutations that have fewer events of their type on their
/// subscription than were acknowledged.
async fn missing_from_log(
    database: &TestDatabase,
    acknowledged: &[Acknowledged],
) -> Vec<(String, &'static str, i64)> {
    let mut expected: HashMap<(String, &'static str), i64> = HashMap::new();
    for ack in acknowledged {
        if let (Some(event_type), Some(id)) = (ack.operation.event_type(), &ack.subscription) {
            *expected.entry((id.clone(), event_type)).or_default() += 1;
        }
    }
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT aggregate_id, event_type, count(*) FROM events
         WHERE aggregate_type = 'Subscription' GROUP BY aggregate_id, event_type",
    )
    .fetch_all(database.pool())
    .await
    .expect("the log is readable");
    let logged: HashMap<(String, String), i64> = rows
        .into_iter()
        .map(|(id, event_type, n)| ((id, event_type), n))
        .collect();
    let mut missing: Vec<_> = expected
        .into_iter()
        .filter_map(|((id, event_type), n)| {
            let found = logged
                .get(&(id.clone(), event_type.to_owned()))
                .copied()
                .unwrap_or(0);
            (found < n).then_some((id, event_type, n - found))
        })
        .collect();
    missing.sort();
    missing
}

/// The administrator of the first company creates a subscription on the restarted server
/// with the session from before the kill.
async fn create_after_restart(world: &World, address: SocketAddr) -> Acknowledged {
    let company = &world.companies[0];
    let mut client = Client::new(address, 0);
    let data = client
        .data(
            Some(&company.admin),
            "mutation($c: ID!, $p: String!) { createSubscription(companyId: $c, phone: $p,
               input: { firstName: \"Etter\", lastName: \"Omstart\", zones: [\"arendal\"], category: ADULT }) { id } }",
            serde_json::json!({ "c": company.id, "p": world.phones.next() }),
        )
        .await
        .expect("the restarted server takes writes with the sessions from before");
    Acknowledged {
        operation: Operation::CreateSubscription,
        subscription: data["createSubscription"]["id"].as_str().map(str::to_owned),
        phone: None,
    }
}

/// Event-appending mutations acknowledged before the kill.
const WRITES_BEFORE_KILL: u64 = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_load_keeps_every_acknowledged_write_and_rebuilds_its_read_models() {
    let database = TestDatabase::create().await;
    let (mut server, address) = serve(&database).await;
    let world = World::create(
        address,
        database.pool(),
        WorldSettings {
            // One company: accepting an invitation hashes a password at production cost, which
            // a debug build takes seconds for.
            companies: 1,
            clients: 6,
            employees_per_client: 2,
        },
        &|_| {},
    )
    .await
    .expect("companies, administrators and employees are set up");

    // The kill comes once the load is well under way, measured in writes the server
    // acknowledged rather than in seconds (a busy machine may need many seconds for as many
    // writes); the load stops once the server is gone.
    let live = Arc::new(Live::default());
    let killed = tokio::sync::Notify::new();
    let kill = async {
        while live.writes.load(std::sync::atomic::Ordering::Relaxed) < WRITES_BEFORE_KILL {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let errors_before = live.errors.load(std::sync::atomic::Ordering::Relaxed);
        server.start_kill().expect("SIGKILL is sent");
        server.wait().await.expect("the server is gone");
        // The load goes on until its clients have met the dead server.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while live.errors.load(std::sync::atomic::Ordering::Relaxed) == errors_before
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        killed.notify_one();
    };
    let (before, ()) = tokio::join!(
        load(&world, &database, live.clone(), killed.notified()),
        kill
    );
    let cut_off = before
        .recorder
        .tallies
        .values()
        .any(|t| t.errors.contains_key("TRANSPORT"));
    assert!(
        cut_off,
        "the kill hit requests in flight:\n{}",
        before.recorder.table(before.elapsed)
    );

    let (_restarted, address) = serve(&database).await;
    let mut acknowledged = before.acknowledged;
    assert!(
        !acknowledged.is_empty(),
        "mutations succeeded before the kill"
    );
    acknowledged.push(create_after_restart(&world, address).await);

    assert_eq!(
        missing_from_log(&database, &acknowledged).await,
        Vec::new(),
        "acknowledged mutations missing from the event log"
    );

    let phones: Vec<String> = acknowledged
        .iter()
        .filter(|a| a.operation == Operation::RequestVerificationCode)
        .filter_map(|a| a.phone.clone())
        .chain(world.employees.iter().flatten().map(|e| e.phone.clone()))
        .collect();
    assert_eq!(
        without_message(database.pool(), &phones)
            .await
            .expect("the outbox is readable"),
        Vec::<String>::new(),
        "acknowledged SMS codes without their outbox message"
    );

    let head = head_position(database.pool())
        .await
        .expect("the head")
        .unwrap_or_default();
    wait_for_position(database.pool(), None, head, Duration::from_secs(30))
        .await
        .expect("the restarted projector catches up");
    let differences = compare_with_rebuild(database.pool(), &ReadModel::ALL)
        .await
        .expect("a rebuild into scratch tables");
    assert!(
        differences.values().all(|n| *n == 0),
        "read models differ from a rebuild: {differences:?}"
    );
}
