//! A small writer of Excel workbooks (Office Open XML, ECMA-376 part 1): one worksheet of text
//! and number cells in a few fixed styles, with column widths, frozen heading rows and a
//! filter. That is all our downloads need, and writing it here lets us choose the compression:
//! a payroll basis of 10,000 lines is about 4 MB of XML, and deflating it at zlib's default
//! level took most of the download's time. Level 1 writes it about five times faster for a
//! file about 1.6 times larger (1 MB), which no one waits on.
//!
//! Strings are written inline (`t="inlineStr"`), not through a shared-strings part, so the
//! sheet is written in one pass; Excel, LibreOffice and calamine read both.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// How a cell looks. Each is one entry of the fixed `cellXfs` list in [`STYLES`], in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Excel's default.
    Plain = 0,
    /// Bold.
    Bold = 1,
    /// A table heading: bold with a thin line under it.
    Heading = 2,
    /// An amount: two decimals with thousands grouping (Excel's built-in format 4, `#,##0.00`,
    /// which each reader shows in its own locale: `1 099,00` on a Norwegian machine).
    Money = 3,
    /// A sum row's text: bold with a thin line over it.
    SumText = 4,
    /// A sum row's amount: as [`Style::Money`], bold, with a thin line over it.
    SumMoney = 5,
}

/// One cell's content.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Nothing: the cell is not written.
    Empty,
    /// Text, written as it is (XML-escaped).
    Text(&'a str, Style),
    /// A number.
    Number(f64, Style),
    /// No value, but a style (a sum row's line across empty columns).
    Blank(Style),
}

/// One worksheet being written, and the workbook around it.
#[derive(Debug)]
pub struct Sheet {
    name: String,
    widths: Vec<(u16, f64)>,
    frozen_rows: u32,
    filter: Option<String>,
    /// The `<row>` elements written so far.
    rows: String,
    /// The next row that may be written (0-based); rows go in increasing order.
    next_row: u32,
}

impl Sheet {
    /// A sheet named `name`: at most 31 characters, none of `[ ] : * ? / \` (Excel's rules;
    /// callers name sheets with fixed words or a month, `2026-12`).
    pub fn new(name: &str) -> Self {
        debug_assert!(
            name.chars().count() <= 31 && !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "not a sheet name Excel accepts: {name}"
        );
        Self {
            name: name.to_owned(),
            widths: Vec::new(),
            frozen_rows: 0,
            filter: None,
            rows: String::with_capacity(64 * 1024),
            next_row: 0,
        }
    }

    /// Sets the width of `column` (0-based) in characters of the default font.
    pub fn set_width(&mut self, column: u16, width: f64) {
        self.widths.push((column, width));
    }

    /// Keeps the first `rows` rows in view when scrolling.
    pub fn freeze_rows(&mut self, rows: u32) {
        self.frozen_rows = rows;
    }

    /// Puts a filter on the table from `first_row` (its headings) to `last_row`, columns 0 to
    /// `last_column`, all 0-based and inclusive.
    pub fn filter(&mut self, first_row: u32, last_row: u32, last_column: u16) {
        self.filter = Some(format!(
            "A{}:{}{}",
            first_row + 1,
            column_letters(last_column),
            last_row + 1
        ));
    }

    /// Writes row `row` (0-based), its cells from column 0 on. Rows must be written in
    /// increasing order, each once.
    pub fn row<'a>(&mut self, row: u32, cells: impl IntoIterator<Item = Cell<'a>>) {
        debug_assert!(row >= self.next_row, "row {row} written out of order");
        self.next_row = row + 1;
        let number = row + 1;
        let _ = write!(self.rows, "<row r=\"{number}\">");
        // A cell's reference is optional when it follows the previous cell of its row, so it
        // is written only after a gap: the sheet's XML, and so its compression, is a third
        // smaller.
        let mut next = 0u16;
        for (column, cell) in (0u16..).zip(cells) {
            let (style, kind) = match cell {
                Cell::Empty => continue,
                Cell::Text(_, style) => (style, " t=\"inlineStr\""),
                Cell::Number(_, style) | Cell::Blank(style) => (style, ""),
            };
            self.rows.push_str("<c");
            if column != next {
                let _ = write!(self.rows, " r=\"{}{number}\"", column_letters(column));
            }
            next = column + 1;
            if style != Style::Plain {
                let _ = write!(self.rows, " s=\"{}\"", style as u8);
            }
            self.rows.push_str(kind);
            match cell {
                Cell::Text(text, _) => {
                    // Without this, readers may drop a text's leading and trailing spaces.
                    let padded = text.starts_with(char::is_whitespace)
                        || text.ends_with(char::is_whitespace);
                    self.rows.push_str(if padded {
                        "><is><t xml:space=\"preserve\">"
                    } else {
                        "><is><t>"
                    });
                    escape_into(&mut self.rows, text);
                    self.rows.push_str("</t></is></c>");
                }
                Cell::Number(value, _) => {
                    let _ = write!(self.rows, "><v>{value}</v></c>");
                }
                Cell::Blank(_) | Cell::Empty => self.rows.push_str("/>"),
            }
        }
        self.rows.push_str("</row>");
    }

    /// The workbook holding this sheet, as the bytes of an `.xlsx` file.
    pub fn into_workbook(self) -> Result<Vec<u8>, zip::result::ZipError> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(self.rows.len() / 4)));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        let part = |zip: &mut ZipWriter<_>, name: &str, pieces: &[&str]| {
            zip.start_file(name, options)?;
            for piece in pieces {
                zip.write_all(piece.as_bytes())?;
            }
            Ok::<_, zip::result::ZipError>(())
        };
        part(&mut zip, "[Content_Types].xml", &[CONTENT_TYPES])?;
        part(&mut zip, "_rels/.rels", &[ROOT_RELATIONSHIPS])?;
        part(&mut zip, "xl/workbook.xml", &[&self.workbook_part()])?;
        part(
            &mut zip,
            "xl/_rels/workbook.xml.rels",
            &[WORKBOOK_RELATIONSHIPS],
        )?;
        part(&mut zip, "xl/styles.xml", &[STYLES])?;
        let (head, tail) = self.sheet_head_and_tail();
        part(
            &mut zip,
            "xl/worksheets/sheet1.xml",
            &[&head, &self.rows, &tail],
        )?;
        Ok(zip.finish()?.into_inner())
    }

    fn workbook_part(&self) -> String {
        let mut name = String::new();
        escape_into(&mut name, &self.name);
        let mut xml = format!(
            "{XML_DECLARATION}<workbook xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\">\
             <bookViews><workbookView/></bookViews>\
             <sheets><sheet name=\"{name}\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
        );
        if let Some(range) = &self.filter {
            // Excel finds a sheet's filter range through this hidden name; without it the
            // filter buttons show but sorting may not cover the whole table.
            let quoted = name.replace('\'', "''");
            let absolute = range
                .split(':')
                .map(absolute_reference)
                .collect::<Vec<_>>()
                .join(":");
            let _ = write!(
                xml,
                "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" \
                 hidden=\"1\">'{quoted}'!{absolute}</definedName></definedNames>"
            );
        }
        xml.push_str("</workbook>");
        xml
    }

    fn sheet_head_and_tail(&self) -> (String, String) {
        let mut head = format!(
            "{XML_DECLARATION}<worksheet xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\">\
             <sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
        );
        if self.frozen_rows > 0 {
            let _ = write!(
                head,
                "<pane ySplit=\"{rows}\" topLeftCell=\"A{first}\" activePane=\"bottomLeft\" \
                 state=\"frozen\"/><selection pane=\"bottomLeft\"/>",
                rows = self.frozen_rows,
                first = self.frozen_rows + 1
            );
        }
        head.push_str("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
        if !self.widths.is_empty() {
            let mut widths = self.widths.clone();
            widths.sort_by_key(|(column, _)| *column);
            head.push_str("<cols>");
            for (column, width) in widths {
                let _ = write!(
                    head,
                    "<col min=\"{n}\" max=\"{n}\" width=\"{width}\" customWidth=\"1\"/>",
                    n = column + 1
                );
            }
            head.push_str("</cols>");
        }
        head.push_str("<sheetData>");
        let mut tail = String::from("</sheetData>");
        if let Some(range) = &self.filter {
            let _ = write!(tail, "<autoFilter ref=\"{range}\"/>");
        }
        tail.push_str("</worksheet>");
        (head, tail)
    }
}

/// A column's letters: 0 is `A`, 25 `Z`, 26 `AA`.
fn column_letters(column: u16) -> String {
    let mut letters = Vec::new();
    let mut n = u32::from(column) + 1;
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `A5` as `$A$5`.
fn absolute_reference(reference: &str) -> String {
    let digits = reference.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    format!("${}${}", &reference[..digits], &reference[digits..])
}

/// Appends `text` escaped for XML content and attributes. Characters XML 1.0 cannot hold
/// (control characters other than tab, line feed and carriage return) are written as OOXML's
/// `_xHHHH_` escapes, and so is the underscore of a text that looks like one, so every text
/// reads back as it was written.
fn escape_into(out: &mut String, text: &str) {
    for (at, ch) in text.char_indices() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '_' if looks_like_escape(&text[at..]) => out.push_str("_x005F_"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Whether `text` starts with `_xHHHH_`.
fn looks_like_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 7
        && bytes[1] == b'x'
        && bytes[2..6].iter().all(u8::is_ascii_hexdigit)
        && bytes[6] == b'_'
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELATIONSHIPS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
</Types>";

const ROOT_RELATIONSHIPS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

const WORKBOOK_RELATIONSHIPS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Two fonts (regular, bold), three borders (none, thin below, thin above) and the cell
/// formats of [`Style`], in its order.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<fonts count=\"2\">\
<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
</fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"3\">\
<border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>\
<border><left/><right/><top style=\"thin\"><color auto=\"1\"/></top><bottom/><diagonal/></border>\
</borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"6\">\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\"/>\
<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"2\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\"/>\
<xf numFmtId=\"4\" fontId=\"1\" fillId=\"0\" borderId=\"2\" xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\" applyBorder=\"1\"/>\
</cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn read_back(bytes: Vec<u8>) -> (Vec<String>, calamine::Range<Data>) {
        let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("a workbook calamine opens");
        let names = workbook.sheet_names();
        let range = workbook
            .worksheet_range(&names[0])
            .expect("its sheet reads");
        (names, range)
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            letters,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }

    #[test]
    fn every_text_and_number_reads_back_as_written() {
        let awkward = [
            "Ærlig & <sann> \"Øyvind\"",
            "line\nbreak\tand tab",
            "  spaces kept  ",
            "_x0041_ is not an A",
            "bell\u{7} and escape\u{1b}",
            "=SUM(A1) stays text",
        ];
        let mut sheet = Sheet::new("2026-12");
        sheet.set_width(1, 20.0);
        sheet.freeze_rows(1);
        sheet.row(
            0,
            [
                Cell::Text("Tekst", Style::Heading),
                Cell::Text("Beløp", Style::Heading),
            ],
        );
        for (row, text) in (1u32..).zip(awkward) {
            sheet.row(
                row,
                [
                    Cell::Text(text, Style::Plain),
                    Cell::Number(f64::from(row) * 100.0 + 0.33, Style::Money),
                ],
            );
        }
        sheet.row(8, [Cell::Empty, Cell::Blank(Style::SumText)]);
        sheet.row(
            9,
            [
                Cell::Empty,
                Cell::Empty,
                Cell::Text("after a gap", Style::Plain),
                Cell::Number(1.5, Style::Plain),
            ],
        );
        sheet.filter(0, 6, 1);
        let (names, range) = read_back(sheet.into_workbook().expect("written"));
        assert_eq!(names, ["2026-12"]);
        for (row, text) in (1u32..).zip(awkward) {
            assert_eq!(
                range.get_value((row, 0)),
                Some(&Data::String(text.to_owned())),
                "row {row}"
            );
            assert_eq!(
                range.get_value((row, 1)),
                Some(&Data::Float(f64::from(row) * 100.0 + 0.33))
            );
        }
        assert_eq!(
            range.get_value((0, 1)),
            Some(&Data::String("Beløp".to_owned()))
        );
        assert_eq!(
            range.get_value((9, 2)),
            Some(&Data::String("after a gap".to_owned()))
        );
        assert_eq!(range.get_value((9, 3)), Some(&Data::Float(1.5)));
    }

    #[test]
    fn a_sheet_name_with_a_quote_is_quoted_in_the_filter_name() {
        let mut sheet = Sheet::new("Kari's");
        sheet.row(0, [Cell::Text("a", Style::Plain)]);
        sheet.filter(0, 0, 0);
        let xml = sheet.workbook_part();
        assert!(xml.contains("'Kari''s'!$A$1:$A$1"), "{xml}");
    }
}
