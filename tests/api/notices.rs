//! The notices of issue 14 through the outbox, delivered by the dispatcher to a real local SMS
//! gateway and SMTP server, each once: the e-mail to the administrators when an order waits
//! for approval, the SMS to an employee whose ticket an administrator changed or cancelled
//! (in the language of the order, with the new deduction), and the e-mail to every company's
//! administrators when the operator publishes new prices. Seeing the events again sends
//! nothing new.

use std::sync::Arc;
use std::time::Duration;

use bedrift_api::notifications::DigestJob;
use bedrift_domain::clock::Clock;
use bedrift_projections::{apply_next_batch_notifying, NotificationSettings};
use serde_json::{json, Value};

use crate::helpers::{order, Mail, SmtpSink, TestApp, ORDER};

/// Waits (at most 60 s) until the sink has an e-mail to `to` whose subject has `needle` (as
/// sent: words with letters beyond ASCII are encoded, so the needle is plain ASCII).
async fn mail(smtp: &SmtpSink, to: &str, needle: &str) -> Mail {
    for _ in 0..1200 {
        if let Some(mail) = mails(smtp, to, needle).into_iter().next() {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no e-mail to {to} about {needle:?}: {:#?}", smtp.mails());
}

fn mails(smtp: &SmtpSink, to: &str, needle: &str) -> Vec<Mail> {
    smtp.mails()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .filter(|m| m.header("subject").is_some_and(|s| s.contains(needle)))
        .collect()
}

/// Waits until the outbox has nothing pending.
async fn settled(app: &TestApp) {
    app.settle().await;
    for _ in 0..1200 {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'PENDING'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox did not settle");
}

/// Kroner as the notices write them: `1 099,00 kr` with non-breaking spaces.
fn kroner(ore: i64) -> String {
    let digits: Vec<char> = (ore / 100).to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|g| g.iter().collect())
        .collect();
    let grouped = groups.join("\u{a0}");
    format!("{grouped},{:02}\u{a0}kr", ore % 100)
}

fn price(tariff: &Value, class: &str) -> i64 {
    tariff["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["zoneClass"] == class && p["category"] == "ADULT")
        .and_then(|p| p["monthly"].as_i64())
        .expect("a price")
}

#[tokio::test]
async fn each_notice_reaches_the_gateway_or_the_mailbox_once() {
    let app = TestApp::spawn_delivering("2026-12-10").await;
    let delivery = app.delivery.as_ref().unwrap();
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, _, other_link) = app
        .company(&operator, "982441366", "ola@annet.no", "AUTOMATIC_APPROVAL")
        .await;

    // An order waits: Firma AS's administrator is told; one approved at once waits for nobody.
    let anne = app.employee(&link, "91234567").await;
    app.order(&anne, order("Anne", "Berg")).await;
    let cato = app.employee(&other_link, "47123456").await;
    app.order(&cato, order("Cato", "Lie")).await;
    let waiting = mail(&delivery.smtp, "kari@firma.no", "Ny bestilling venter").await;
    assert!(
        waiting.body.contains("Bestillingen venter på godkjenning"),
        "{}",
        waiting.body
    );
    assert!(waiting.body.contains("Anne Berg"), "{}", waiting.body);
    assert!(waiting.body.contains("01.01.2027"), "{}", waiting.body);
    assert!(waiting.body.contains("/portal"), "{}", waiting.body);

    // The administrator's own subscription, then a zone change and a cancellation: SMS each.
    let dag = app
        .create(
            &admin,
            &company,
            "93456789",
            order("Dag", "Fjell"),
            Some("2026-12-15"),
        )
        .await;
    let dag = dag["id"].as_str().unwrap();
    app.change_zones(&admin, dag, &[], "NEXT_MONTH").await;
    app.cancel(&admin, dag, "END_OF_MONTH").await;
    let mut english = order("Eva", "Holm");
    english["language"] = json!("EN");
    let eva = app
        .create(&admin, &company, "45678901", english, None)
        .await;
    app.cancel(&admin, eva["id"].as_str().unwrap(), "IMMEDIATELY")
        .await;

    let tariff = app
        .ok(
            None,
            "query { tariff(on: \"2027-01-01\") { prices { zoneClass category monthly } } }",
            json!({}),
        )
        .await;
    let whole_region = price(&tariff["tariff"], "WHOLE_REGION");
    let changed = delivery.gateway.wait_for("+4793456789", "endret").await;
    assert_eq!(
        changed,
        format!(
            "Hei Dag. Arbeidsgiveren din har endret månedsbilletten din til hele regionen fra \
             01.01.2027. Nytt trekk i lønn per måned: {}.",
            kroner(whole_region)
        )
    );
    let cancelled = delivery.gateway.wait_for("+4793456789", "sagt opp").await;
    assert_eq!(
        cancelled,
        "Hei Dag. Arbeidsgiveren din har sagt opp månedsbilletten din. Den gjelder til og med \
         31.12.2026."
    );
    let in_english = delivery.gateway.wait_for("+4745678901", "cancelled").await;
    assert_eq!(
        in_english,
        "Hi Eva. Your employer has cancelled your monthly ticket. It is valid through 10.12.2026."
    );

    // New prices from February: every company's administrators are told before they apply.
    let mut prices = tariff["tariff"]["prices"].as_array().unwrap().clone();
    for p in &mut prices {
        p["monthly"] = json!(p["monthly"].as_i64().unwrap() + 5_000);
    }
    app.ok(
        Some(&operator),
        "mutation($input: PublishTariffInput!) { publishTariff(input: $input) { validFrom } }",
        json!({ "input": { "validFrom": "2027-02-01", "prices": prices } }),
    )
    .await;
    for admin_email in ["kari@firma.no", "ola@annet.no"] {
        let notice = mail(&delivery.smtp, admin_email, "Nye priser").await;
        assert!(
            notice.body.contains("De gjelder fra 01.02.2027"),
            "{}",
            notice.body
        );
        assert!(
            notice.body.contains(&format!(
                "Hele regionen, Voksen: {} -> {}",
                kroner(whole_region),
                kroner(whole_region + 5_000)
            )),
            "{}",
            notice.body
        );
    }

    settled(&app).await;
    // Seeing every event again (the checkpoint set back) queues nothing new.
    let pool = app.db.pool();
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE projection_checkpoints SET tx_id = 0, position = 0 WHERE name = 'notifications'",
    )
    .execute(pool)
    .await
    .unwrap();
    let settings = NotificationSettings::default();
    while apply_next_batch_notifying(pool, &[], Some(&settings), 1_000)
        .await
        .unwrap()
        .0
        > 0
    {}
    let again: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(again, queued, "nothing is queued twice");

    // Once each at the gateway and in the mailbox.
    assert_eq!(
        mails(&delivery.smtp, "kari@firma.no", "Ny bestilling venter").len(),
        1
    );
    assert!(mails(&delivery.smtp, "ola@annet.no", "Ny bestilling venter").is_empty());
    for admin_email in ["kari@firma.no", "ola@annet.no"] {
        assert_eq!(mails(&delivery.smtp, admin_email, "Nye priser").len(), 1);
    }
    let to_dag = delivery.gateway.to("+4793456789");
    assert_eq!(to_dag.iter().filter(|t| t.contains("endret")).count(), 1);
    assert_eq!(to_dag.iter().filter(|t| t.contains("sagt opp")).count(), 1);
}

#[tokio::test]
async fn an_administrator_who_chose_the_daily_digest_gets_one_email_a_day_instead_of_one_per_order()
{
    let app = TestApp::spawn_delivering("2026-12-10").await;
    let delivery = app.delivery.as_ref().unwrap();
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let choose = "mutation($c: ID!, $n: OrderNotice!) { setOrderNotice(companyId: $c, notice: $n) {
        administrators { email orderNotice } } }";
    let chosen = app
        .ok(
            Some(&admin),
            choose,
            json!({ "c": company, "n": "DAILY_DIGEST" }),
        )
        .await;
    assert_eq!(
        chosen["setOrderNotice"]["administrators"],
        json!([{ "email": "kari@firma.no", "orderNotice": "DAILY_DIGEST" }])
    );
    // Only administrators choose, each for themself: an operator is no administrator here.
    let refused = app
        .gql(
            Some(&operator),
            choose,
            json!({ "c": company, "n": "IMMEDIATELY" }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused}"
    );

    let anne = app.employee(&link, "91234567").await;
    app.order(&anne, order("Anne", "Berg")).await;
    let bo = app.employee(&link, "92345678").await;
    app.order(&bo, order("Bo", "Dahl")).await;
    settled(&app).await;
    assert!(
        mails(&delivery.smtp, "kari@firma.no", "Ny bestilling venter").is_empty(),
        "no e-mail per order: {:#?}",
        delivery.smtp.mails()
    );
    let listed = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { administrators { orderNotice } } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(
        listed["company"]["administrators"][0]["orderNotice"],
        "DAILY_DIGEST"
    );

    // Before the digest's hour nothing goes; from it, one e-mail lists both orders, once.
    let clock: Arc<dyn Clock> = Arc::new(app.clock.clone());
    let mut late = DigestJob::new(
        app.db.pool().clone(),
        clock.clone(),
        23,
        "http://localhost:8080",
    );
    assert_eq!(late.run_once().await.unwrap(), 0, "noon is before 23:00");
    let mut morning = DigestJob::new(app.db.pool().clone(), clock, 7, "http://localhost:8080");
    assert_eq!(morning.run_once().await.unwrap(), 1);
    assert_eq!(morning.run_once().await.unwrap(), 0, "one digest a day");
    // Another replica's job the same day finds the digest queued already.
    let mut replica = DigestJob::new(
        app.db.pool().clone(),
        Arc::new(app.clock.clone()),
        7,
        "http://localhost:8080",
    );
    assert_eq!(
        replica.run_once().await.unwrap(),
        0,
        "one digest a day, on every replica"
    );
    let digest = mail(&delivery.smtp, "kari@firma.no", "2 bestillinger venter").await;
    for line in ["- Anne Berg, fra 01.01.2027", "- Bo Dahl, fra 01.01.2027"] {
        assert!(digest.body.contains(line), "{}", digest.body);
    }
    assert!(
        digest.body.contains("http://localhost:8080/portal"),
        "{}",
        digest.body
    );

    // The next day, with nothing waiting, there is no digest.
    for order in ["Anne", "Bo"] {
        let queue = app
            .ok(
                Some(&admin),
                "query($c: ID!) { company(id: $c) { approvalQueue { nodes { id firstName } } } }",
                json!({ "c": company }),
            )
            .await;
        let id = queue["company"]["approvalQueue"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["firstName"] == order)
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .expect("the order waits");
        app.ok(
            Some(&admin),
            "mutation($id: ID!) { approveSubscription(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    }
    app.set_today("2026-12-11");
    settled(&app).await;
    assert_eq!(morning.run_once().await.unwrap(), 0, "nothing waits");
}

/// The e-mails waiting in the outbox to `recipient` whose subject has `needle`.
async fn queued_emails(app: &TestApp, recipient: &str, needle: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE recipient = $1 AND strpos(subject, $2) > 0",
    )
    .bind(recipient)
    .bind(needle)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_approved_in_its_own_append_waits_for_nobody_when_a_batch_ends_between_them() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, _, other_link) = app
        .company(&operator, "982441366", "ola@annet.no", "AUTOMATIC_APPROVAL")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let cato = app.employee(&other_link, "47123456").await;
    let _held = app.stop_projector().await;
    for (token, name) in [(&anne, "Anne"), (&cato, "Cato")] {
        let ordered = app
            .gql_at_once(Some(token), ORDER, json!({ "input": order(name, "Berg") }))
            .await;
        assert!(ordered.get("errors").is_none(), "{ordered:#}");
    }
    // One event a batch: Cato's order and its automatic approval, one append, are queued for
    // in two batches, so the first one cannot see from its own events that nobody waits.
    let settings = NotificationSettings::default();
    let mut batches = 0;
    while apply_next_batch_notifying(app.db.pool(), &[], Some(&settings), 1)
        .await
        .unwrap()
        .0
        > 0
    {
        batches += 1;
    }
    assert!(
        batches >= 3,
        "the orders' events came one a batch ({batches})"
    );
    assert_eq!(
        queued_emails(&app, "kari@firma.no", "Ny bestilling venter").await,
        1
    );
    assert_eq!(
        queued_emails(&app, "ola@annet.no", "Ny bestilling venter").await,
        0
    );
}
