//! The payroll deduction basis as an Excel workbook, for people: one sheet named after the
//! month with a title, the status (`FORELØPIG` or `ENDELIG`) and the pay type code at the
//! top, then a table of every line with a filter and frozen headings, and a closing `Sum` row.
//! Amounts are numbers (kroner, shown with two decimals), so the sheet can sum and sort them.
//! Zones are names, the zone class and category Norwegian; after the fixed columns comes one
//! column per field of the company's order form (`Avdeling`, `Koststed`, ...) with the answers.

use bedrift_domain::values::Money;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

use super::names::{class_name, phone_text};
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
/// The column of the price; the contribution and the deduction follow.
const PRICE_COLUMN: u16 = 7;

/// Kroner as the number a cell holds.
fn kroner(amount: Money) -> f64 {
    amount.ore() as f64 / 100.0
}

/// The workbook's bytes.
pub fn workbook(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(export.basis.month.to_string())?;
    write_sheet(sheet, export)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(sheet: &mut Worksheet, export: &PayrollExport) -> Result<(), ReportError> {
    let basis = &export.basis;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let heading = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let sum_money = Format::new()
        .set_bold()
        .set_num_format("#,##0.00")
        .set_border_top(FormatBorder::Thin);
    let sum_text = Format::new().set_bold().set_border_top(FormatBorder::Thin);

    let company = &export.company;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Lønnstrekkgrunnlag {} – {} ({})",
            basis.month, company.name, company.org_number
        ),
        &bold,
    )?;
    sheet.write_string(1, 0, "Status")?;
    sheet.write_string_with_format(1, 1, status_word(basis.preliminary), &bold)?;
    sheet.write_string(
        1,
        2,
        if basis.preliminary {
            "Måneden er ikke avsluttet; grunnlaget kan fortsatt endres."
        } else {
            "Måneden er avsluttet."
        },
    )?;
    sheet.write_string(2, 0, "Lønnsart")?;
    sheet.write_string(
        2,
        1,
        company.pay_type_code.as_deref().unwrap_or("ikke satt"),
    )?;

    for (column, (title, width)) in (0u16..).zip(HEADINGS.iter().zip(WIDTHS)) {
        sheet.write_string_with_format(HEADING_ROW, column, *title, &heading)?;
        sheet.set_column_width(column, width)?;
    }
    let last_column = LAST_FIXED_COLUMN + export.fields.len() as u16;
    for (column, label) in (LAST_FIXED_COLUMN + 1..).zip(&export.fields) {
        sheet.write_string_with_format(HEADING_ROW, column, label, &heading)?;
        sheet.set_column_width(column, 16.0)?;
    }
    let mut row = HEADING_ROW;
    for line in &basis.lines {
        row += 1;
        let charge = &line.charge;
        if let Some(number) = &line.employee_number {
            sheet.write_string(row, 0, number)?;
        }
        sheet.write_string(row, 1, &line.last_name)?;
        sheet.write_string(row, 2, &line.first_name)?;
        sheet.write_string(row, 3, phone_text(&line.phone))?;
        sheet.write_string(row, 4, export.zone_names_of(line))?;
        sheet.write_string(row, 5, class_name(charge.zones.class()))?;
        sheet.write_string(row, 6, charge.category.norwegian())?;
        let amounts = [charge.price, charge.employer_contribution, charge.deduction];
        for (column, amount) in (PRICE_COLUMN..).zip(amounts) {
            sheet.write_number_with_format(row, column, kroner(amount), &money)?;
        }
        sheet.write_string(row, LAST_FIXED_COLUMN, line.subscription_id.to_string())?;
        for (column, label) in (LAST_FIXED_COLUMN + 1..).zip(&export.fields) {
            let answer = export.answer(line, Some(label));
            if !answer.is_empty() {
                sheet.write_string(row, column, answer)?;
            }
        }
    }
    if row > HEADING_ROW {
        sheet.autofilter(HEADING_ROW, 0, row, last_column)?;
    }
    sheet.set_freeze_panes(HEADING_ROW + 1, 0)?;

    let totals = &basis.totals;
    row += 1;
    sheet.write_string_with_format(row, 0, "Sum", &sum_text)?;
    sheet.write_number_with_format(row, 1, totals.subscriptions as f64, &sum_text)?;
    sheet.write_string_with_format(row, 2, "abonnementer", &sum_text)?;
    for column in 3..PRICE_COLUMN {
        sheet.write_blank(row, column, &sum_text)?;
    }
    let amounts = [totals.price, totals.employer_contribution, totals.deduction];
    for (column, amount) in (PRICE_COLUMN..).zip(amounts) {
        sheet.write_number_with_format(row, column, kroner(amount), &sum_money)?;
    }
    for column in LAST_FIXED_COLUMN..=last_column {
        sheet.write_blank(row, column, &sum_text)?;
    }
    Ok(())
}
