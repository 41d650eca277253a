//! Administrators and company details over GraphQL: the administrator list with last login,
//! removing an administrator (never the last; the removed one loses the company at once), and
//! changing the company's name and invoice address.

use serde_json::{json, Value};

use crate::helpers::{code, link_token, TestApp, PASSWORD};

const ADMINISTRATORS: &str =
    "query($c: ID!) { company(id: $c) { administrators { accountId email name lastLoginAt } } }";

const REMOVE: &str =
    "mutation($c: ID!, $a: ID!) { removeAdministrator(companyId: $c, accountId: $a) {
    administrators { email } } }";

/// The administrators of `company` as `admin` sees them.
async fn administrators(app: &TestApp, admin: &str, company: &str) -> Vec<Value> {
    app.ok(Some(admin), ADMINISTRATORS, json!({ "c": company }))
        .await["company"]["administrators"]
        .as_array()
        .unwrap()
        .clone()
}

/// The administrator with `email` in `list`.
fn by_email<'a>(list: &'a [Value], email: &str) -> &'a Value {
    list.iter()
        .find(|a| a["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list:?}"))
}

#[tokio::test]
async fn an_administrator_is_removed_and_loses_the_company_but_the_last_one_stays() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, kari, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    app.ok(
        Some(&kari),
        "mutation($c: ID!) { inviteAdministrator(companyId: $c, email: \"ola@firma.no\", name: \"Ola Hansen\") { name } }",
        json!({ "c": company }),
    )
    .await;
    let list = administrators(&app, &kari, &company).await;
    assert!(by_email(&list, "kari@firma.no")["lastLoginAt"].is_string());
    assert_eq!(
        by_email(&list, "ola@firma.no")["lastLoginAt"],
        Value::Null,
        "not logged in yet"
    );
    let token = link_token(&app.last_message("ola@firma.no").await);
    let ola = app
        .ok(
            None,
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }",
            json!({ "t": token, "p": PASSWORD }),
        )
        .await["acceptInvitation"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = administrators(&app, &kari, &company).await;
    assert!(by_email(&list, "ola@firma.no")["lastLoginAt"].is_string());

    let ola_id = by_email(&list, "ola@firma.no")["accountId"].clone();
    let removed = app
        .ok(Some(&kari), REMOVE, json!({ "c": company, "a": ola_id }))
        .await;
    assert_eq!(
        removed["removeAdministrator"]["administrators"],
        json!([{ "email": "kari@firma.no" }])
    );
    let refused = app
        .gql(Some(&ola), ADMINISTRATORS, json!({ "c": company }))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "Ola no longer manages it");

    let kari_id = by_email(
        &administrators(&app, &kari, &company).await,
        "kari@firma.no",
    )["accountId"]
        .clone();
    let last = app
        .gql(Some(&kari), REMOVE, json!({ "c": company, "a": kari_id }))
        .await;
    assert_eq!(code(&last), "INVALID_STATE");
    let again = app
        .gql(
            Some(&operator),
            REMOVE,
            json!({ "c": company, "a": ola_id }),
        )
        .await;
    assert_eq!(code(&again), "NOT_FOUND", "Ola is no longer one");
}

const DETAILS: &str = "mutation($c: ID!, $n: String!, $e: String!) {
    updateCompanyDetails(companyId: $c, name: $n, invoiceEmail: $e) { name invoiceEmail orgNumber } }";

#[tokio::test]
async fn the_company_name_and_invoice_address_change_for_its_administrators_only() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, kari, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let (_, other, _) = app
        .company(&operator, "982441366", "ola@annet.no", "CLOSED")
        .await;
    let changed = app
        .ok(
            Some(&kari),
            DETAILS,
            json!({ "c": company, "n": "  Firma Sør AS ", "e": "Regnskap@Firma.no" }),
        )
        .await;
    assert_eq!(
        changed["updateCompanyDetails"],
        json!({ "name": "Firma Sør AS", "invoiceEmail": "Regnskap@firma.no", "orgNumber": "974760673" })
    );
    let seen = app
        .ok(
            Some(&operator),
            "query($c: ID!) { company(id: $c) { name invoiceEmail } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(seen["company"]["name"], "Firma Sør AS");

    let bad = app
        .gql(
            Some(&kari),
            DETAILS,
            json!({ "c": company, "n": "Firma", "e": "ikke-epost" }),
        )
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "invoiceEmail");
    let bad = app
        .gql(
            Some(&kari),
            DETAILS,
            json!({ "c": company, "n": " ", "e": "a@firma.no" }),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "name");
    let forbidden = app
        .gql(
            Some(&other),
            DETAILS,
            json!({ "c": company, "n": "Kapret AS", "e": "x@annet.no" }),
        )
        .await;
    assert_eq!(code(&forbidden), "FORBIDDEN");
}
