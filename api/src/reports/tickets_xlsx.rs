//! The ticket list as an Excel workbook: one sheet `Billetter` with a title line, then the
//! table of `tickets.rs` (same columns and cells) with a filter and frozen headings. Dates
//! are text `YYYY-MM-DD`, which Excel's filter sorts in date order.

use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use super::tickets::TicketExport;
use super::ReportError;

/// The row of the table's headings (0-based); tickets start on the next row.
pub const HEADING_ROW: u32 = 2;

/// The workbook's bytes.
pub fn tickets_workbook(export: &TicketExport) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Billetter")?;
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Billetter {} – {} ({})",
            export.today, export.company.name, export.company.org_number
        ),
        &bold,
    )?;
    let headings = export.headings();
    for (column, title) in (0u16..).zip(&headings) {
        sheet.write_string_with_format(HEADING_ROW, column, *title, &heading)?;
        sheet.set_column_width(column, 16.0)?;
    }
    let mut row = HEADING_ROW;
    for line in &export.lines {
        row += 1;
        for (column, cell) in (0u16..).zip(export.cells(line)) {
            if !cell.is_empty() {
                sheet.write_string(row, column, cell)?;
            }
        }
    }
    let last_column = u16::try_from(headings.len().saturating_sub(1)).unwrap_or(u16::MAX);
    if row > HEADING_ROW {
        sheet.autofilter(HEADING_ROW, 0, row, last_column)?;
    }
    sheet.set_freeze_panes(HEADING_ROW + 1, 0)?;
    Ok(workbook.save_to_buffer()?)
}
