//! No personal data in the log: the `bedrift serve` binary with JSON logs and the log
//! providers for SMS and e-mail runs a registration, an invitation, SMS codes and password
//! resets up to their rate limits, and requests to erase a phone and an administrator; the
//! captured log holds none of the names, phone numbers or e-mail addresses involved, while it
//! does show that each thing happened.

use std::time::Duration;

use bedrift_api::auth::{create_operator, HashCost};
use bedrift_domain::clock::SystemClock;
use bedrift_domain::values::EmailAddress;
use bedrift_store::testing::TestDatabase;
use serde_json::{json, Value};

use crate::helpers::{graphql, PASSWORD};
use crate::json_logs::{line_where, LoggingServer};

#[tokio::test]
async fn the_log_of_an_end_to_end_run_holds_no_names_numbers_or_addresses() {
    let db = TestDatabase::create().await;
    let email = EmailAddress::parse("drift.operator@akt.no").unwrap();
    create_operator(
        db.pool(),
        &SystemClock,
        HashCost::MinimalForTests,
        &email,
        "Ola Operatørsen",
        PASSWORD,
    )
    .await
    .expect("an operator");
    let LoggingServer {
        child: mut server,
        lines,
        address,
    } = LoggingServer::start(&db, &[("SMS_PROVIDER", "log"), ("EMAIL_PROVIDER", "log")]).await;
    let call = |token: Option<String>, query: &'static str, variables: Value| async move {
        graphql(address, token.as_deref(), query, variables, &[])
            .await
            .json()
    };

    let login = call(
        None,
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
        json!({ "e": "drift.operator@akt.no", "p": PASSWORD }),
    )
    .await;
    let operator = login["data"]["logIn"]["token"].as_str().unwrap().to_owned();
    let registered = call(
        Some(operator.clone()),
        "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { orderLinkToken } }",
        json!({ "input": {
            "orgNumber": "974760673", "name": "Firma AS", "invoiceEmail": "faktura.avdeling@firma.no",
            "contactName": "Kari Nordmannsen", "contactEmail": "kari.nordmannsen@firma.no" } }),
    )
    .await;
    let link = registered["data"]["registerCompany"]["orderLinkToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{registered}"))
        .to_owned();
    // The order link works once the company directory shows the new company (within the
    // projection lag; anonymous callers have no session to wait for).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let form = call(
            None,
            "query($l: String!) { orderForm(token: $l) { companyName } }",
            json!({ "l": link }),
        )
        .await;
        if form["data"]["orderForm"].is_object() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the order link never worked: {form}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Four codes to one phone (the limit is 3 per 10 minutes), four resets (3 per hour).
    for _ in 0..4 {
        call(
            None,
            "mutation($l: String!, $p: String!) { requestVerificationCode(orderToken: $l, phone: $p) }",
            json!({ "l": link, "p": "41234567" }),
        )
        .await;
        call(
            None,
            "mutation($e: String!) { requestPasswordReset(email: $e) }",
            json!({ "e": "kari.nordmannsen@firma.no" }),
        )
        .await;
    }
    line_where(&lines, "for a refused code", |l| {
        l.contains("rate limit reached") && l.contains("code:phone")
    })
    .await;
    line_where(&lines, "for a refused reset", |l| {
        l.contains("rate limit reached") && l.contains("reset:email")
    })
    .await;
    line_where(&lines, "for a sent SMS", |l| {
        l.contains("SMS (log provider)")
    })
    .await;
    line_where(&lines, "for a sent e-mail", |l| {
        l.contains("e-mail (log provider)")
    })
    .await;

    // Requests to erase both: the phone holds no subscription (its codes and rate-limit rows
    // go), the contact person still administers the company (kept). Neither shows in the log.
    let erased = call(
        Some(operator.clone()),
        "mutation($p: String!) { erasePersonalData(phone: $p) { outcome } }",
        json!({ "p": "41234567" }),
    )
    .await;
    assert_eq!(erased["data"]["erasePersonalData"], json!([]), "{erased}");
    let kept = call(
        Some(operator.clone()),
        "mutation($e: String!) { eraseAdministratorData(email: $e) { outcome } }",
        json!({ "e": "kari.nordmannsen@firma.no" }),
    )
    .await;
    assert_eq!(
        kept["data"]["eraseAdministratorData"]["outcome"], "KEPT_WHILE_ADMINISTERING",
        "{kept}"
    );

    server.kill().await.expect("the server stops");
    let log = lines.lock().unwrap().join("\n");
    for personal in [
        "41234567",
        "kari.nordmannsen@firma.no",
        "kari.nordmannsen",
        "Nordmannsen",
        "faktura.avdeling",
        "drift.operator",
        "Operatørsen",
    ] {
        let found: Vec<&str> = log.lines().filter(|l| l.contains(personal)).collect();
        assert!(
            found.is_empty(),
            "{personal} in the log:\n{}",
            found.join("\n")
        );
    }
}
