//! Ending a customer relationship over HTTP (`deactivateCompany`, operators only): the
//! company's tickets end on the chosen day (end of month by default, never in the past) by
//! their own cancellation events, pending orders are rejected, the order link stops and
//! nothing more changes; its administrators keep read access to tickets, history and payroll
//! files for the retention period, and lose it after.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp, ORDER};

const DEACTIVATE: &str =
    "mutation($c: ID!, $d: Date) { deactivateCompany(companyId: $c, endsOn: $d) {
    endsOn deactivatedAt readAccessUntil } }";

async fn subscription(app: &TestApp, token: &str, id: &str) -> Value {
    app.ok(
        Some(token),
        "query($id: ID!) { subscription(id: $id) { orderStatus endDate validFrom
            history { type actor { kind } } } }",
        json!({ "id": id }),
    )
    .await["subscription"]
        .clone()
}

#[tokio::test]
async fn a_deactivated_company_ends_its_tickets_stops_its_link_and_keeps_read_access_for_the_retention_period(
) {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (other_company, other_admin, _) = app
        .company(&operator, "982441366", "ola@annet.no", "CLOSED")
        .await;
    let running = app
        .create(
            &admin,
            &company,
            "91000001",
            order("Kari", "Berg"),
            Some("2026-11-10"),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let upcoming = app
        .create(
            &admin,
            &company,
            "91000002",
            order("Per", "Lie"),
            Some("2027-01-01"),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let employee = app.employee(&link, "91000003").await;
    let pending = app.order(&employee, order("Åse", "Dal")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = app
        .create(
            &other_admin,
            &other_company,
            "91000004",
            order("Ola", "Vik"),
            None,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let refused = app
        .gql(Some(&admin), DEACTIVATE, json!({ "c": company }))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "operators only");
    let refused = app
        .gql(
            Some(&operator),
            DEACTIVATE,
            json!({ "c": company, "d": "2026-11-09" }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "endsOn");

    let deactivated = app
        .ok(Some(&operator), DEACTIVATE, json!({ "c": company }))
        .await;
    assert_eq!(deactivated["deactivateCompany"]["endsOn"], "2026-11-30");
    assert_eq!(
        deactivated["deactivateCompany"]["readAccessUntil"],
        "2031-12-31"
    );
    let again = app
        .ok(Some(&operator), DEACTIVATE, json!({ "c": company }))
        .await;
    assert_eq!(
        again["deactivateCompany"], deactivated["deactivateCompany"],
        "finishing again changes nothing"
    );
    let refused = app
        .gql(
            Some(&operator),
            DEACTIVATE,
            json!({ "c": company, "d": "2026-12-31" }),
        )
        .await;
    assert_eq!(code(&refused), "INVALID_STATE", "another end date");

    // Its tickets end at the end of the month by the operator's cancellations; a ticket that
    // had not started ends before its start (charged nothing); the pending order is rejected.
    let seen = subscription(&app, &admin, &running).await;
    assert_eq!(seen["endDate"], "2026-11-30");
    let last = seen["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        json!({ "type": "SubscriptionCancelled", "actor": { "kind": "OPERATOR" } })
    );
    assert_eq!(
        subscription(&app, &admin, &upcoming).await["endDate"],
        "2026-11-30"
    );
    assert_eq!(
        subscription(&app, &admin, &pending).await["orderStatus"],
        "REJECTED"
    );
    assert_eq!(
        subscription(&app, &other_admin, &elsewhere).await["endDate"],
        Value::Null,
        "another company's tickets are untouched"
    );
    let types: Vec<String> = sqlx::query_scalar(
        "SELECT event_type FROM events WHERE aggregate_type = 'Company' AND aggregate_id = $1
         ORDER BY sequence DESC LIMIT 1",
    )
    .bind(&company)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(types, ["CompanyDeactivated"]);

    // The order link stops; the employee can order nothing; nothing changes any more.
    let refusals = [
        (
            None,
            "mutation($l: String!) { requestVerificationCode(orderToken: $l, phone: \"91000005\") }",
            json!({ "l": link }),
            "NOT_FOUND",
        ),
        (
            Some(&employee),
            ORDER,
            json!({ "input": order("Åse", "Dal") }),
            "ORDERING_CLOSED",
        ),
        (
            Some(&admin),
            "mutation($c: ID!) { createSubscription(companyId: $c, phone: \"91000006\",
                input: { firstName: \"Ny\", lastName: \"Person\", zones: [\"kristiansand\"], category: ADULT }) { id } }",
            json!({ "c": company }),
            "INVALID_STATE",
        ),
        (
            Some(&admin),
            "mutation($c: ID!) { setOrderingPolicy(companyId: $c, policy: AUTOMATIC_APPROVAL) { name } }",
            json!({ "c": company }),
            "INVALID_STATE",
        ),
        (
            Some(&admin),
            "mutation($id: ID!) { resumeSubscription(id: $id) { id } }",
            json!({ "id": running }),
            "INVALID_STATE",
        ),
    ];
    for (token, query, variables, expected) in refusals {
        let refused = app.gql(token.map(String::as_str), query, variables).await;
        assert_eq!(code(&refused), expected, "{query}");
    }

    // Its administrators still read the tickets, history and payroll files...
    app.set_today("2027-03-01");
    let admin = app.log_in("kari@firma.no").await;
    assert_eq!(
        subscription(&app, &admin, &running).await["endDate"],
        "2026-11-30"
    );
    let file = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-11.csv"),
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text());
    let december = app.payroll(&admin, &company, "2026-12").await;
    assert!(december.lines().is_empty(), "nothing charged after the end");
    // ...until the end of the fifth year after the tickets ended.
    app.set_today("2032-01-01");
    let admin = app.log_in("kari@firma.no").await;
    let refused = app
        .gql(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { name } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
}
