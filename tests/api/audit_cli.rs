//! `bedrift audit` on the command line, against the database of a running service: a clean
//! log verifies and its read models equal a rebuild; a tampered event makes `verify` fail
//! naming the link, an altered read-model row makes `projections` fail naming its key; and
//! `history` prints every event with its actor and the change in words.

use std::process::Output;

use crate::audit::approved_and_moved;
use crate::helpers::TestApp;

/// Runs `bedrift audit <args>` and waits for it without blocking the runtime: the server and
/// the projector of the test run on it, and `audit projections` waits for the projector to
/// release the checkpoints.
async fn audit(app: &TestApp, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_bedrift"))
        .arg("audit")
        .args(args)
        .env("DATABASE_URL", app.db.url())
        .env_remove("BEDRIFT_DATA_DIR")
        .output()
        .await
        .expect("bedrift runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_audit_commands_pass_a_clean_log_and_name_what_was_tampered_with() {
    let (app, _, _, _, id) = approved_and_moved().await;

    let verified = audit(&app, &["verify"]).await;
    assert!(verified.status.success(), "{verified:?}");
    assert!(stdout(&verified).contains("every chain is intact"));

    let history = audit(&app, &["history", &id]).await;
    assert!(history.status.success(), "{history:?}");
    let text = stdout(&history);
    assert!(
        text.starts_with(&format!("subscription {id}: 3 event(s)")),
        "{text}"
    );
    for expected in [
        "SubscriptionOrdered (v2)  by employee:+4741234567@",
        "Ordered for Anne Ansatt",
        "SubscriptionApproved",
        "by administrator:",
        "Approved, valid from 2027-01-01",
        "Zones changed to kristiansand + vennesla from 2027-01-01",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    let unknown = audit(&app, &["history", &uuid::Uuid::new_v4().to_string()]).await;
    assert!(!unknown.status.success());

    let compared = audit(&app, &["projections"]).await;
    assert!(compared.status.success(), "{compared:?}");
    let text = stdout(&compared);
    assert!(text.contains("tickets: equal"), "{text}");
    assert!(!text.contains("DIFFERS"), "{text}");

    // A ticket's name changed behind the projector's back.
    sqlx::query("UPDATE tickets SET last_name = 'Endret' WHERE subscription_id = $1::uuid")
        .bind(&id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let compared = audit(&app, &["projections"]).await;
    assert!(!compared.status.success());
    let text = stdout(&compared);
    assert!(text.contains("tickets: DIFFERS (2 rows)"), "{text}");
    assert!(
        text.contains(&format!("1 key(s): {id}")),
        "the ticket's key is named:\n{text}"
    );
    assert!(text.contains("billing: equal"), "{text}");

    // The approval's payload rewritten in the log.
    let position: i64 = sqlx::query_scalar(
        "UPDATE events SET payload = jsonb_set(payload, '{SubscriptionApproved,valid_from}', '\"2026-12-01\"')
         WHERE aggregate_id = $1 AND sequence = 2 RETURNING position",
    )
    .bind(&id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let verified = audit(&app, &["verify"]).await;
    assert!(!verified.status.success());
    let text = stdout(&verified);
    assert!(
        text.contains(&format!(
            "Subscription {id} at sequence 2 (position {position}): the stored hash does not match"
        )),
        "{text}"
    );
    assert!(
        text.contains("1 change(s) to stored events were recorded"),
        "{text}"
    );
    assert!(
        text.contains(" of Subscription "),
        "the change names the event:\n{text}"
    );
}
