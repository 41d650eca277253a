//! The dispatcher killed at random points: `bedrift dispatch` runs as its own process and is
//! SIGKILLed again and again while it delivers 1,000 messages, then restarted. Every message
//! arrives at least once, and, since the gateway honours the `Idempotency-Key`, exactly once.

use std::process::Stdio;
use std::time::{Duration, Instant};

use bedrift_store::testing::{Rng, TestDatabase};
use sqlx::PgPool;

use crate::delivery::{message_ids, queue_sms, settled, sorted_keys};
use crate::helpers::{SmsGateway, GATEWAY_AUTH, GATEWAY_BODY};

const MESSAGES: i32 = 1_000;
/// After this many kills the last dispatcher is left to finish.
const KILLS: usize = 12;

async fn sent(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'SENT'")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn dispatcher(database_url: &str, gateway: &SmsGateway) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_bedrift"))
        .arg("dispatch")
        .env("DATABASE_URL", database_url)
        .env("SMS_PROVIDER", "http")
        .env("SMS_HTTP_URL", &gateway.url)
        .env("SMS_HTTP_AUTH_HEADER", GATEWAY_AUTH.0)
        .env("SMS_HTTP_AUTH_VALUE", GATEWAY_AUTH.1)
        .env("SMS_HTTP_BODY_TEMPLATE", GATEWAY_BODY)
        // A claim lasts 3 x 200 ms: a killed dispatcher's messages are due again soon.
        .env("OUTBOX_SEND_TIMEOUT_MS", "200")
        .env("OUTBOX_BATCH", "10")
        .env("OUTBOX_POLL_MS", "50")
        .env("OUTBOX_RETRY_BASE_MS", "20")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("bedrift dispatch starts")
}

#[tokio::test]
async fn killing_the_dispatcher_at_random_points_delivers_each_of_1000_messages_exactly_once() {
    let started = Instant::now();
    let db = TestDatabase::create().await;
    let pool = db.pool();
    queue_sms(pool, MESSAGES).await;
    // 10 ms per request, 10 at a time: a few seconds of sending to kill into.
    let gateway = SmsGateway::spawn(0, true, Duration::from_millis(10)).await;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng::new(seed);
    let (mut kills, mut kills_while_sending) = (0, 0);
    while kills < KILLS {
        let before = sent(pool).await;
        if before == i64::from(MESSAGES) {
            break;
        }
        let mut child = dispatcher(db.url(), &gateway);
        // Once this dispatcher is sending (however slow its start), at a random moment.
        let deadline = Instant::now() + Duration::from_secs(20);
        while sent(pool).await == before && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(250) as u64)).await;
        child.kill().await.expect("SIGKILL");
        kills += 1;
        let after = sent(pool).await;
        if after > before && after < i64::from(MESSAGES) {
            kills_while_sending += 1;
        }
    }
    let mut last = dispatcher(db.url(), &gateway);
    assert_eq!(
        settled(pool).await,
        [("SENT".to_owned(), i64::from(MESSAGES))]
    );
    last.kill().await.expect("SIGKILL");
    let elapsed = started.elapsed();

    // At least once: every message reached the gateway; exactly once: each was delivered once.
    assert_eq!(sorted_keys(&gateway), message_ids(pool).await);
    let repeats = gateway.repeats();
    eprintln!(
        "kill test (seed {seed}): {kills} kills, {kills_while_sending} while sending, \
         {} requests for {MESSAGES} messages, {repeats} repeats dropped by the idempotency key, \
         {:.1} s",
        gateway.requests(),
        elapsed.as_secs_f64()
    );
    assert!(
        kills_while_sending >= KILLS / 2,
        "the dispatcher was killed while sending (seed {seed})"
    );
    assert!(
        repeats > 0,
        "some dispatcher died between sending and marking (seed {seed})"
    );
}
