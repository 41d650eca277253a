//! What only operators do: publish the tariff (R16), list and search companies, pull the
//! invoice basis; and `bedrift operator create` on the command line.

use serde_json::{json, Value};

use crate::helpers::{code, order, TestApp, ORDER, PASSWORD};

const PUBLISH: &str = "mutation($input: PublishTariffInput!) {
    publishTariff(input: $input) { validFrom zones { id } neighbours prices { zoneClass category monthly } } }";
const TARIFF: &str =
    "query($on: Date!) { tariff(on: $on) { validFrom prices { zoneClass category monthly } } }";
const COMPANIES: &str = "query($first: Int, $after: String, $search: String) {
    companies(first: $first, after: $after, search: $search) {
        edges { cursor node { name orgNumber } } pageInfo { hasNextPage endCursor } } }";

/// A complete price table: every zone class and category at `base` øre plus a little.
fn prices(base: i64) -> Vec<Value> {
    let mut prices = Vec::new();
    for (i, class) in ["ONE_ZONE", "TWO_ZONES", "WHOLE_REGION"].iter().enumerate() {
        for (j, category) in ["ADULT", "YOUNG_ADULT", "YOUTH", "CHILD", "SENIOR"]
            .iter()
            .enumerate()
        {
            let monthly = base + 10_000 * i as i64 - 1_000 * j as i64;
            prices.push(json!({ "zoneClass": class, "category": category, "monthly": monthly }));
        }
    }
    prices
}

fn adult_one_zone(tariff: &Value) -> i64 {
    tariff["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["zoneClass"] == "ONE_ZONE" && p["category"] == "ADULT")
        .and_then(|p| p["monthly"].as_i64())
        .expect("a price")
}

#[tokio::test]
async fn a_tariff_version_is_published_for_the_first_of_a_future_month_only() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (_, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let input = |valid_from: &str, prices: Vec<Value>| json!({ "input": { "validFrom": valid_from, "prices": prices } });
    let events = app.event_count().await;
    for (valid_from, field) in [("2026-12-01", "validFrom"), ("2027-02-15", "validFrom")] {
        let refused = app
            .gql(Some(&operator), PUBLISH, input(valid_from, prices(80_000)))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused:#}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
    let incomplete = app
        .gql(
            Some(&operator),
            PUBLISH,
            input("2027-02-01", prices(80_000)[1..].to_vec()),
        )
        .await;
    assert_eq!(incomplete["errors"][0]["extensions"]["field"], "prices");
    let by_admin = app
        .gql(Some(&admin), PUBLISH, input("2027-02-01", prices(80_000)))
        .await;
    assert_eq!(code(&by_admin), "FORBIDDEN");
    assert_eq!(app.event_count().await, events, "nothing was written");

    let published = app
        .ok(
            Some(&operator),
            PUBLISH,
            input("2027-02-01", prices(80_000)),
        )
        .await;
    let version = &published["publishTariff"];
    assert_eq!(version["validFrom"], "2027-02-01");
    assert_eq!(
        version["zones"].as_array().unwrap().len(),
        25,
        "zones copied"
    );
    assert!(!version["neighbours"].as_array().unwrap().is_empty());
    assert_eq!(adult_one_zone(version), 80_000);

    let before = app.ok(None, TARIFF, json!({ "on": "2027-01-31" })).await;
    assert_ne!(adult_one_zone(&before["tariff"]), 80_000);
    let after = app.ok(None, TARIFF, json!({ "on": "2027-02-01" })).await;
    assert_eq!(after["tariff"]["validFrom"], "2027-02-01");
    assert_eq!(adult_one_zone(&after["tariff"]), 80_000);

    let edited = app
        .gql(
            Some(&operator),
            PUBLISH,
            input("2027-02-01", prices(90_000)),
        )
        .await;
    assert_eq!(code(&edited), "CONFLICT", "versions are never edited");
    let unknown_neighbour = app
        .gql(
            Some(&operator),
            PUBLISH,
            json!({ "input": { "validFrom": "2027-03-01", "prices": prices(90_000),
                "zones": [{ "id": "sentrum", "name": "Sentrum" }] } }),
        )
        .await;
    assert_eq!(
        unknown_neighbour["errors"][0]["extensions"]["field"],
        "neighbours"
    );
    let own_map = app
        .ok(
            Some(&operator),
            PUBLISH,
            json!({ "input": { "validFrom": "2027-03-01", "prices": prices(90_000),
                "zones": [{ "id": "sentrum", "name": "Sentrum" }, { "id": "ytre", "name": "Ytre" }],
                "neighbours": [["ytre", "sentrum"]] } }),
        )
        .await;
    assert_eq!(
        own_map["publishTariff"]["neighbours"],
        json!([["sentrum", "ytre"]])
    );
}

#[tokio::test]
async fn operators_page_and_search_companies_and_pull_the_invoice_basis() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (first, admin, link) = app
        .company(
            &operator,
            "974760673",
            "kari@firma.no",
            "AUTOMATIC_APPROVAL",
        )
        .await;
    for (org, name) in [
        ("910000004", "Fiskeriet AS"),
        ("910000012", "Agder Bygg AS"),
    ] {
        app.ok(
            Some(&operator),
            "mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }",
            json!({ "input": { "orgNumber": org, "name": name, "invoiceEmail": "f@x.no",
                "contactName": "Kontakt Person", "contactEmail": format!("{org}@x.no") } }),
        )
        .await;
    }
    let page = app
        .ok(Some(&operator), COMPANIES, json!({ "first": 2 }))
        .await;
    let names: Vec<&str> = page["companies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Agder Bygg AS", "Firma AS"]);
    assert_eq!(page["companies"]["pageInfo"]["hasNextPage"], true);
    let after = page["companies"]["pageInfo"]["endCursor"].clone();
    let rest = app
        .ok(
            Some(&operator),
            COMPANIES,
            json!({ "first": 2, "after": after }),
        )
        .await;
    assert_eq!(
        rest["companies"]["edges"][0]["node"]["name"],
        "Fiskeriet AS"
    );
    assert_eq!(rest["companies"]["pageInfo"]["hasNextPage"], false);
    for (search, expected) in [("fisk", "Fiskeriet AS"), ("910 000 012", "Agder Bygg AS")] {
        let found = app
            .ok(Some(&operator), COMPANIES, json!({ "search": search }))
            .await;
        let edges = found["companies"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 1, "{search}");
        assert_eq!(edges[0]["node"]["name"], expected);
    }
    let bad_cursor = app
        .gql(Some(&operator), COMPANIES, json!({ "after": "nonsense" }))
        .await;
    assert_eq!(code(&bad_cursor), "BAD_USER_INPUT");
    assert_eq!(
        code(&app.gql(Some(&admin), COMPANIES, json!({})).await),
        "FORBIDDEN"
    );

    let anne = app.employee(&link, "91234567").await;
    app.ok(
        Some(&anne),
        ORDER,
        json!({ "input": order("Anne", "Berg") }),
    )
    .await;
    let basis = app
        .ok(
            Some(&operator),
            "{ invoiceBasis(month: \"2027-01\") { preliminary lines { companyId orgNumber totals { subscriptions price } } totals { subscriptions price } } }",
            json!({}),
        )
        .await;
    let basis = &basis["invoiceBasis"];
    assert_eq!(basis["preliminary"], true);
    assert_eq!(basis["lines"].as_array().unwrap().len(), 1);
    assert_eq!(basis["lines"][0]["companyId"], first.as_str());
    assert_eq!(basis["lines"][0]["orgNumber"], "974760673");
    assert_eq!(basis["totals"]["subscriptions"], 1);
    let own = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { invoiceBasis(month: \"2027-01\") { lines { name } totals { price } } } }",
            json!({ "c": first }),
        )
        .await;
    assert_eq!(
        own["company"]["invoiceBasis"]["totals"]["price"],
        basis["totals"]["price"]
    );
    let december = app
        .ok(
            Some(&operator),
            "{ invoiceBasis(month: \"2026-12\") { lines { name } } }",
            json!({}),
        )
        .await;
    assert!(december["invoiceBasis"]["lines"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_cli_creates_an_operator_who_can_log_in() {
    let app = TestApp::spawn("2026-12-10").await;
    let run = |email: &str, password: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bedrift"))
            .args([
                "operator",
                "create",
                "--email",
                email,
                "--name",
                "Ola Operatør",
            ])
            .env("DATABASE_URL", app.db.url())
            .env("BEDRIFT_OPERATOR_PASSWORD", password)
            .env_remove("BEDRIFT_DATA_DIR")
            .output()
            .expect("bedrift runs")
    };
    let created = run("drift@akt.no", PASSWORD);
    assert!(created.status.success(), "{created:?}");
    let id = String::from_utf8(created.stdout).unwrap();
    assert!(uuid::Uuid::parse_str(id.trim()).is_ok(), "{id}");
    let session = app
        .ok(
            None,
            "mutation($p: String!) { logIn(email: \"drift@akt.no\", password: $p) { viewer { kind accountId } } }",
            json!({ "p": PASSWORD }),
        )
        .await;
    assert_eq!(session["logIn"]["viewer"]["kind"], "OPERATOR");
    assert_eq!(session["logIn"]["viewer"]["accountId"], id.trim());

    let taken = run("DRIFT@akt.no", PASSWORD);
    assert!(!taken.status.success());
    let message = String::from_utf8_lossy(&taken.stderr);
    assert!(message.contains("already exists"), "{message}");
    let weak = run("ny@akt.no", "kort");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
}
