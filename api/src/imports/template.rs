//! The bulk-add template: the company's columns (see [`super::rows`]) and one example row, as
//! a CSV for people (UTF-8 with a byte order mark, `;`) or a workbook with the headings in
//! bold. The example row is valid as it stands; delete or overwrite it.

use bedrift_domain::company::OrderForm;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use super::rows::headings;
use crate::reports::csv_file::CsvFile;
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
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Ansatte")?;
    let bold = Format::new().set_bold();
    for (column, heading) in (0u16..).zip(headings(form)) {
        sheet.write_string_with_format(0, column, heading, &bold)?;
        sheet.set_column_width(column, 16.0)?;
    }
    for (column, cell) in (0u16..).zip(example(form, zone, start)) {
        if !cell.is_empty() {
            sheet.write_string(1, column, cell)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}
