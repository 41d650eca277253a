//! The payroll deduction basis as an Excel workbook, for people: one sheet named after the
//! month with a title, the status (`FORELØPIG` or `ENDELIG`) and the pay type code at the
//! top, then a table of every line with a filter and frozen headings, and a closing `Sum` row.
//! Amounts are numbers (kroner, shown with two decimals), so the sheet can sum and sort them.
//! Zones are names, the zone class and category Norwegian; after the fixed columns comes one
//! column per field of the company's order form (`Avdeling`, `Koststed`, ...) with the answers.

use bedrift_domain::values::Money;

use super::names::{class_name, phone_text};
use super::workbook::{Cell, Sheet, Style};
use super::{status_word, PayrollExport, ReportError};

/// The row of the table's headings (0-based); lines start on the next row.
pub const HEADING_ROW: u32 = 4;

/// The table's headings.
pub const HEADINGS: [&str; 11] = [
    "Ansattnummer",
    "Etternavn",
    "Fornavn",
    "Mobil",
    "Soner",
    "Soneklasse",
    "Reisende",
    "Pris",
    "Arbeidsgiverandel",
    "Lønnstrekk",
    "Abonnement",
];

const WIDTHS: [f64; 11] = [
    14.0, 20.0, 18.0, 14.0, 24.0, 14.0, 12.0, 12.0, 18.0, 12.0, 38.0,
];
/// The column of the subscription id, the last fixed one; form fields follow.
const LAST_FIXED_COLUMN: u16 = 10;

/// Kroner as the number a cell holds.
fn kroner(amount: Money) -> f64 {
    amount.ore() as f64 / 100.0
}

/// The workbook's bytes.
pub fn workbook(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let basis = &export.basis;
    let company = &export.company;
    let mut sheet = Sheet::new(&basis.month.to_string());
    let title = format!(
        "Lønnstrekkgrunnlag {} – {} ({})",
        basis.month, company.name, company.org_number
    );
    sheet.row(0, [Cell::Text(&title, Style::Bold)]);
    let explanation = if basis.preliminary {
        "Måneden er ikke avsluttet; grunnlaget kan fortsatt endres."
    } else {
        "Måneden er avsluttet."
    };
    sheet.row(
        1,
        [
            Cell::Text("Status", Style::Plain),
            Cell::Text(status_word(basis.preliminary), Style::Bold),
            Cell::Text(explanation, Style::Plain),
        ],
    );
    sheet.row(
        2,
        [
            Cell::Text("Lønnsart", Style::Plain),
            Cell::Text(
                company.pay_type_code.as_deref().unwrap_or("ikke satt"),
                Style::Plain,
            ),
        ],
    );

    let headings = HEADINGS
        .iter()
        .copied()
        .chain(export.fields.iter().map(String::as_str));
    sheet.row(
        HEADING_ROW,
        headings.map(|title| Cell::Text(title, Style::Heading)),
    );
    let widths = WIDTHS.into_iter().chain(export.fields.iter().map(|_| 16.0));
    for (column, width) in (0u16..).zip(widths) {
        sheet.set_width(column, width);
    }
    let last_column = LAST_FIXED_COLUMN + export.fields.len() as u16;

    let mut row = HEADING_ROW;
    for line in &basis.lines {
        row += 1;
        let charge = &line.charge;
        let phone = phone_text(&line.phone);
        let zones = export.zone_names_of(line);
        let id = line.subscription_id.to_string();
        let answers: Vec<&str> = export
            .fields
            .iter()
            .map(|label| export.answer(line, Some(label)))
            .collect();
        fn text(value: &str) -> Cell<'_> {
            Cell::Text(value, Style::Plain)
        }
        let money = |amount: Money| Cell::Number(kroner(amount), Style::Money);
        let fixed = [
            line.employee_number.as_deref().map_or(Cell::Empty, text),
            text(&line.last_name),
            text(&line.first_name),
            text(&phone),
            text(&zones),
            text(class_name(charge.zones.class())),
            text(charge.category.norwegian()),
            money(charge.price),
            money(charge.employer_contribution),
            money(charge.deduction),
            text(&id),
        ];
        let answers = answers.iter().map(|answer| {
            if answer.is_empty() {
                Cell::Empty
            } else {
                text(answer)
            }
        });
        sheet.row(row, fixed.into_iter().chain(answers));
    }
    if row > HEADING_ROW {
        sheet.filter(HEADING_ROW, row, last_column);
    }
    sheet.freeze_rows(HEADING_ROW + 1);

    let totals = &basis.totals;
    let sum = |amount: Money| Cell::Number(kroner(amount), Style::SumMoney);
    let line = Cell::Blank(Style::SumText);
    let cells = [
        Cell::Text("Sum", Style::SumText),
        Cell::Number(totals.subscriptions as f64, Style::SumText),
        Cell::Text("abonnementer", Style::SumText),
        line,
        line,
        line,
        line,
        sum(totals.price),
        sum(totals.employer_contribution),
        sum(totals.deduction),
    ];
    let rest = (LAST_FIXED_COLUMN..=last_column).map(|_| line);
    sheet.row(row + 1, cells.into_iter().chain(rest));
    Ok(sheet.into_workbook()?)
}
