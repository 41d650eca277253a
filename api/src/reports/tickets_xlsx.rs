//! The ticket list as an Excel workbook: one sheet `Billetter` with a title line, then the
//! table of `tickets.rs` (same columns and cells) with a filter and frozen headings. Dates
//! are text `YYYY-MM-DD`, which Excel's filter sorts in date order.

use super::tickets::TicketExport;
use super::workbook::{Cell, Sheet, Style};
use super::ReportError;

/// The row of the table's headings (0-based); tickets start on the next row.
pub const HEADING_ROW: u32 = 2;

/// The workbook's bytes.
pub fn tickets_workbook(export: &TicketExport) -> Result<Vec<u8>, ReportError> {
    let mut sheet = Sheet::new("Billetter");
    let title = format!(
        "Billetter {} – {} ({})",
        export.today, export.company.name, export.company.org_number
    );
    sheet.row(0, [Cell::Text(&title, Style::Bold)]);
    let headings = export.headings();
    sheet.row(
        HEADING_ROW,
        headings
            .iter()
            .map(|title| Cell::Text(title, Style::Heading)),
    );
    for column in (0u16..).take(headings.len()) {
        sheet.set_width(column, 16.0);
    }
    let mut row = HEADING_ROW;
    for line in &export.lines {
        row += 1;
        let cells = export.cells(line);
        sheet.row(
            row,
            cells.iter().map(|cell| {
                if cell.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(cell, Style::Plain)
                }
            }),
        );
    }
    let last_column = u16::try_from(headings.len().saturating_sub(1)).unwrap_or(u16::MAX);
    if row > HEADING_ROW {
        sheet.filter(HEADING_ROW, row, last_column);
    }
    sheet.freeze_rows(HEADING_ROW + 1);
    Ok(sheet.into_workbook()?)
}
