//! The right to erasure with crypto-shredding: the log seals each holder's personal data under
//! the subscription's data key, so erasing deletes the key and the data with it, while the
//! events, the hash chain, the books of past months and every read model (equal to a rebuild)
//! stay. What the accounts must keep is kept until their time, and retention erases it then.

use bedrift_api::erasure::{self, Outcome};
use bedrift_domain::metadata::Actor;
use bedrift_domain::subscription::RetentionRules;
use bedrift_domain::values::{PhoneNumber, ERASED};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::helpers::{log_and_read_models_agree, order, TestApp};

/// What the person entered, in every form the service writes it: none may be left anywhere.
const TRACES: [&str; 6] = [
    "Torgunn",
    "Brekkesæther",
    "91234567",
    "912 34 567",
    "Revisjonsgruppe",
    "TB-4711",
];

/// The tables (every one of the database) whose rows hold any of `needles`, in any column,
/// matched without regard to case. `query_to_xml` renders each row's columns as text (bytea
/// as base64), so one static statement reads every table.
async fn tables_holding(pool: &PgPool, needles: &[&str]) -> Vec<String> {
    let patterns: Vec<String> = needles.iter().map(|n| format!("%{n}%")).collect();
    sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND query_to_xml(format('SELECT * FROM %I', table_name), true, false, '')::text
               ILIKE ANY($1)
         ORDER BY 1",
    )
    .bind(&patterns)
    .fetch_all(pool)
    .await
    .expect("every table scanned")
}

/// The rows of `table` holding any of `needles`, as XML: to say what was left behind.
async fn rows_holding(pool: &PgPool, table: &str, needles: &[&str]) -> Vec<String> {
    let patterns: Vec<String> = needles.iter().map(|n| format!("%{n}%")).collect();
    sqlx::query_scalar(
        "SELECT row::text FROM unnest(xpath('/table/row',
                    query_to_xml(format('SELECT * FROM %I', $1::text), true, false, ''))) AS row
         WHERE row::text ILIKE ANY($2)",
    )
    .bind(table)
    .bind(&patterns)
    .fetch_all(pool)
    .await
    .expect("the table read")
}

/// Asserts that no table holds any of `needles`, naming the rows that do.
async fn assert_nowhere(pool: &PgPool, needles: &[&str]) {
    let mut left = Vec::new();
    for table in tables_holding(pool, needles).await {
        left.push((table.clone(), rows_holding(pool, &table, needles).await));
    }
    assert!(left.is_empty(), "left behind: {left:#?}");
}

const PAYROLL: &str =
    "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) {
    lines { firstName lastName phone deduction }
    totals { subscriptions price employerContribution deduction } } } }";

/// The operator's invoice basis of `month`: per company and in all.
async fn invoice(app: &TestApp, operator: &str, month: &str) -> Value {
    app.ok(
        Some(operator),
        "query($m: Month!) { invoiceBasis(month: $m) {
           lines { companyId totals { subscriptions price employerContribution deduction } }
           totals { subscriptions price employerContribution deduction } } }",
        json!({ "m": month }),
    )
    .await["invoiceBasis"]
        .clone()
}

async fn payroll(app: &TestApp, token: &str, company: &str, month: &str) -> Value {
    app.ok(Some(token), PAYROLL, json!({ "c": company, "m": month }))
        .await["company"]["payrollDeductionBasis"]
        .clone()
}

async fn erase(app: &TestApp, phone: &str) -> Vec<erasure::Erased> {
    erasure::erase_phone(
        app.db.pool(),
        &app.state.commands.subscriptions,
        &app.clock,
        &PhoneNumber::parse(phone).unwrap(),
        Actor::System,
        RetentionRules::default(),
    )
    .await
    .expect("erasure runs")
}

#[tokio::test]
async fn an_erased_person_is_in_no_table_while_the_chain_the_books_and_the_rebuild_stay() {
    let app = TestApp::spawn("2026-11-20").await;
    let pool = app.db.pool().clone();
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.configure_order_form(
        &admin,
        &company,
        json!({ "employeeNumber": "OPTIONAL",
            "extraFields": [{ "label": "Avdeling" }] }),
    )
    .await;
    // Torgunn's ticket runs through December and is charged for it; Bo's goes on.
    let torgunn = app.employee(&link, "912 34 567").await;
    let mut input = order("Torgunn", "Brekkesæther");
    input["employeeNumber"] = json!("TB-4711");
    input["extraFields"] = json!([{ "label": "Avdeling", "value": "Revisjonsgruppe Nord" }]);
    let ordered = app.order(&torgunn, input).await;
    let id = ordered["id"].as_str().unwrap().to_owned();
    app.approve(&admin, &id).await;
    let bo = app.employee(&link, "92345678").await;
    let bos = app.order(&bo, order("Bo", "Dahl")).await;
    app.approve(&admin, bos["id"].as_str().unwrap()).await;
    app.set_today("2026-12-10");
    let admin = app.log_in("kari@firma.no").await;
    app.cancel(&admin, &id, "END_OF_MONTH").await;
    app.settle().await;

    // The log holds none of it in clear: the events are sealed.
    let sealed: String = sqlx::query_scalar(
        "SELECT string_agg(payload::text || metadata::text, ' ') FROM events
         WHERE aggregate_type = 'Subscription' AND aggregate_id = $1",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    for trace in TRACES {
        assert!(!sealed.contains(trace), "{trace} in the log: {sealed}");
    }
    // The person's own download opens it: what they entered and their history.
    let before = bedrift_api::personal_data::for_phone(
        &pool,
        &PhoneNumber::parse("91234567").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let whole = before.to_string();
    for entered in ["Torgunn", "Brekkesæther", "TB-4711", "Revisjonsgruppe Nord"] {
        assert!(whole.contains(entered), "{entered} missing from {before:#}");
    }
    let history = &before["subscriptions"][0]["history"];
    assert_eq!(
        history[0]["recorded"]["SubscriptionOrdered"]["first_name"],
        "Torgunn"
    );
    let december = payroll(&app, &admin, &company, "2026-12").await;
    assert_eq!(december["totals"]["subscriptions"], 2);
    let operator = app.log_in("ops@akt.no").await;
    let invoiced = invoice(&app, &operator, "2026-12").await;
    assert_eq!(invoiced["totals"]["subscriptions"], 2);

    // In January the accounts keep December's ticket: through 2031.
    app.set_today("2027-01-05");
    let kept = erase(&app, "91234567").await;
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].outcome,
        Outcome::KeptForAccountsThrough("2031-12-31".parse().unwrap())
    );
    app.settle().await;
    assert!(!tables_holding(&pool, &["Torgunn"]).await.is_empty());
    // Meanwhile it serves the accounts only: gone from the company's list and searches, still
    // in December's basis.
    let admin = app.log_in("kari@firma.no").await;
    let listed = |search: Option<&str>| {
        let app = &app;
        let admin = admin.clone();
        let company = company.clone();
        let search = search.map(str::to_owned);
        async move {
            let data = app
                .ok(
                    Some(&admin),
                    "query($c: ID!, $s: String) { company(id: $c) { tickets(search: $s) { nodes { id } } } }",
                    json!({ "c": company, "s": search }),
                )
                .await;
            data["company"]["tickets"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(!listed(None).await.contains(&id));
    assert!(listed(Some("Torgunn")).await.is_empty());
    assert_eq!(listed(None).await.len(), 1, "Bo's ticket is listed");
    assert_eq!(
        payroll(&app, &admin, &company, "2026-12").await["totals"],
        december["totals"]
    );

    // In 2032 nothing keeps it.
    app.set_today("2032-01-02");
    let erased = erase(&app, "91234567").await;
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0].outcome, Outcome::Erased);
    assert_eq!(erased[0].subscription_id.to_string(), id);
    app.settle().await;

    assert_nowhere(&pool, &TRACES).await;
    log_and_read_models_agree(&pool).await;
    // December's books keep their amounts; the line shows the placeholder.
    let admin = app.log_in("kari@firma.no").await;
    let after = payroll(&app, &admin, &company, "2026-12").await;
    assert_eq!(after["totals"], december["totals"]);
    let operator = app.log_in("ops@akt.no").await;
    assert_eq!(invoice(&app, &operator, "2026-12").await, invoiced);
    let lines = after["lines"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["firstName"] == ERASED && l["phone"] == ERASED),
        "{after:#}"
    );
    assert!(lines.iter().any(|l| l["firstName"] == "Bo"), "{after:#}");
    // The history still has every event, and says what happened.
    let history = app
        .ok(
            Some(&admin),
            "query($id: ID!) { subscription(id: $id) { history { change { kind firstName } } } }",
            json!({ "id": id }),
        )
        .await;
    let kinds: Vec<&str> = history["subscription"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"ORDERED"));
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["PROCESSING_RESTRICTED", "PERSONAL_DATA_ERASED"]
    );
    // Erasing again changes nothing.
    let again = erase(&app, "91234567").await;
    assert!(again.is_empty(), "{again:?}");
}

#[tokio::test]
async fn a_live_ticket_is_kept_and_a_rejected_order_goes_on_request_or_after_thirty_days() {
    let app = TestApp::spawn("2026-11-20").await;
    let pool = app.db.pool().clone();
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let _ = company;
    let torgunn = app.employee(&link, "91234567").await;
    let live = app.order(&torgunn, order("Torgunn", "Brekkesæther")).await;
    let live = live["id"].as_str().unwrap().to_owned();
    app.approve(&admin, &live).await;
    let rejected_one = app.employee(&link, "93456789").await;
    let rejected = app.order(&rejected_one, order("Solfrid", "Ulvestad")).await;
    let rejected = rejected["id"].as_str().unwrap().to_owned();
    app.reject(&admin, &rejected, "Ikke ansatt her").await;
    app.settle().await;

    let outcome = erase(&app, "91234567").await;
    assert_eq!(outcome.len(), 1);
    assert_eq!(outcome[0].outcome, Outcome::KeptWhileLive);

    // Retention leaves the rejected order (rejected on 20 November) for 30 days, then
    // erases it.
    app.set_today("2026-12-19");
    let clock: std::sync::Arc<dyn bedrift_domain::clock::Clock> =
        std::sync::Arc::new(app.clock.clone());
    let early = bedrift_api::retention::expire_personal_data(
        &pool,
        clock.clone(),
        RetentionRules::default(),
    )
    .await
    .unwrap();
    assert_eq!(early.subscriptions, 0);
    app.set_today("2026-12-20");
    let due = bedrift_api::retention::expire_personal_data(
        &pool,
        clock.clone(),
        RetentionRules::default(),
    )
    .await
    .unwrap();
    assert_eq!(due.subscriptions, 1);
    app.settle().await;
    assert_nowhere(&pool, &["Solfrid", "Ulvestad", "93456789"]).await;
    assert!(
        !tables_holding(&pool, &["Torgunn"]).await.is_empty(),
        "the live ticket stays"
    );
    log_and_read_models_agree(&pool).await;

    // A restore from a backup taken before the erasure: the key comes back; replaying the
    // journal deletes it again and retention records the erasure in the restored log.
    let journal = erasure::journal(&pool).await.unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    assert!(journal.contains(&rejected));
    let again = erasure::replay(&pool, &journal).await.unwrap();
    assert_eq!(again, 0, "the key is already gone here");
}

/// A company under APPROVAL_REQUIRED whose employee Solfrid (93456789) has ordered: (app,
/// operator, administrator, Solfrid's session, the order's id).
async fn solfrid_orders() -> (TestApp, String, String, String, String) {
    let app = TestApp::spawn("2026-11-20").await;
    let operator = app.operator().await;
    let (_, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let solfrid = app.employee(&link, "93456789").await;
    let ordered = app.order(&solfrid, order("Solfrid", "Ulvestad")).await;
    let id = ordered["id"].as_str().unwrap().to_owned();
    (app, operator, admin, solfrid, id)
}

#[tokio::test]
async fn an_operator_erases_on_request_over_the_api_and_no_one_else_may() {
    let (app, operator, admin, solfrid, id) = solfrid_orders().await;
    let pool = app.db.pool().clone();
    app.ok(
        Some(&solfrid),
        "mutation($id: ID!) { withdrawOrder(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    const ERASE: &str = "mutation($p: String!) { erasePersonalData(phone: $p) {
        subscriptionId outcome keptThrough } }";
    let refused = app
        .gql(Some(&admin), ERASE, json!({ "p": "93456789" }))
        .await;
    assert_eq!(crate::helpers::code(&refused), "FORBIDDEN");
    let bad = app
        .gql(Some(&operator), ERASE, json!({ "p": "not a number" }))
        .await;
    assert_eq!(crate::helpers::code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "phone");

    let erased = app
        .ok(Some(&operator), ERASE, json!({ "p": "93456789" }))
        .await;
    assert_eq!(
        erased["erasePersonalData"],
        json!([{ "subscriptionId": id, "outcome": "ERASED", "keptThrough": null }])
    );
    app.settle().await;
    assert_nowhere(&pool, &["Solfrid", "Ulvestad", "93456789"]).await;
    log_and_read_models_agree(&pool).await;
}

const INVITE: &str = "mutation($c: ID!, $e: String!, $n: String!) {
    inviteAdministrator(companyId: $c, email: $e, name: $n) { administrators { accountId email } } }";
const ERASE_ADMINISTRATOR: &str = "mutation($e: String!) {
    eraseAdministratorData(email: $e) { outcome administering } }";

#[tokio::test]
async fn an_administrators_data_goes_once_they_administer_no_company_and_retention_takes_the_rest()
{
    let app = TestApp::spawn("2026-11-20").await;
    let pool = app.db.pool().clone();
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let invited = app
        .ok(
            Some(&admin),
            INVITE,
            json!({ "c": company, "e": "oddvar.tjelmeland@firma.no", "n": "Oddvar Tjelmeland" }),
        )
        .await;
    let oddvar = invited["inviteAdministrator"]["administrators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "oddvar.tjelmeland@firma.no")
        .unwrap()["accountId"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        Some(&admin),
        INVITE,
        json!({ "c": company, "e": "marit.vikene@firma.no", "n": "Marit Vikene" }),
    )
    .await;
    app.settle().await;
    let sealed: String = sqlx::query_scalar(
        "SELECT string_agg(payload::text, ' ') FROM events WHERE aggregate_type = 'Company'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        !sealed.contains("Tjelmeland") && !sealed.contains("oddvar"),
        "{sealed}"
    );

    // Addresses are one account whatever their case.
    let kept = app
        .ok(
            Some(&operator),
            ERASE_ADMINISTRATOR,
            json!({ "e": "Oddvar.Tjelmeland@Firma.no" }),
        )
        .await;
    assert_eq!(
        kept["eraseAdministratorData"],
        json!({ "outcome": "KEPT_WHILE_ADMINISTERING", "administering": [company] })
    );
    app.ok(
        Some(&admin),
        "mutation($c: ID!, $a: ID!) { removeAdministrator(companyId: $c, accountId: $a) { name } }",
        json!({ "c": company, "a": oddvar }),
    )
    .await;
    let refused = app
        .gql(
            Some(&admin),
            ERASE_ADMINISTRATOR,
            json!({ "e": "oddvar.tjelmeland@firma.no" }),
        )
        .await;
    assert_eq!(crate::helpers::code(&refused), "FORBIDDEN");
    let erased = app
        .ok(
            Some(&operator),
            ERASE_ADMINISTRATOR,
            json!({ "e": "oddvar.tjelmeland@firma.no" }),
        )
        .await;
    assert_eq!(
        erased["eraseAdministratorData"],
        json!({ "outcome": "ERASED", "administering": [] })
    );
    app.settle().await;
    assert_nowhere(&pool, &["Tjelmeland", "oddvar"]).await;
    log_and_read_models_agree(&pool).await;
    // The company still loads, with the administrators it has.
    let admins = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { administrators { email } } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(
        admins["company"]["administrators"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Marit is removed too, and retention erases her 30 days later.
    let marit: String =
        sqlx::query_scalar("SELECT id::text FROM accounts WHERE email = 'marit.vikene@firma.no'")
            .fetch_one(&pool)
            .await
            .unwrap();
    app.ok(
        Some(&admin),
        "mutation($c: ID!, $a: ID!) { removeAdministrator(companyId: $c, accountId: $a) { name } }",
        json!({ "c": company, "a": marit }),
    )
    .await;
    app.settle().await;
    let clock: std::sync::Arc<dyn bedrift_domain::clock::Clock> =
        std::sync::Arc::new(app.clock.clone());
    let rules = RetentionRules::default();
    let soon = bedrift_api::retention::expire_personal_data(&pool, clock.clone(), rules)
        .await
        .unwrap();
    assert_eq!(soon.administrators, 0);
    app.set_today("2027-01-05");
    let later = bedrift_api::retention::expire_personal_data(&pool, clock, rules)
        .await
        .unwrap();
    assert_eq!(later.administrators, 1);
    assert_nowhere(&pool, &["Vikene", "marit"]).await;
    assert!(
        !tables_holding(&pool, &["kari@firma.no"]).await.is_empty(),
        "Kari stays"
    );
    log_and_read_models_agree(&pool).await;
}

/// The first step of an erasure alone: subscription `id` records `PersonalDataErased`, and its
/// key is still there.
async fn erasure_recorded(app: &TestApp, id: &str) {
    use bedrift_domain::clock::Clock;
    app.state
        .commands
        .subscriptions
        .execute(
            id,
            bedrift_domain::subscription::SubscriptionCommand::ErasePersonalData {
                by: Actor::System,
                rules: RetentionRules::default(),
            },
            &bedrift_domain::metadata::Metadata::new(Actor::System, app.clock.now()),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn retention_finishes_an_erasure_that_stopped_between_its_two_steps() {
    let (app, _, admin, _, id) = solfrid_orders().await;
    let pool = app.db.pool().clone();
    app.reject(&admin, &id, "Ikke ansatt her").await;
    // The first step alone, as if the process stopped before deleting the key.
    erasure_recorded(&app, &id).await;
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM data_keys WHERE aggregate_id = $1")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(keys, 1, "the key is still there");

    let clock: std::sync::Arc<dyn bedrift_domain::clock::Clock> =
        std::sync::Arc::new(app.clock.clone());
    let finished =
        bedrift_api::retention::expire_personal_data(&pool, clock, RetentionRules::default())
            .await
            .unwrap();
    assert_eq!(finished.subscriptions, 1);
    app.settle().await;
    assert_nowhere(&pool, &["Solfrid", "Ulvestad", "93456789"]).await;
    log_and_read_models_agree(&pool).await;
}

#[tokio::test]
async fn an_erasure_waits_for_the_projector_batch_under_way_and_scrubs_what_it_queued() {
    let (app, _, admin, _, id) = solfrid_orders().await;
    let pool = app.db.pool().clone();
    app.reject(&admin, &id, "Ikke ansatt her").await;
    app.settle().await;
    erasure_recorded(&app, &id).await;

    // A batch under way: it holds the checkpoints, has opened the events with the key, and
    // has not yet queued the message it made of them.
    let mut batch = bedrift_store::begin(&pool).await.unwrap();
    sqlx::query("SELECT name FROM projection_checkpoints ORDER BY name FOR UPDATE")
        .fetch_all(&mut *batch)
        .await
        .unwrap();

    // Retention finishes the erasure meanwhile.
    let clock: std::sync::Arc<dyn bedrift_domain::clock::Clock> =
        std::sync::Arc::new(app.clock.clone());
    let erasing = tokio::spawn({
        let pool = pool.clone();
        async move {
            bedrift_api::retention::expire_personal_data(&pool, clock, RetentionRules::default())
                .await
        }
    });
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            // The projector's own next batch waits too (and the erasure behind it in the
            // rows' queue); the erasure's statement is its own.
            let waiting: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                                WHERE wait_event_type = 'Lock'
                                  AND query LIKE 'SELECT name FROM projection_checkpoints%')",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            if waiting || erasing.is_finished() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the erasure neither waited for the batch nor finished");

    sqlx::query(
        "INSERT INTO outbox (channel, recipient, subject, body, cause)
         VALUES ('SMS', '+4793456789', NULL, 'Hei Solfrid Ulvestad, bestillingen er avvist.',
                 'test:batch-under-way')",
    )
    .execute(&mut *batch)
    .await
    .unwrap();
    batch.commit().await.unwrap();
    let finished = erasing.await.unwrap().unwrap();
    assert_eq!(finished.subscriptions, 1);
    app.settle().await;
    assert_nowhere(&pool, &["Solfrid", "Ulvestad", "93456789"]).await;
}
