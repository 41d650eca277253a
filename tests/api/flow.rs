//! SPEC.md's flow, steps 1-8, under `APPROVAL_REQUIRED`: register, invite, policy, order link,
//! SMS login, orders, the approval queue, approval and rejection, the statuses the employees
//! see, zone changes (next month and immediately), the refused category change, cancellation
//! by the employee and the administrator, resume, and the payroll deduction basis of December,
//! January and February with the example tariff's prices (R8, R10, R12, R13).

use serde_json::{json, Value};

use crate::helpers::{code, line, link_token, order, ticket_token, TestApp, ORDER};

/// Example tariff (domain/src/tariff/agder.rs), in øre.
const ADULT_TWO_ZONES: i64 = 105_000;
const ADULT_WHOLE_REGION: i64 = 150_000;
const YOUNG_ADULT_TWO_ZONES: i64 = 70_000;

fn id(subscription: &Value) -> String {
    subscription["id"].as_str().unwrap().to_owned()
}

fn tickets(data: &Value) -> usize {
    data["company"]["tickets"]["edges"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_whole_flow_with_approval_required() {
    let app = TestApp::spawn_delivering("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let form = app
        .ok(
            None,
            "query($t: String!) { orderForm(token: $t) { companyName startDate orderingPolicy } }",
            json!({ "t": link }),
        )
        .await;
    assert_eq!(form["orderForm"]["startDate"], "2027-01-01");
    assert_eq!(form["orderForm"]["orderingPolicy"], "APPROVAL_REQUIRED");

    // Four employees order; each order waits for the administrator.
    let anne = app.employee(&link, "912 34 567").await;
    let bjorn = app.employee(&link, "48123456").await;
    let cecilie = app.employee(&link, "+47 41234567").await;
    let dag = app.employee(&link, "93456789").await;
    let anne_sub = app.order(&anne, order("Anne", "Berg")).await;
    assert_eq!(anne_sub["status"], "PENDING");
    assert_eq!(anne_sub["startDate"], "2027-01-01");
    let anne_sub = id(&anne_sub);
    let bjorn_sub = id(&app.order(&bjorn, order("Bjørn", "Dahl")).await);
    let young = json!({ "firstName": "Cecilie", "lastName": "Eik",
        "zones": ["vennesla", "kristiansand"], "category": "YOUNG_ADULT" });
    let cecilie_sub = id(&app.order(&cecilie, young).await);
    let dag_sub = id(&app.order(&dag, order("Dag", "Fjell")).await);
    let again = app
        .gql(
            Some(&anne),
            ORDER,
            json!({ "input": order("Anne", "Berg") }),
        )
        .await;
    assert_eq!(code(&again), "ALREADY_SUBSCRIBED");
    assert_eq!(
        app.queue(&admin, &company).await,
        [&anne_sub, &bjorn_sub, &cecilie_sub, &dag_sub].map(String::as_str),
        "oldest first"
    );

    // Decisions: three approved, one rejected with a reason the employee sees.
    for sub in [&anne_sub, &cecilie_sub, &dag_sub] {
        let approved = app.approve(&admin, sub).await;
        assert_eq!(approved["status"], "UPCOMING");
        assert_eq!(approved["validFrom"], "2027-01-01");
    }
    let rejected = app.reject(&admin, &bjorn_sub, "Ikke ansatt her").await;
    assert_eq!(rejected["status"], "REJECTED");
    assert!(app.queue(&admin, &company).await.is_empty());
    let mine = app.mine(&anne).await;
    assert_eq!(
        (&mine[0]["status"], &mine[0]["orderStatus"]),
        (&json!("UPCOMING"), &json!("APPROVED"))
    );
    let mine = app.mine(&bjorn).await;
    assert_eq!(mine.len(), 1, "only their own subscriptions");
    assert_eq!(mine[0]["status"], "REJECTED");
    assert_eq!(mine[0]["orderStatus"], "REJECTED");
    assert_eq!(mine[0]["rejectionReason"], "Ikke ansatt her");

    // The messages arrived through the SMS gateway (which refused the first attempts) and the
    // SMTP server: the invitation, the codes, the approvals with the app link, the rejection
    // with its reason.
    let delivery = app.delivery.clone().expect("the dispatcher runs");
    let invitation = delivery.smtp.wait_for("kari@firma.no").await;
    assert_eq!(
        invitation.header("Subject").as_deref(),
        Some("Invitasjon til Bedriftsportalen for Firma AS")
    );
    // The newest message to the administrator is now the notice of a waiting order, so the
    // invitation is recognised by its link.
    assert_eq!(
        link_token(&invitation.body).len(),
        64,
        "the e-mail carries an invitation link"
    );
    for phone in ["+4791234567", "+4748123456", "+4741234567", "+4793456789"] {
        delivery.gateway.wait_for(phone, "engangskode").await;
    }
    // Each approval SMS links to the holder's own ticket page.
    for (phone, holder) in [
        ("+4791234567", "Anne Berg"),
        ("+4741234567", "Cecilie Eik"),
        ("+4793456789", "Dag Fjell"),
    ] {
        let sms = delivery.gateway.wait_for(phone, "er godkjent").await;
        assert!(sms.contains("gjelder fra 01.01.2027"), "{sms}");
        let page = app.get(&format!("/billett/{}", ticket_token(&sms))).await;
        assert_eq!(page.status, 200, "{sms}");
        assert!(page.text().contains(holder), "{sms}");
    }
    let rejection = delivery.gateway.wait_for("+4748123456", "avvist").await;
    assert!(
        rejection.ends_with("Begrunnelse: Ikke ansatt her"),
        "{rejection}"
    );

    // Zones change from next month; a category change is refused (R8, R9).
    let changed = app
        .change_zones(
            &admin,
            &anne_sub,
            &["kristiansand", "vennesla"],
            "NEXT_MONTH",
        )
        .await;
    assert_eq!(changed["zoneClass"], "TWO_ZONES");
    for token in [&anne, &admin] {
        let refused = app
            .gql(
                Some(token),
                "mutation($id: ID!) { changeCategory(id: $id, category: SENIOR) { id } }",
                json!({ "id": anne_sub }),
            )
            .await;
        assert_eq!(code(&refused), "CATEGORY_CHANGE_REQUIRES_NEW_SUBSCRIPTION");
        assert!(refused["data"].is_null());
    }
    assert_eq!(app.mine(&anne).await[0]["category"], "ADULT");

    // Dag cancels before the start: ends 31 December, never valid, never charged (R10).
    let cancelled = app.cancel(&dag, &dag_sub, "END_OF_MONTH").await;
    assert_eq!(cancelled["endDate"], "2026-12-31");
    assert_eq!(cancelled["status"], "ENDED");
    // Cecilie cancels and changes her mind (R11).
    let cancelled = app.cancel(&cecilie, &cecilie_sub, "END_OF_MONTH").await;
    assert_eq!(cancelled["endDate"], "2026-12-31");
    let resumed = app.resume(&cecilie, &cecilie_sub).await;
    assert_eq!(resumed["endDate"], Value::Null);
    assert_eq!(resumed["status"], "UPCOMING");

    let december = app.payroll(&admin, &company, "2026-12").await;
    assert!(december.lines().is_empty(), "nothing starts in December");
    assert!(december.preliminary());
    let january = app.payroll(&admin, &company, "2027-01").await;
    assert_eq!(
        january.lines(),
        [
            line("Anne", "TWO_ZONES", ADULT_TWO_ZONES),
            line("Cecilie", "TWO_ZONES", YOUNG_ADULT_TWO_ZONES),
        ],
        "Bjørn was rejected and Dag cancelled before the start"
    );

    // January: the tickets are active.
    app.set_today("2027-01-05");
    let admin = app.log_in("kari@firma.no").await;
    assert_eq!(app.mine(&anne).await[0]["status"], "ACTIVE");
    assert_eq!(app.mine(&dag).await[0]["status"], "ENDED");

    // An immediate zone change: January is charged at the dearer selection (R8).
    let changed = app
        .change_zones(&admin, &anne_sub, &[], "IMMEDIATELY")
        .await;
    assert_eq!(changed["zoneClass"], "WHOLE_REGION");
    assert_eq!(changed["wholeRegion"], true);

    // The employee cancels (end of month) and resumes.
    let cancelled = app.cancel(&anne, &anne_sub, "END_OF_MONTH").await;
    assert_eq!(cancelled["status"], "ENDING");
    assert_eq!(cancelled["endDate"], "2027-01-31");
    let ending = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { tickets(status: ENDING) { edges { node { id } } } } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(tickets(&ending), 1);
    let resumed = app.resume(&anne, &anne_sub).await;
    assert_eq!(resumed["status"], "ACTIVE");
    assert_eq!(resumed["endDate"], Value::Null);

    // The administrator ends Cecilie's ticket today (employment ended).
    let ended = app.cancel(&admin, &cecilie_sub, "IMMEDIATELY").await;
    assert_eq!(ended["endDate"], "2027-01-05");
    assert_eq!(app.mine(&cecilie).await[0]["endDate"], "2027-01-05");

    let december = app.payroll(&admin, &company, "2026-12").await;
    assert!(december.lines().is_empty());
    assert!(!december.preliminary(), "an ended month is final");
    let january = app.payroll(&admin, &company, "2027-01").await;
    let january_lines = [
        line("Anne", "WHOLE_REGION", ADULT_WHOLE_REGION),
        line("Cecilie", "TWO_ZONES", YOUNG_ADULT_TWO_ZONES),
    ];
    assert_eq!(
        january.lines(),
        january_lines,
        "every started month in full"
    );
    assert_eq!(january.total(), ADULT_WHOLE_REGION + YOUNG_ADULT_TWO_ZONES);
    assert!(january.preliminary());
    let february = app.payroll(&admin, &company, "2027-02").await;
    assert_eq!(
        february.lines(),
        [line("Anne", "WHOLE_REGION", ADULT_WHOLE_REGION)]
    );

    let found = app
        .ok(Some(&admin), "query($c: ID!) { company(id: $c) { tickets(search: \"berg\") { edges { node { lastName } } } } }", json!({ "c": company }))
        .await;
    assert_eq!(
        found["company"]["tickets"]["edges"][0]["node"]["lastName"],
        "Berg"
    );
    let out = app.ok(Some(&anne), "mutation { logOut }", json!({})).await;
    assert_eq!(out["logOut"], true);
    let after = app
        .gql(Some(&anne), "{ mySubscriptions { id } }", json!({}))
        .await;
    assert_eq!(code(&after), "UNAUTHENTICATED");

    // February: January is final and unchanged (R13).
    app.set_today("2027-02-03");
    let admin = app.log_in("kari@firma.no").await;
    let january = app.payroll(&admin, &company, "2027-01").await;
    assert_eq!(january.lines(), january_lines);
    assert!(!january.preliminary());
    // The employees' 30-day sessions have ended; their administrator sees the statuses.
    let status = |id: &str| {
        let query = "query($id: ID!) { subscription(id: $id) { status } }";
        app.ok(Some(&admin), query, json!({ "id": id }))
    };
    assert_eq!(
        status(&cecilie_sub).await["subscription"]["status"],
        "ENDED"
    );
    assert_eq!(status(&anne_sub).await["subscription"]["status"], "ACTIVE");
    delivered_exactly_once(&app).await;
}

/// Waits until the outbox is delivered, then checks that the gateway and the SMTP server got
/// each message once, with its message id.
async fn delivered_exactly_once(app: &TestApp) {
    let delivery = app.delivery.clone().expect("the dispatcher runs");
    let pool = app.db.pool();
    let mut waited = 0;
    loop {
        let undelivered: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status <> 'SENT'")
                .fetch_one(pool)
                .await
                .unwrap();
        if undelivered == 0 {
            break;
        }
        waited += 1;
        assert!(waited < 400, "{undelivered} messages still undelivered");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let rows: Vec<(String, uuid::Uuid)> =
        sqlx::query_as("SELECT channel, message_id FROM outbox ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut sms: Vec<String> = rows
        .iter()
        .filter(|(channel, _)| channel == "SMS")
        .map(|(_, id)| id.to_string())
        .collect();
    let mut delivered: Vec<String> = delivery
        .gateway
        .delivered()
        .into_iter()
        .map(|s| s.key)
        .collect();
    sms.sort();
    delivered.sort();
    assert_eq!(delivered, sms, "every SMS once");
    assert_eq!(
        sms.len(),
        4 + 3 + 1 + 3,
        "4 codes, 3 approvals, 1 rejection, and a notice of each of the administrator's two zone changes and one cancellation"
    );
    assert!(
        delivery.gateway.requests() > sms.len(),
        "the gateway refused the first attempts"
    );
    let mut emails: Vec<String> = rows
        .iter()
        .filter(|(channel, _)| channel == "EMAIL")
        .map(|(_, id)| format!("<{id}@billett.test>"))
        .collect();
    let mut received: Vec<String> = delivery
        .smtp
        .mails()
        .iter()
        .map(|m| m.header("Message-ID").unwrap_or_default())
        .collect();
    // A refused first attempt is retried after later messages went through.
    emails.sort();
    received.sort();
    assert_eq!(received, emails, "every e-mail once, under its message id");
}
