//! The layouts of the payroll files, from a basis built by hand: every field where the module
//! docs say it is, amounts in kroner with two decimals, refusals for what an import cannot
//! book, cost allocation from the mapped form fields.

use std::collections::BTreeMap;

use bedrift_domain::billing::Charge;
use bedrift_domain::values::{
    CompanyId, Money, Month, SubscriptionId, TravellerCategory, ZoneId, ZoneSelection,
};
use bedrift_projections::listing::CompanyListing;
use bedrift_projections::queries::{PayrollBasis, PayrollLine, Totals};

use super::*;

fn money(ore: i64) -> Money {
    Money::from_ore(ore).unwrap()
}

fn line(
    last: &str,
    number: Option<&str>,
    zones: ZoneSelection,
    price: i64,
    paid: i64,
) -> PayrollLine {
    PayrollLine {
        subscription_id: SubscriptionId::new(),
        employee_number: number.map(str::to_owned),
        first_name: "Åse".to_owned(),
        last_name: last.to_owned(),
        phone: "+4791234567".to_owned(),
        answers: BTreeMap::from([
            ("Avdeling".to_owned(), format!("{last} avd")),
            ("Koststed".to_owned(), "4010".to_owned()),
        ]),
        charge: Charge {
            month: Month::parse("2026-12").unwrap(),
            zones,
            category: TravellerCategory::Adult,
            price: money(price),
            employer_contribution: money(paid),
            deduction: money(price - paid),
        },
    }
}

fn one_zone() -> ZoneSelection {
    ZoneSelection::One {
        zone: ZoneId::parse("kristiansand").unwrap(),
    }
}

fn export(lines: Vec<PayrollLine>, pay_type: Option<&str>, preliminary: bool) -> PayrollExport {
    let mut totals = Totals::default();
    for line in &lines {
        totals.subscriptions += 1;
        totals.price = totals.price + line.charge.price;
        totals.employer_contribution =
            totals.employer_contribution + line.charge.employer_contribution;
        totals.deduction = totals.deduction + line.charge.deduction;
    }
    let company = CompanyId::new();
    PayrollExport {
        company: CompanyListing {
            company_id: company.as_uuid(),
            org_number: "974760673".to_owned(),
            name: "Firma; \"Sør\" AS".to_owned(),
            invoice_email: "faktura@firma.no".to_owned(),
            ordering_policy: "CLOSED".to_owned(),
            order_link_token: "abcdefghijklmnopqrstuvwx".to_owned(),
            order_form: serde_json::Value::Null,
            contribution_kind: "NONE".to_owned(),
            contribution_percent: None,
            contribution_amount_ore: None,
            pay_type_code: pay_type.map(str::to_owned),
            department_field: Some("Avdeling".to_owned()),
            cost_centre_field: Some("Koststed".to_owned()),
            registered_at: chrono::Utc::now(),
            version: 1,
            ends_on: None,
            deactivated_at: None,
        },
        basis: PayrollBasis {
            company_id: company,
            month: Month::parse("2026-12").unwrap(),
            lines,
            totals,
            preliminary,
        },
        fields: vec!["Avdeling".to_owned(), "Koststed".to_owned()],
        zone_names: BTreeMap::from([("kristiansand".to_owned(), "Kristiansand".to_owned())]),
    }
}

fn two_lines() -> PayrollExport {
    export(
        vec![
            line("Berg; Olsen", Some("E-1"), one_zone(), 74_950, 37_475),
            line(
                "Hansen",
                Some("E-2"),
                ZoneSelection::WholeRegion,
                150_005,
                0,
            ),
        ],
        Some("5010"),
        false,
    )
}

fn records(bytes: &[u8], header: bool) -> Vec<Vec<String>> {
    let bytes = bytes
        .strip_prefix(crate::reports::csv_file::BOM)
        .unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(header)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_generic_csv_opens_in_a_norwegian_excel_with_names_amounts_and_form_answers() {
    let export = two_lines();
    let bytes = render_payroll(&export, PayrollFormat::Generic, FileKind::Csv).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with(
        "\u{feff}måned;status;rad;abonnement;ansattnummer;etternavn;fornavn;mobil;soner;soneklasse;kategori;antall;pris;arbeidsgiverandel;trekk;Avdeling;Koststed\n"
    ));
    let rows = records(&bytes, true);
    assert_eq!(rows.len(), 3);
    let first = &export.basis.lines[0];
    assert_eq!(
        rows[0],
        [
            "2026-12",
            "ENDELIG",
            "LINJE",
            &first.subscription_id.to_string(),
            "E-1",
            "Berg; Olsen",
            "Åse",
            "+4791234567",
            "Kristiansand",
            "1 sone",
            "Voksen",
            "1",
            "749,50",
            "374,75",
            "374,75",
            "Berg; Olsen avd",
            "4010"
        ]
    );
    assert_eq!(rows[1][8], "Hele regionen");
    assert_eq!(rows[1][9], "Hele regionen");
    assert_eq!(&rows[1][12..15], ["1500,05", "0,00", "1500,05"]);
    assert_eq!(
        rows[2],
        [
            "2026-12", "ENDELIG", "SUM", "", "", "", "", "", "", "", "", "2", "2249,55", "374,75",
            "1874,80", "", ""
        ]
    );
}

#[test]
fn a_month_that_has_not_ended_is_marked_preliminary_on_every_line_and_in_the_name() {
    let mut export = two_lines();
    export.basis.preliminary = true;
    let bytes = render_payroll(&export, PayrollFormat::Generic, FileKind::Csv).unwrap();
    assert!(records(&bytes, true).iter().all(|r| r[1] == "FORELØPIG"));
    assert_eq!(
        payroll_file_name(&export, PayrollFormat::Visma, FileKind::Csv),
        "lonnstrekk-974760673-2026-12-visma-forelopig.csv"
    );
    export.basis.preliminary = false;
    assert_eq!(
        payroll_file_name(&export, PayrollFormat::Generic, FileKind::Xlsx),
        "lonnstrekk-974760673-2026-12.xlsx"
    );
}

#[test]
fn visma_gets_its_positional_fields_with_department_and_cost_centre_as_r1_and_r2() {
    let bytes = render_payroll(&two_lines(), PayrollFormat::Visma, FileKind::Csv).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "2026;12;\"E-1\";5010;749.50;1.00;374.75;374.75;;;\"Berg; Olsen avd\";\"4010\";\"\";\"\";\"\";\"\";\n\
         2026;12;\"E-2\";5010;1500.05;1.00;1500.05;1500.05;;;\"Hansen avd\";\"4010\";\"\";\"\";\"\";\"\";\n"
    );
}

#[test]
fn visma_leaves_all_digit_employee_numbers_unquoted_and_unmapped_carriers_empty() {
    let mut export = two_lines();
    export.basis.lines.truncate(1);
    export.basis.lines[0].employee_number = Some("1001".to_owned());
    export.company.department_field = None;
    export.company.cost_centre_field = None;
    let bytes = render_payroll(&export, PayrollFormat::Visma, FileKind::Csv).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "2026;12;1001;5010;749.50;1.00;374.75;374.75;;;\"\";\"\";\"\";\"\";\"\";\"\";\n"
    );
}

#[test]
fn tripletex_gets_its_documented_columns_with_project_and_department_under_a_header() {
    let bytes = render_payroll(&two_lines(), PayrollFormat::Tripletex, FileKind::Csv).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "ÅR;MÅNED;ANSATTNUMMER;LØNNSART;KOMMENTAR;ANTALL;SATS;PROSJEKTNUMMER;AVDELINGSNUMMER\n\
         2026;12;E-1;5010;Bedriftsbillett 2026-12;1.00;374.75;4010;\"Berg; Olsen avd\"\n\
         2026;12;E-2;5010;Bedriftsbillett 2026-12;1.00;1500.05;4010;Hansen avd\n"
    );
}

#[test]
fn an_empty_month_gives_only_the_totals_or_only_the_header() {
    let empty = export(Vec::new(), Some("5010"), false);
    let generic = render_payroll(&empty, PayrollFormat::Generic, FileKind::Csv).unwrap();
    let rows = records(&generic, true);
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][11..15], ["0", "0,00", "0,00", "0,00"]);
    let visma = render_payroll(&empty, PayrollFormat::Visma, FileKind::Csv).unwrap();
    assert!(visma.is_empty());
}

#[test]
fn import_files_refuse_lines_without_an_employee_number_and_name_them() {
    let mut export = two_lines();
    export.basis.lines[1].employee_number = None;
    let id = export.basis.lines[1].subscription_id.to_string();
    for format in [PayrollFormat::Visma, PayrollFormat::Tripletex] {
        let error = render_payroll(&export, format, FileKind::Csv).unwrap_err();
        let ReportError::MissingEmployeeNumbers(lines) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(lines.0.len(), 1);
        assert!(error.to_string().contains(&format!("Åse Hansen ({id})")));
    }
    let generic = render_payroll(&export, PayrollFormat::Generic, FileKind::Csv).unwrap();
    assert_eq!(records(&generic, true)[1][4], "");
}

#[test]
fn import_files_need_the_pay_type_code() {
    let mut export = two_lines();
    export.company.pay_type_code = None;
    for format in [PayrollFormat::Visma, PayrollFormat::Tripletex] {
        let error = render_payroll(&export, format, FileKind::Csv).unwrap_err();
        assert!(matches!(error, ReportError::NoPayTypeCode), "{error:?}");
    }
    assert!(render_payroll(&export, PayrollFormat::Generic, FileKind::Csv).is_ok());
}

#[test]
fn only_the_generic_format_is_a_workbook() {
    let export = two_lines();
    for format in [PayrollFormat::Visma, PayrollFormat::Tripletex] {
        let error = render_payroll(&export, format, FileKind::Xlsx).unwrap_err();
        assert!(matches!(error, ReportError::WorkbookFormat), "{error:?}");
    }
    let bytes = render_payroll(&export, PayrollFormat::Generic, FileKind::Xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "a zip container");
}

#[test]
fn formats_and_file_kinds_parse_from_their_names_only() {
    for format in [
        PayrollFormat::Generic,
        PayrollFormat::Visma,
        PayrollFormat::Tripletex,
    ] {
        assert_eq!(PayrollFormat::parse(format.name()), Some(format));
    }
    assert_eq!(PayrollFormat::parse("Visma"), None);
    assert_eq!(FileKind::parse("xlsx"), Some(FileKind::Xlsx));
    assert_eq!(FileKind::parse("xls"), None);
}

#[test]
fn text_that_a_spreadsheet_would_run_is_written_as_text_in_the_generic_csv() {
    let mut export = two_lines();
    export.basis.lines[0].first_name = "=HYPERLINK(\"http://x\")".to_owned();
    export.basis.lines[0].last_name = "-2+3".to_owned();
    export.basis.lines[1].first_name = "@SUM(A1)".to_owned();
    export.basis.lines[1].last_name = "\tTab".to_owned();
    let bytes = render_payroll(&export, PayrollFormat::Generic, FileKind::Csv).unwrap();
    let rows = records(&bytes, true);
    // Columns: 5 etternavn, 6 fornavn, 7 mobil, 14 trekk.
    assert_eq!(rows[0][6], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0][5], "'-2+3");
    assert_eq!(rows[1][6], "'@SUM(A1)");
    assert_eq!(rows[1][5], "'\tTab");
    assert_eq!(
        rows[0][7], "+4791234567",
        "a validated phone number stays as it is"
    );
    assert_eq!(rows[0][14], "374,75", "amounts stay numbers");
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '@', '\t', '\r']), "{cell}");
        }
    }
}
