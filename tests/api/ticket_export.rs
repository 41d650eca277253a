//! The ticket list download over HTTP (`/reports/tickets/{companyId}.{csv|xlsx}`): the same
//! tickets as the GraphQL `Company.tickets` with the portal's filter and search, in Norwegian,
//! with the form answers, as CSV for a Norwegian Excel and as a workbook; authorised like
//! GraphQL.

use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};

use crate::exports::{records, BOM};
use crate::helpers::{order, TestApp};

/// A company asking for `Avdeling`, with Kari and Per active from today, Åse from next month,
/// plus another company. Returns (app, company, its administrator, the other administrator).
async fn company_with_list() -> (TestApp, String, String, String) {
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
            "extraFields": [{ "label": "Avdeling" }] }),
    )
    .await;
    for (phone, first, last, start, department) in [
        ("91000001", "Kari", "Nordmann", "2026-11-10", "Salg"),
        ("91000002", "Per", "Hansen", "2026-11-10", "Lager"),
        ("91000003", "Åse", "Nordmann-Berg", "2026-12-01", "Salg"),
    ] {
        let mut input = order(first, last);
        input["extraFields"] = json!([{ "label": "Avdeling", "value": department }]);
        app.create(&admin, &company, phone, input, Some(start))
            .await;
    }
    (app, company, admin, other_admin)
}

/// The ids GraphQL lists with `status` and `search`.
async fn listed(
    app: &TestApp,
    admin: &str,
    company: &str,
    status: Option<&str>,
    search: &str,
) -> Vec<String> {
    let data = app
        .ok(
            Some(admin),
            "query($c: ID!, $s: TicketStatus, $q: String) { company(id: $c) {
                tickets(first: 100, status: $s, search: $q) { nodes { id } } } }",
            json!({ "c": company, "s": status, "q": search }),
        )
        .await;
    data["company"]["tickets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_ticket_list_csv_has_the_tickets_graphql_lists_with_the_same_filter_and_search() {
    let (app, company, admin, _) = company_with_list().await;
    let everything = app
        .download(Some(&admin), &format!("/reports/tickets/{company}.csv"))
        .await;
    assert_eq!(everything.status, 200, "{}", everything.text());
    assert_eq!(everything.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        everything.header("content-disposition"),
        "attachment; filename=\"billetter-974760673-2026-11-10.csv\""
    );
    assert!(everything.body.starts_with(BOM));
    let header = &records(&everything.body, false)[0];
    assert_eq!(header[0], "Status");
    assert_eq!(header.last().unwrap(), "Avdeling");
    let rows = records(&everything.body, true);
    assert_eq!(rows.len(), 3);
    let kari = rows.iter().find(|r| r[2] == "Kari").expect("Kari's ticket");
    assert_eq!(
        kari[..9],
        [
            "Aktiv",
            "Nordmann",
            "Kari",
            "910 00 001",
            "",
            "Voksen",
            "Kristiansand",
            "1 sone",
            "2026-11-10"
        ]
    );
    assert_eq!(kari[13], "Salg");
    let åse = rows.iter().find(|r| r[2] == "Åse").expect("Åse's ticket");
    assert_eq!(åse[0], "Godkjent, ikke startet");

    let filtered = app
        .download(
            Some(&admin),
            &format!("/reports/tickets/{company}.csv?status=ACTIVE&search=nordm%C3%A5nn+"),
        )
        .await;
    assert_eq!(filtered.status, 200, "{}", filtered.text());
    assert!(records(&filtered.body, true).is_empty(), "no name has å");
    for (status, search, query) in [
        (Some("ACTIVE"), "nordmann", "status=ACTIVE&search=nordmann"),
        (None, "Nordmann", "search=Nordmann"),
        (Some("UPCOMING"), "", "status=UPCOMING"),
    ] {
        let file = app
            .download(
                Some(&admin),
                &format!("/reports/tickets/{company}.csv?{query}"),
            )
            .await;
        assert_eq!(file.status, 200, "{}", file.text());
        let ids: Vec<String> = records(&file.body, true)
            .iter()
            .map(|r| r[12].clone())
            .collect();
        let expected = listed(&app, &admin, &company, status, search).await;
        assert!(!expected.is_empty(), "{query} matches something");
        assert_eq!(ids, expected, "{query}");
    }
}

#[tokio::test]
async fn the_ticket_list_workbook_has_the_same_cells_as_the_csv() {
    let (app, company, admin, _) = company_with_list().await;
    let path = format!("/reports/tickets/{company}");
    let csv = app
        .download(Some(&admin), &format!("{path}.csv?search=Nordmann"))
        .await;
    let xlsx = app
        .download(Some(&admin), &format!("{path}.xlsx?search=Nordmann"))
        .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.text());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body)).expect("a workbook");
    let sheet = workbook.worksheet_range("Billetter").expect("the sheet");
    let text = |row: u32, column: u32| match sheet.get_value((row, column)) {
        Some(Data::String(text)) => text.clone(),
        None | Some(Data::Empty) => String::new(),
        Some(other) => panic!("not text: {other:?}"),
    };
    let rows = records(&csv.body, false);
    assert_eq!(rows.len(), 3, "the headings and two tickets");
    for (r, row) in (2u32..).zip(&rows) {
        for (c, cell) in (0u32..).zip(row) {
            assert_eq!(&text(r, c), cell, "row {r} column {c}");
        }
    }
    assert_eq!(
        text(2 + rows.len() as u32, 0),
        "",
        "nothing after the tickets"
    );
}

#[tokio::test]
async fn the_ticket_list_is_authorised_like_graphql_and_refuses_a_bad_filter() {
    let (app, company, admin, other_admin) = company_with_list().await;
    let path = format!("/reports/tickets/{company}.csv");
    assert_eq!(app.download(None, &path).await.status, 401);
    let refused = app.download(Some(&other_admin), &path).await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, "FORBIDDEN".to_owned())
    );
    assert!(!refused.text().contains("Nordmann"));
    for (bad, field) in [
        (format!("{path}?status=active"), "status"),
        (format!("{path}?search={}", "a".repeat(101)), "search"),
        (format!("/reports/tickets/{company}.pdf"), "format"),
        ("/reports/tickets/not-an-id.csv".to_owned(), "companyId"),
    ] {
        let refused = app.download(Some(&admin), &bad).await;
        assert_eq!(refused.status, 400, "{bad}");
        let body: Value = serde_json::from_slice(&refused.body).unwrap();
        assert_eq!(body["error"]["field"], field, "{bad}");
    }
}
