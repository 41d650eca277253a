//! The bulk-add template: the company's columns (see [`super::rows`]) and one example row, as
//! a CSV for people (UTF-8 with a byte order mark, `;`) or a workbook with the headings in
//! bold. The example row is valid as it stands; delete or overwrite it.

use bedrift_domain::company::OrderForm;
use chrono::NaiveDate;

use super::rows::headings;
use crate::reports::csv_file::CsvFile;
use crate::reports::workbook::{Cell, Sheet, Style};
use crate::reports::ReportError;

/// The example row under the headings: a valid employee in `zone` from `start`.
fn example(form: &OrderForm, zone: &str, start: NaiveDate) -> Vec<String> {
    let mut row: Vec<String> = [
        "Kari",
        "Nordmann",
        "91234567",
        "Voksen",
        zone,
        &start.to_string(),
        "1001",
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect();
    row.extend(form.extra_fields.iter().map(|_| String::new()));
    row
}

/// The template as CSV.
pub fn template_csv(form: &OrderForm, zone: &str, start: NaiveDate) -> Vec<u8> {
    let mut file = CsvFile::for_people();
    file.record(headings(form));
    file.record(example(form, zone, start));
    file.finish()
}

/// The template as a workbook: one sheet `Ansatte`, every cell text.
pub fn template_workbook(
    form: &OrderForm,
    zone: &str,
    start: NaiveDate,
) -> Result<Vec<u8>, ReportError> {
    let mut sheet = Sheet::new("Ansatte");
    let headings = headings(form);
    sheet.row(
        0,
        headings
            .iter()
            .map(|heading| Cell::Text(heading, Style::Bold)),
    );
    for column in (0u16..).take(headings.len()) {
        sheet.set_width(column, 16.0);
    }
    let example = example(form, zone, start);
    sheet.row(
        1,
        example.iter().map(|cell| {
            if cell.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(cell, Style::Plain)
            }
        }),
    );
    Ok(sheet.into_workbook()?)
}
