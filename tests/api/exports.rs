//! The finance downloads over HTTP (`/reports/...`): each payroll format parsed back and every
//! amount checked against the GraphQL `payrollDeductionBasis`, with the cost allocation
//! (department, cost centre) from the company's mapped form fields; the generic CSV as Excel
//! on a Norwegian machine reads it; the preliminary marking of the current month; the invoice
//! basis against `invoiceBasis`; and the same authorisation as GraphQL, with its codes as HTTP
//! statuses.

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{order, TestApp};

/// An HTTP response.
pub(crate) struct Download {
    pub(crate) status: u16,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: Vec<u8>,
}

impl Download {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8")
    }

    /// The `error.code` of a refusal's JSON body.
    pub(crate) fn code(&self) -> String {
        let body: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} not JSON ({e}): {}", self.status, self.text()));
        body["error"]["code"].as_str().expect("a code").to_owned()
    }
}

impl TestApp {
    /// `GET path` over TCP as the holder of `token`.
    pub(crate) async fn download(&self, token: Option<&str>, path: &str) -> Download {
        let authorization = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{authorization}Connection: close\r\n\r\n",
            self.address
        );
        let mut stream = tokio::net::TcpStream::connect(self.address)
            .await
            .expect("the server accepts");
        stream.write_all(request.as_bytes()).await.expect("sent");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("a response");
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response");
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines.next().expect("a status line")[9..12]
            .parse()
            .expect("a status");
        let headers: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        assert!(
            !headers.contains_key("transfer-encoding"),
            "a download is sent with its length"
        );
        Download {
            status,
            headers,
            body: response[split + 4..].to_vec(),
        }
    }
}

const PAYROLL: &str = "query($c: ID!, $m: Month!) { company(id: $c) { payrollDeductionBasis(month: $m) {
    month preliminary
    lines { subscriptionId employeeNumber firstName lastName phone zones zoneClass category price employerContribution deduction }
    totals { subscriptions price employerContribution deduction } } } }";

/// The GraphQL basis of `month`.
async fn basis(app: &TestApp, token: &str, company: &str, month: &str) -> Value {
    let data = app
        .ok(Some(token), PAYROLL, json!({ "c": company, "m": month }))
        .await;
    data["company"]["payrollDeductionBasis"].clone()
}

/// Øre from kroner written with exactly two decimals and a point.
fn ore(kroner: &str) -> i64 {
    let (whole, cents) = kroner.split_once('.').expect("a decimal point");
    assert_eq!(cents.len(), 2, "two decimals in {kroner}");
    whole.parse::<i64>().expect("kroner") * 100 + cents.parse::<i64>().expect("øre")
}

/// Øre from kroner as the files for people write them: two decimals after a comma.
fn ore_for_people(kroner: &str) -> i64 {
    let (whole, cents) = kroner.split_once(',').expect("a decimal comma");
    assert_eq!(cents.len(), 2, "two decimals in {kroner}");
    whole.parse::<i64>().expect("kroner") * 100 + cents.parse::<i64>().expect("øre")
}

fn money(value: &Value) -> i64 {
    value.as_i64().expect("an amount")
}

/// The UTF-8 byte order mark files for people start with.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn records(body: &[u8], header: bool) -> Vec<Vec<String>> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(header)
        .from_reader(body)
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

/// A company with an order form asking for `Avdeling` and `Koststed`, mapped as department and
/// cost centre with its pay type code, a 33% contribution (so amounts have odd øre) and three
/// tickets from today with answers (`A<n>`, `K<n>` for employee `E-<n>`), plus another company. Returns (app, operator, company, its
/// administrator, the other company's administrator).
async fn company_with_tickets() -> (TestApp, String, String, String, String) {
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let (_, other_admin, _) = app
        .company(&operator, "982441366", "ola@annet.no", "CLOSED")
        .await;
    app.configure_order_form(
        &admin,
        &company,
        json!({ "employeeNumber": "OPTIONAL",
            "extraFields": [{ "label": "Avdeling" }, { "label": "Koststed" }] }),
    )
    .await;
    let settings = app
        .ok(
            Some(&admin),
            "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"5010\",
                departmentField: \"Avdeling\", costCentreField: \"Koststed\") {
                payTypeCode departmentField costCentreField } }",
            json!({ "c": company }),
        )
        .await;
    assert_eq!(
        settings["setPayrollSettings"],
        json!({ "payTypeCode": "5010", "departmentField": "Avdeling", "costCentreField": "Koststed" })
    );
    app.ok(
        Some(&admin),
        "mutation($c: ID!, $i: EmployerContributionInput!) { setEmployerContribution(companyId: $c, input: $i) { name } }",
        json!({ "c": company, "i": { "kind": "PERCENT", "percent": 33 } }),
    )
    .await;
    let tickets = [
        (
            "91000001",
            "Kari",
            "Nordmann",
            "E-1",
            json!(["kristiansand"]),
            "ADULT",
        ),
        ("91000002", "Per", "Hansen", "E-2", json!([]), "YOUTH"),
        (
            "91000003",
            "Åse",
            "Berg-Olsen",
            "E-3",
            json!(["kristiansand", "vennesla"]),
            "SENIOR",
        ),
    ];
    for (phone, first, last, number, zones, category) in tickets {
        let mut input = order(first, last);
        input["employeeNumber"] = json!(number);
        input["zones"] = zones.clone();
        input["wholeRegion"] = json!(zones.as_array().unwrap().is_empty());
        input["category"] = json!(category);
        let n = &number[2..];
        input["extraFields"] = json!([
            { "label": "Avdeling", "value": format!("A{n}") },
            { "label": "Koststed", "value": format!("K{n}") }
        ]);
        app.create(&admin, &company, phone, input, Some("2026-11-10"))
            .await;
    }
    (app, operator, company, admin, other_admin)
}

/// The zone names of the example tariff the tests use.
fn zone_name(code: &str) -> &str {
    match code {
        "kristiansand" => "Kristiansand",
        "vennesla" => "Vennesla",
        other => panic!("a zone the tests do not use: {other}"),
    }
}

#[tokio::test]
async fn the_generic_csv_carries_every_line_and_the_totals_as_a_norwegian_excel_reads_them() {
    let (app, _, company, admin, _) = company_with_tickets().await;
    let basis = basis(&app, &admin, &company, "2026-11").await;
    assert_eq!(basis["lines"].as_array().unwrap().len(), 3);
    let file = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-11.csv"),
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        file.header("content-disposition"),
        "attachment; filename=\"lonnstrekk-974760673-2026-11-forelopig.csv\""
    );
    assert_eq!(file.header("cache-control"), "no-store");
    assert!(file.body.starts_with(BOM), "UTF-8 with a byte order mark");
    let header = &records(&file.body, false)[0];
    assert_eq!(
        header[15..],
        ["Avdeling", "Koststed"],
        "a column per form field"
    );
    let rows = records(&file.body, true);
    let lines = basis["lines"].as_array().unwrap();
    assert_eq!(rows.len(), lines.len() + 1, "every line, then the totals");
    for (row, line) in rows.iter().zip(lines) {
        assert_eq!(row[..3], ["2026-11", "FORELØPIG", "LINJE"]);
        assert_eq!(row[3], line["subscriptionId"].as_str().unwrap());
        let number = line["employeeNumber"].as_str().unwrap();
        assert_eq!(row[4], number);
        assert_eq!(row[5], line["lastName"].as_str().unwrap());
        assert_eq!(row[6], line["firstName"].as_str().unwrap());
        assert_eq!(row[7], line["phone"].as_str().unwrap());
        let zones: Vec<&str> = line["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| zone_name(z.as_str().unwrap()))
            .collect();
        let (zone_text, class, category) = match line["zoneClass"].as_str().unwrap() {
            "ONE_ZONE" => (zones.join(", "), "1 sone", "Voksen"),
            "TWO_ZONES" => (zones.join(", "), "2 soner", "Honnør"),
            _ => ("Hele regionen".to_owned(), "Hele regionen", "Ungdom"),
        };
        assert_eq!(row[8..11], [zone_text.as_str(), class, category]);
        assert_eq!(row[11], "1");
        assert_eq!(ore_for_people(&row[12]), money(&line["price"]));
        assert_eq!(
            ore_for_people(&row[13]),
            money(&line["employerContribution"])
        );
        assert_eq!(ore_for_people(&row[14]), money(&line["deduction"]));
        let n = &number[2..];
        assert_eq!(row[15..], [format!("A{n}"), format!("K{n}")]);
    }
    let sum = rows.last().unwrap();
    let totals = &basis["totals"];
    assert_eq!(sum[2], "SUM");
    assert_eq!(sum[11], totals["subscriptions"].to_string());
    assert_eq!(ore_for_people(&sum[12]), money(&totals["price"]));
    assert_eq!(
        ore_for_people(&sum[13]),
        money(&totals["employerContribution"])
    );
    assert_eq!(ore_for_people(&sum[14]), money(&totals["deduction"]));
    assert!(
        money(&totals["deduction"]) % 100 != 0,
        "the amounts tried have øre, not only whole kroner"
    );
}

/// The cell at (row, column) as text or as a number.
fn cell(range: &calamine::Range<Data>, row: u32, column: u32) -> Data {
    range
        .get_value((row, column))
        .cloned()
        .unwrap_or(Data::Empty)
}

fn kroner_cell(value: Data) -> i64 {
    match value {
        Data::Float(kroner) => (kroner * 100.0).round() as i64,
        Data::Int(kroner) => kroner * 100,
        other => panic!("not an amount: {other:?}"),
    }
}

fn text_cell(value: Data) -> String {
    match value {
        Data::String(text) => text,
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

#[tokio::test]
async fn the_workbook_carries_every_line_and_the_totals_and_says_whether_it_is_final() {
    let (app, _, company, _, _) = company_with_tickets().await;
    for (today, status, name) in [
        (
            "2026-11-30",
            "FORELØPIG",
            "lonnstrekk-974760673-2026-11-forelopig.xlsx",
        ),
        ("2026-12-01", "ENDELIG", "lonnstrekk-974760673-2026-11.xlsx"),
    ] {
        app.set_today(today);
        // A session lasts 12 hours: log in again on the new day.
        let admin = app.log_in("kari@firma.no").await;
        let basis = basis(&app, &admin, &company, "2026-11").await;
        let file = app
            .download(
                Some(&admin),
                &format!("/reports/payroll/{company}/2026-11.xlsx"),
            )
            .await;
        assert_eq!(file.status, 200, "{}", file.text());
        assert_eq!(
            file.header("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            file.header("content-disposition"),
            format!("attachment; filename=\"{name}\"")
        );
        let mut workbook: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(file.body)).expect("a workbook");
        let sheet = workbook
            .worksheet_range("2026-11")
            .expect("a sheet per month");
        assert_eq!(text_cell(cell(&sheet, 1, 1)), status);
        assert_eq!(text_cell(cell(&sheet, 2, 1)), "5010");
        assert_eq!(text_cell(cell(&sheet, 4, 0)), "Ansattnummer");
        let lines = basis["lines"].as_array().unwrap();
        for (row, line) in (5u32..).zip(lines) {
            assert_eq!(
                text_cell(cell(&sheet, row, 0)),
                line["employeeNumber"].as_str().unwrap()
            );
            assert_eq!(
                text_cell(cell(&sheet, row, 1)),
                line["lastName"].as_str().unwrap()
            );
            assert_eq!(kroner_cell(cell(&sheet, row, 7)), money(&line["price"]));
            assert_eq!(
                kroner_cell(cell(&sheet, row, 8)),
                money(&line["employerContribution"])
            );
            assert_eq!(kroner_cell(cell(&sheet, row, 9)), money(&line["deduction"]));
            assert_eq!(
                text_cell(cell(&sheet, row, 10)),
                line["subscriptionId"].as_str().unwrap()
            );
        }
        let sum = 5 + lines.len() as u32;
        let totals = &basis["totals"];
        assert_eq!(text_cell(cell(&sheet, sum, 0)), "Sum");
        assert_eq!(
            kroner_cell(cell(&sheet, sum, 1)),
            100 * totals["subscriptions"].as_i64().unwrap()
        );
        assert_eq!(kroner_cell(cell(&sheet, sum, 7)), money(&totals["price"]));
        assert_eq!(
            kroner_cell(cell(&sheet, sum, 8)),
            money(&totals["employerContribution"])
        );
        assert_eq!(
            kroner_cell(cell(&sheet, sum, 9)),
            money(&totals["deduction"])
        );
        assert_eq!(
            cell(&sheet, sum + 1, 0),
            Data::Empty,
            "nothing after the totals"
        );
    }
}

#[tokio::test]
async fn visma_and_tripletex_files_book_each_deduction_on_the_pay_type_code() {
    let (app, _, company, _, _) = company_with_tickets().await;
    app.set_today("2026-12-02");
    let admin = app.log_in("kari@firma.no").await;
    let basis = basis(&app, &admin, &company, "2026-11").await;
    assert_eq!(basis["preliminary"], false);
    let by_number: BTreeMap<&str, &Value> = basis["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["employeeNumber"].as_str().unwrap(), l))
        .collect();

    let visma = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-11.csv?format=visma"),
        )
        .await;
    assert_eq!(visma.status, 200, "{}", visma.text());
    assert_eq!(
        visma.header("content-disposition"),
        "attachment; filename=\"lonnstrekk-974760673-2026-11-visma.csv\""
    );
    assert!(!visma.body.starts_with(BOM), "no byte order mark");
    let rows = records(&visma.body, false);
    assert_eq!(
        rows.len(),
        by_number.len(),
        "one record per line, no header"
    );
    let mut deducted = 0;
    for row in &rows {
        assert_eq!(
            row.len(),
            17,
            "year; period; number; pay type; basis; quantity; rate; amount; account; \
             balancing account; R1-R6; the empty deduction code"
        );
        let line = by_number[row[2].as_str()];
        let n = &row[2][2..];
        assert_eq!(
            row[8..],
            [
                "",
                "",
                &format!("A{n}"),
                &format!("K{n}"),
                "",
                "",
                "",
                "",
                ""
            ]
        );
        assert_eq!(row[..2], ["2026", "11"]);
        assert_eq!(row[3], "5010");
        assert_eq!(ore(&row[4]), money(&line["price"]));
        assert_eq!(row[5], "1.00");
        assert_eq!(ore(&row[6]), money(&line["deduction"]));
        assert_eq!(ore(&row[7]), money(&line["deduction"]));
        deducted += ore(&row[7]);
    }
    assert_eq!(deducted, money(&basis["totals"]["deduction"]));

    let tripletex = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-11.csv?format=tripletex"),
        )
        .await;
    assert_eq!(tripletex.status, 200, "{}", tripletex.text());
    assert!(tripletex.text().starts_with(
        "ÅR;MÅNED;ANSATTNUMMER;LØNNSART;KOMMENTAR;ANTALL;SATS;PROSJEKTNUMMER;AVDELINGSNUMMER\n"
    ));
    let rows = records(&tripletex.body, true);
    assert_eq!(rows.len(), by_number.len());
    let mut deducted = 0;
    for row in &rows {
        let line = by_number[row[2].as_str()];
        let n = &row[2][2..];
        assert_eq!(row[..2], ["2026", "11"]);
        assert_eq!(row[3..6], ["5010", "Bedriftsbillett 2026-11", "1.00"]);
        assert_eq!(ore(&row[6]), money(&line["deduction"]));
        assert_eq!(row[7..], [format!("K{n}"), format!("A{n}")]);
        deducted += ore(&row[6]);
    }
    assert_eq!(deducted, money(&basis["totals"]["deduction"]));
}

#[tokio::test]
async fn an_import_without_pay_type_code_or_employee_numbers_is_refused_and_names_what_is_missing()
{
    let app = TestApp::spawn("2026-11-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "974760673", "kari@firma.no", "CLOSED")
        .await;
    app.create(
        &admin,
        &company,
        "91000001",
        order("Kari", "Nordmann"),
        Some("2026-11-10"),
    )
    .await;
    let path = format!("/reports/payroll/{company}/2026-11.csv?format=visma");
    let refused = app.download(Some(&admin), &path).await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, "INVALID_STATE".to_owned())
    );
    assert!(
        refused.text().contains("pay type code"),
        "{}",
        refused.text()
    );

    app.ok(
        Some(&admin),
        "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"5010\") { name } }",
        json!({ "c": company }),
    )
    .await;
    let id = basis(&app, &admin, &company, "2026-11").await["lines"][0]["subscriptionId"]
        .as_str()
        .unwrap()
        .to_owned();
    for format in ["visma", "tripletex"] {
        let path = format!("/reports/payroll/{company}/2026-11.csv?format={format}");
        let refused = app.download(Some(&admin), &path).await;
        assert_eq!(
            (refused.status, refused.code()),
            (409, "INVALID_STATE".to_owned())
        );
        assert!(
            refused.text().contains(&format!("Kari Nordmann ({id})")),
            "{}",
            refused.text()
        );
    }
    let generic = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{company}/2026-11.csv"),
        )
        .await;
    assert_eq!(generic.status, 200);
    assert_eq!(
        records(&generic.body, true)[0][3],
        id,
        "the generic file has the line"
    );
}

#[tokio::test]
async fn downloads_are_authorised_like_graphql() {
    let (app, operator, company, admin, other_admin) = company_with_tickets().await;
    let path = format!("/reports/payroll/{company}/2026-11.csv");
    let refused = app.download(None, &path).await;
    assert_eq!(
        (refused.status, refused.code()),
        (401, "UNAUTHENTICATED".to_owned())
    );
    assert_eq!(refused.header("www-authenticate"), "Bearer");
    let refused = app.download(Some("not-a-session"), &path).await;
    assert_eq!(
        (refused.status, refused.code()),
        (401, "UNAUTHENTICATED".to_owned())
    );
    for path in [
        path.clone(),
        format!("{path}?format=visma"),
        format!("/reports/payroll/{company}/2026-11.xlsx"),
    ] {
        let refused = app.download(Some(&other_admin), &path).await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "FORBIDDEN".to_owned()),
            "{path}"
        );
        assert!(!refused.text().contains("Nordmann"), "nothing leaks");
    }
    assert_eq!(app.download(Some(&operator), &path).await.status, 200);
    assert_eq!(app.download(Some(&admin), &path).await.status, 200);

    let unknown = uuid::Uuid::new_v4();
    let missing = app
        .download(
            Some(&operator),
            &format!("/reports/payroll/{unknown}/2026-11.csv"),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, "NOT_FOUND".to_owned())
    );
    let missing = app
        .download(
            Some(&admin),
            &format!("/reports/payroll/{unknown}/2026-11.csv"),
        )
        .await;
    assert_eq!(
        missing.status, 403,
        "an administrator learns nothing of other ids"
    );

    for bad in [
        format!("/reports/payroll/{company}/2026-13.csv"),
        format!("/reports/payroll/{company}/november.csv"),
        format!("/reports/payroll/{company}/2026-11.pdf"),
        format!("/reports/payroll/{company}/2026-11.csv?format=sap"),
        format!("/reports/payroll/{company}/2026-11.xlsx?format=visma"),
        "/reports/payroll/not-an-id/2026-11.csv".to_owned(),
        "/reports/invoice/2026-11.xlsx".to_owned(),
        "/reports/invoice/2026-11.csv?format=visma".to_owned(),
    ] {
        let refused = app.download(Some(&operator), &bad).await;
        assert_eq!(
            (refused.status, refused.code()),
            (400, "BAD_USER_INPUT".to_owned()),
            "{bad}"
        );
    }
    let refused = app
        .download(Some(&admin), "/reports/invoice/2026-11.csv")
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, "FORBIDDEN".to_owned())
    );
}

#[tokio::test]
async fn operators_download_the_invoice_basis_of_every_company_as_graphql_has_it() {
    let (app, operator, _, _, _) = company_with_tickets().await;
    let data = app
        .ok(
            Some(&operator),
            "query { invoiceBasis(month: \"2026-11\") { preliminary
               lines { companyId orgNumber name totals { subscriptions price employerContribution deduction } }
               totals { subscriptions price employerContribution deduction } } }",
            json!({}),
        )
        .await;
    let basis = &data["invoiceBasis"];
    let file = app
        .download(Some(&operator), "/reports/invoice/2026-11.csv")
        .await;
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(
        file.header("content-disposition"),
        "attachment; filename=\"fakturagrunnlag-2026-11-forelopig.csv\""
    );
    let rows = records(&file.body, true);
    let lines = basis["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "only the company with charges");
    assert_eq!(rows.len(), 2);
    for (row, totals) in [
        (&rows[0], &lines[0]["totals"]),
        (&rows[1], &basis["totals"]),
    ] {
        assert_eq!(row[1], "FORELØPIG");
        assert_eq!(row[7], totals["subscriptions"].to_string());
        assert_eq!(ore(&row[8]), money(&totals["price"]));
        assert_eq!(ore(&row[9]), money(&totals["employerContribution"]));
        assert_eq!(ore(&row[10]), money(&totals["deduction"]));
    }
    assert_eq!(
        rows[0][2..6],
        [
            "LINJE",
            lines[0]["companyId"].as_str().unwrap(),
            "974760673",
            "Firma AS"
        ]
    );
    assert_eq!(rows[1][2], "SUM");
}
