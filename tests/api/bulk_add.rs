//! Bulk add over HTTP (`/imports/subscriptions/...`): a file of a thousand employees with some
//! bad rows is previewed with an error per row and field, its good rows become approved
//! subscriptions through the administrator's own command (R5 included), and the same file
//! uploaded again creates nothing twice. The template (CSV and Excel) reads back as a valid
//! file, and the routes are authorised like `/graphql`.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use crate::helpers::{http_bytes, order, HttpResponse, TestApp};

const FORM: &str = "mutation($c: ID!) { configureOrderForm(companyId: $c, input: {
    employeeNumber: OPTIONAL, extraFields: [{ label: \"Avdeling\", required: false }] }) { id } }";

impl TestApp {
    /// `POST path` with `file` as the body, as the holder of `token`.
    async fn upload(&self, token: Option<&str>, path: &str, file: &[u8]) -> HttpResponse {
        let authorization = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/octet-stream")];
        if let Some(authorization) = &authorization {
            headers.push(("Authorization", authorization));
        }
        http_bytes(self.address, "POST", path, &headers, file).await
    }

    /// `GET path` as the holder of `token`.
    async fn get_as(&self, token: &str, path: &str) -> HttpResponse {
        let authorization = format!("Bearer {token}");
        http_bytes(
            self.address,
            "GET",
            path,
            &[("Authorization", &authorization)],
            b"",
        )
        .await
    }

    /// Subscriptions in the log.
    async fn subscriptions_in_log(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE aggregate_type = 'Subscription' AND sequence = 1",
        )
        .fetch_one(self.db.pool())
        .await
        .expect("a count")
    }
}

/// The rows that are wrong on purpose, by data row index (0-based): what the row says
/// instead, and the fields the preview must name.
fn bad_rows() -> BTreeMap<usize, (&'static str, Vec<&'static str>)> {
    BTreeMap::from([
        (
            10,
            (
                "Kari2;Nordmann;{phone};Voksen;Kristiansand;;;",
                vec!["firstName"],
            ),
        ),
        (
            20,
            ("Kari;Nordmann;12345;Voksen;Kristiansand;;;", vec!["phone"]),
        ),
        (
            30,
            (
                "Kari;Nordmann;{phone};Pensjonist;Kristiansand;;;",
                vec!["category"],
            ),
        ),
        (
            40,
            (
                "Kari;Nordmann;{phone};Voksen;Kristiansand, Arendal;;;",
                vec!["zones"],
            ),
        ),
        (
            50,
            (
                "Kari;Nordmann;{phone};Voksen;Kristiansand;2026-10-01;;",
                vec!["startDate"],
            ),
        ),
        (
            60,
            (
                "Kari;Nordmann;{phone};Voksen;Kristiansand;1. desember;;",
                vec!["startDate"],
            ),
        ),
        (
            70,
            (
                "9;Nordmann;abc;Voksen;Atlantis;;;",
                vec!["firstName", "phone", "zones"],
            ),
        ),
        // The phone of row 2 (data row 0) again.
        (
            80,
            (
                "Kari;Nordmann;40000000;Voksen;Kristiansand;;;",
                vec!["phone"],
            ),
        ),
    ])
}

/// A file of `rows` employees: phones 4000 0000 upwards, a mix of zones and categories, the
/// bad rows of [`bad_rows`], and row 91 for `taken` (a phone with a ticket already).
fn thousand_row_file(rows: usize, taken: &str) -> String {
    let zones = [
        "Kristiansand",
        "Arendal",
        "Kristiansand, Vennesla",
        "Hele regionen",
    ];
    let categories = ["Voksen", "Ung voksen", "Honnør", "YOUTH"];
    let bad = bad_rows();
    let mut file = String::from(
        "\u{feff}Fornavn;Etternavn;Mobil;Kategori;Soner;Startdato;Ansattnummer;Avdeling\n",
    );
    for n in 0..rows {
        let phone = format!("4{n:07}");
        let line = match bad.get(&n) {
            Some((line, _)) => line.replace("{phone}", &phone),
            None if n == 90 => {
                format!("Åse;Berg-Olsen;{taken};Voksen;Arendal;2026-12-01;E{n};Salg")
            }
            None => format!(
                "Ansatt;Nummer-{};{phone};{};{};2026-12-01;E{n};Avd {}",
                letters(n),
                categories[n % categories.len()],
                zones[n % zones.len()],
                n % 7
            ),
        };
        file.push_str(&line);
        file.push('\n');
    }
    file
}

/// `n` written with letters only (names have no digits, R3).
fn letters(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

fn count(report: &Value, key: &str) -> u64 {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}"))
}

#[tokio::test]
async fn a_thousand_row_file_creates_its_good_rows_once_and_names_each_bad_field() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(Some(&admin), FORM, json!({ "c": company })).await;
    let taken = "91234567";
    app.create(&admin, &company, taken, order("Åse", "Berg-Olsen"), None)
        .await;
    let file = thousand_row_file(1000, taken);
    let bad = bad_rows();

    let preview = app
        .upload(
            Some(&admin),
            &format!("/imports/subscriptions/{company}/preview"),
            file.as_bytes(),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let preview = preview.json();
    assert_eq!(count(&preview, "invalid"), bad.len() as u64);
    assert_eq!(count(&preview, "valid"), 1000 - bad.len() as u64);
    let rows = preview["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1000);
    for (n, (_, fields)) in &bad {
        // Data row n is spreadsheet row n + 2 (the headings are row 1).
        let row = &rows[*n];
        assert_eq!(row["row"], *n as u64 + 2);
        let named: Vec<&str> = row["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(&named, fields, "row {}: {}", n + 2, row["errors"]);
    }
    assert_eq!(rows[70]["errors"][2]["column"], "Soner");
    assert_eq!(rows[0]["extraFields"]["Avdeling"], "Avd 0");
    assert_eq!(
        app.subscriptions_in_log().await,
        1,
        "a preview creates nothing"
    );

    // Confirmed in ranges of 250 rows, as the portal sends them.
    let started = Instant::now();
    let mut created = 0;
    let mut refused = Vec::new();
    for from in (2..1002).step_by(250) {
        let path = format!(
            "/imports/subscriptions/{company}?from={from}&to={}",
            from + 249
        );
        let report = app.upload(Some(&admin), &path, file.as_bytes()).await;
        assert_eq!(report.status, 200, "{}", report.text());
        let report = report.json();
        created += count(&report, "created");
        for row in report["rows"].as_array().unwrap() {
            if row["outcome"] == "REFUSED" {
                refused.push((row["row"].as_u64().unwrap(), row["code"].clone()));
            }
        }
    }
    eprintln!("1,000 rows imported in {:?}", started.elapsed());
    let good = 1000 - bad.len() as u64 - 1;
    assert_eq!(created, good);
    assert_eq!(
        refused,
        [(92, json!("ALREADY_SUBSCRIBED"))],
        "R5 in the append refuses the phone that has a ticket"
    );
    assert_eq!(app.subscriptions_in_log().await, good as i64 + 1);

    let again = app
        .upload(
            Some(&admin),
            &format!("/imports/subscriptions/{company}"),
            file.as_bytes(),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text());
    let again = again.json();
    assert_eq!(count(&again, "created"), 0, "nothing is created twice");
    assert_eq!(count(&again, "alreadyExisted"), good);
    assert_eq!(count(&again, "invalid"), bad.len() as u64);
    assert_eq!(count(&again, "refused"), 1);
    assert_eq!(app.subscriptions_in_log().await, good as i64 + 1);

    // A created row is an administrator's subscription like any other.
    let first = again["rows"][0]["subscriptionId"].as_str().unwrap();
    let data = app
        .ok(
            Some(&admin),
            "query($id: ID!) { subscription(id: $id) { orderStatus startDate employeeNumber
               zones category extraFields { label value } } }",
            json!({ "id": first }),
        )
        .await;
    let subscription = &data["subscription"];
    assert_eq!(subscription["orderStatus"], "APPROVED");
    assert_eq!(subscription["startDate"], "2026-12-01");
    assert_eq!(subscription["employeeNumber"], "E0");
    assert_eq!(subscription["zones"], json!(["kristiansand"]));
    assert_eq!(subscription["category"], "ADULT");
    assert_eq!(
        subscription["extraFields"],
        json!([{ "label": "Avdeling", "value": "Avd 0" }])
    );
}

#[tokio::test]
async fn the_template_reads_back_as_a_valid_file_in_both_formats() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    app.ok(Some(&admin), FORM, json!({ "c": company })).await;
    let csv = app
        .get_as(
            &admin,
            &format!("/imports/subscriptions/{company}/template.csv"),
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(
        csv.text().starts_with(
            "\u{feff}Fornavn;Etternavn;Mobil;Kategori;Soner;Startdato;Ansattnummer;Avdeling\n"
        ),
        "{}",
        csv.text()
    );
    let xlsx = app
        .get_as(
            &admin,
            &format!("/imports/subscriptions/{company}/template.xlsx"),
        )
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"), "a workbook");

    let preview = app
        .upload(
            Some(&admin),
            &format!("/imports/subscriptions/{company}/preview"),
            &xlsx.body,
        )
        .await
        .json();
    assert_eq!(
        (count(&preview, "valid"), count(&preview, "invalid")),
        (1, 0),
        "{preview}"
    );
    assert_eq!(preview["rows"][0]["row"], 2);
    let imported = app
        .upload(
            Some(&admin),
            &format!("/imports/subscriptions/{company}"),
            &xlsx.body,
        )
        .await
        .json();
    assert_eq!(count(&imported, "created"), 1, "{imported}");
    // The same row as CSV is the same subscription: the format does not matter.
    let imported = app
        .upload(
            Some(&admin),
            &format!("/imports/subscriptions/{company}"),
            &csv.body,
        )
        .await
        .json();
    assert_eq!(count(&imported, "alreadyExisted"), 1, "{imported}");
}

#[tokio::test]
async fn imports_are_authorised_like_graphql_and_refuse_unknown_columns() {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    let (_, other_admin, _) = app
        .company(&operator, "982441366", "ola@annet.no", "CLOSED")
        .await;
    let file = "Fornavn;Etternavn;Mobil;Kategori;Soner\nKari;Nordmann;91234567;Voksen;Arendal\n";
    let path = format!("/imports/subscriptions/{company}");
    let anonymous = app.upload(None, &path, file.as_bytes()).await;
    assert_eq!(anonymous.status, 401);
    let foreign = app.upload(Some(&other_admin), &path, file.as_bytes()).await;
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.json()["error"]["code"], "FORBIDDEN");
    assert_eq!(app.subscriptions_in_log().await, 0);

    let misspelt = "Fornavn;Etternavn;Mobil;Kategori;Soner;Avdelig\n";
    let refused = app
        .upload(
            Some(&admin),
            &format!("{path}/preview"),
            misspelt.as_bytes(),
        )
        .await;
    assert_eq!(refused.status, 400);
    let error = &refused.json()["error"];
    assert_eq!(error["field"], "file");
    assert!(
        error["message"].as_str().unwrap().contains("Avdelig"),
        "{error}"
    );

    let operator_import = app.upload(Some(&operator), &path, file.as_bytes()).await;
    assert_eq!(count(&operator_import.json(), "created"), 1);
}
