//! Reading an uploaded file into a table of text cells: CSV (UTF-8, with or without a byte
//! order mark, `;` or `,` between fields, whichever the heading line uses) or an Excel workbook
//! (its first sheet; dates become `YYYY-MM-DD`, whole numbers lose their `.0`). Each row keeps
//! its number as the spreadsheet shows it (the heading row is 1), so errors point at the row a
//! person sees. Empty rows are skipped.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::ImportError;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 5_000;

/// A file's headings and rows of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The heading row's cells, trimmed.
    pub headings: Vec<String>,
    /// Each data row: its number as the spreadsheet shows it, and its cells, trimmed.
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Reads `bytes` as a workbook when it is one (a ZIP file), else as UTF-8 CSV.
pub fn read(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let sheet = if bytes.starts_with(b"PK\x03\x04") {
        read_workbook(bytes)?
    } else {
        read_csv(bytes)?
    };
    if sheet.headings.iter().all(String::is_empty) {
        return Err(ImportError::File(
            "the file is empty: its first row must hold the headings".to_owned(),
        ));
    }
    if sheet.rows.len() > MAX_ROWS {
        return Err(ImportError::File(format!(
            "the file has {} rows; at most {MAX_ROWS} are read at a time",
            sheet.rows.len()
        )));
    }
    Ok(sheet)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ImportError::File(
            "the file is neither UTF-8 text (CSV) nor an Excel workbook: save it as \
             \"CSV UTF-8\" or .xlsx"
                .to_owned(),
        )
    })?;
    let heading_line = text.lines().next().unwrap_or_default();
    let delimiter = if heading_line.matches(';').count() >= heading_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headings = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| ImportError::File(format!("the CSV cannot be read: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if headings.is_none() {
            headings = Some(cells);
        } else if cells.iter().any(|c| !c.is_empty()) {
            rows.push((u32::try_from(line).unwrap_or(u32::MAX), cells));
        }
    }
    Ok(Sheet {
        headings: headings.unwrap_or_default(),
        rows,
    })
}

fn read_workbook(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let unreadable = |e: calamine::XlsxError| {
        tracing::info!(error = %e, "an uploaded workbook could not be read");
        ImportError::File("the Excel workbook cannot be read: save it as .xlsx".to_owned())
    };
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::File("the workbook has no sheet".to_owned()))?;
    let range = workbook.worksheet_range(&first).map_err(unreadable)?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut headings = None;
    let mut rows = Vec::new();
    for (index, row) in (0u32..).zip(range.rows()) {
        // Columns before the range's first are empty: keep the sheet's column positions.
        let mut cells: Vec<String> = vec![String::new(); first_column as usize];
        cells.extend(row.iter().map(cell_text));
        if headings.is_none() {
            if cells.iter().any(|c| !c.is_empty()) {
                headings = Some(cells);
            }
        } else if cells.iter().any(|c| !c.is_empty()) {
            rows.push((first_row + index + 1, cells));
        }
    }
    Ok(Sheet {
        headings: headings.unwrap_or_default(),
        rows,
    })
}

/// A cell as the text a person typed: dates as `YYYY-MM-DD`, whole numbers without `.0`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(date) => {
            let (year, month, day, ..) = date.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTimeIso(text) => text.get(..10).unwrap_or(text).to_owned(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{number:.0}")
        }
        other => other.to_string().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_a_byte_order_mark_and_semicolons_keeps_the_spreadsheet_row_numbers() {
        let sheet = read(b"\xEF\xBB\xBFFornavn;Mobil\nKari;91234567\n;\nOla;\"98765432\"\n")
            .expect("a sheet");
        assert_eq!(sheet.headings, ["Fornavn", "Mobil"]);
        assert_eq!(
            sheet.rows,
            vec![
                (2, vec!["Kari".to_owned(), "91234567".to_owned()]),
                (4, vec!["Ola".to_owned(), "98765432".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_csv_with_commas_is_split_on_commas() {
        let sheet = read(b"Fornavn,Etternavn\nKari,Nordmann\n").expect("a sheet");
        assert_eq!(sheet.rows[0].1, ["Kari", "Nordmann"]);
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_a_hint() {
        let refused = read(b"Fornavn\n\xE6\xF8\xE5\n").expect_err("Latin-1 refused");
        assert!(refused.to_string().contains("UTF-8"), "{refused}");
    }
}
