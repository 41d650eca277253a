//! Administrator accounts beyond the first: inviting another administrator, and the password
//! reset flow through the development outbox.

use serde_json::json;

use crate::helpers::{code, link_token, TestApp, PASSWORD};

const INVITE: &str = "mutation($c: ID!, $e: String!, $n: String!) {
    inviteAdministrator(companyId: $c, email: $e, name: $n) { administrators { email name } } }";
const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }";
const REQUEST: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";

async fn outbox_count(app: &TestApp, recipient: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE recipient = $1")
        .bind(recipient)
        .fetch_one(app.db.pool())
        .await
        .expect("a count")
}

#[tokio::test]
async fn an_administrator_invites_another_who_accepts_and_sees_the_company() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let data = app
        .ok(
            Some(&admin),
            INVITE,
            json!({ "c": company, "e": "ola@firma.no", "n": "Ola Hansen" }),
        )
        .await;
    let admins = data["inviteAdministrator"]["administrators"]
        .as_array()
        .unwrap();
    assert_eq!(admins.len(), 2);
    assert!(admins.iter().any(|a| a["email"] == "ola@firma.no"));

    let invitation = app.last_message("ola@firma.no").await;
    assert!(invitation.contains("Velg passord og logg inn her"));
    assert_eq!(
        app.last_subject("ola@firma.no").await,
        "Invitasjon til Bedriftsportalen for Firma AS"
    );
    let data = app
        .ok(
            None,
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }",
            json!({ "t": link_token(&invitation), "p": PASSWORD }),
        )
        .await;
    let ola = data["acceptInvitation"]["token"].as_str().unwrap();
    let seen = app
        .ok(
            Some(ola),
            "query($c: ID!) { company(id: $c) { name } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(seen["company"]["name"], "Firma AS");

    let again = app
        .gql(
            Some(&operator),
            INVITE,
            json!({ "c": company, "e": "OLA@firma.no", "n": "Ola Hansen" }),
        )
        .await;
    assert_eq!(code(&again), "BAD_USER_INPUT", "{again:#}");
    assert_eq!(again["errors"][0]["extensions"]["field"], "email");
}

#[tokio::test]
async fn invitations_from_different_companies_do_not_cancel_each_other() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (first, kari, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let (second, per, _) = app
        .company(&operator, "923609016", "per@annet.no", "CLOSED")
        .await;
    let ola = |company: &str| json!({ "c": company, "e": "ola@ny.no", "n": "Ola Hansen" });
    app.ok(Some(&kari), INVITE, ola(&first)).await;
    let from_first = link_token(&app.last_message("ola@ny.no").await);
    app.ok(Some(&per), INVITE, ola(&second)).await;
    let from_second = link_token(&app.last_message("ola@ny.no").await);
    assert_ne!(from_first, from_second);

    let accepted = app
        .gql(
            None,
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }",
            json!({ "t": from_first, "p": PASSWORD }),
        )
        .await;
    let ola = accepted["data"]["acceptInvitation"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("the first company's link still works: {accepted:#}"));
    let viewer = app
        .ok(Some(ola), "{ viewer { companies { id } } }", json!({}))
        .await;
    assert_eq!(viewer["viewer"]["companies"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn inviting_an_operators_address_answers_as_for_any_other_address() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    app.company(&operator, "923609016", "per@annet.no", "CLOSED")
        .await;
    let mut answers = Vec::new();
    for (email, name) in [
        ("ops@akt.no", "Ola Operatør"),
        ("per@annet.no", "Per Olsen"),
        ("ny@firma.no", "Nils Ny"),
    ] {
        let response = app
            .gql(
                Some(&admin),
                "mutation($c: ID!, $e: String!, $n: String!) {
                    inviteAdministrator(companyId: $c, email: $e, name: $n) { id } }",
                json!({ "c": company, "e": email, "n": name }),
            )
            .await;
        answers.push(response);
    }
    assert!(
        answers.iter().all(|a| *a == answers[2]),
        "an operator's address, another company's administrator and a new address get the same \
         answer: {answers:#?}"
    );
    let data = app
        .ok(None, LOG_IN, json!({ "e": "ops@akt.no", "p": PASSWORD }))
        .await;
    let ops = data["logIn"]["token"].as_str().unwrap();
    let viewer = app.ok(Some(ops), "{ viewer { kind } }", json!({})).await;
    assert_eq!(viewer["viewer"]["kind"], "OPERATOR", "still an operator");
}

#[tokio::test]
async fn an_administrator_of_another_company_keeps_their_password_when_invited() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, _, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    app.company(&operator, "923609016", "per@annet.no", "CLOSED")
        .await;
    app.ok(
        Some(&operator),
        INVITE,
        json!({ "c": company, "e": "per@annet.no", "n": "Per Olsen" }),
    )
    .await;
    let notice = app.last_message("per@annet.no").await;
    assert!(!notice.contains("token="), "no new password link: {notice}");
    let data = app
        .ok(None, LOG_IN, json!({ "e": "per@annet.no", "p": PASSWORD }))
        .await;
    let per = data["logIn"]["token"].as_str().unwrap();
    let viewer = app
        .ok(Some(per), "{ viewer { companies { id } } }", json!({}))
        .await;
    assert_eq!(viewer["viewer"]["companies"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_password_reset_through_the_outbox_replaces_the_password_and_ends_sessions() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;

    let known = app.ok(None, REQUEST, json!({ "e": "kari@firma.no" })).await;
    let unknown = app
        .ok(None, REQUEST, json!({ "e": "ingen@firma.no" }))
        .await;
    assert_eq!(known, json!({ "requestPasswordReset": true }));
    assert_eq!(
        unknown,
        json!({ "requestPasswordReset": true }),
        "the same answer"
    );
    assert_eq!(outbox_count(&app, "ingen@firma.no").await, 0);
    let message = app.last_message("kari@firma.no").await;
    assert!(message.contains("tilbakestille passordet ditt"));
    assert_eq!(
        app.last_subject("kari@firma.no").await,
        "Nytt passord til Bedriftsbillett"
    );
    let token = link_token(&message);

    let weak = app
        .gql(None, RESET, json!({ "t": token, "p": "kort" }))
        .await;
    assert_eq!(code(&weak), "BAD_USER_INPUT");
    assert_eq!(weak["errors"][0]["extensions"]["field"], "password");
    // Long enough, but the first a guesser tries: refused in Norwegian, the token kept.
    let common = app
        .gql(None, RESET, json!({ "t": token, "p": "1234567890" }))
        .await;
    assert_eq!(code(&common), "BAD_USER_INPUT");
    assert_eq!(common["errors"][0]["extensions"]["field"], "password");
    let message = common["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("passordet"), "{message}");

    let new_password = "en helt ny og lang frase";
    let reset = app
        .ok(None, RESET, json!({ "t": token, "p": new_password }))
        .await;
    assert_eq!(reset["resetPassword"], true);

    let viewer = app.ok(Some(&admin), "{ viewer { kind } }", json!({})).await;
    assert!(viewer["viewer"].is_null(), "the old session was revoked");
    let old = app
        .gql(None, LOG_IN, json!({ "e": "kari@firma.no", "p": PASSWORD }))
        .await;
    assert_eq!(code(&old), "UNAUTHENTICATED");
    app.ok(
        None,
        LOG_IN,
        json!({ "e": "kari@firma.no", "p": new_password }),
    )
    .await;
    let reused = app
        .gql(
            None,
            RESET,
            json!({ "t": token, "p": "enda en ny lang frase" }),
        )
        .await;
    assert_eq!(code(&reused), "BAD_USER_INPUT");
    assert_eq!(reused["errors"][0]["extensions"]["field"], "token");
}
