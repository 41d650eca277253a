//! The one CSV writer of every export: each cell of every CSV file the service makes passes
//! through [`CsvFile::cell`], so a rule about cell contents (quoting, and anything a later
//! change adds for files people open in a spreadsheet) is made in one place.
//!
//! Two dialects, both `;` between fields and `\n` after records:
//! - [`CsvFile::for_people`]: starts with a UTF-8 byte order mark, so Excel on a Norwegian
//!   machine reads æøå right; amounts are written with [`kroner_for_people`] (decimal comma,
//!   which such an Excel reads as a number, since fields are split on `;`).
//! - [`CsvFile::for_import`]: no byte order mark, amounts with a decimal point, exactly as the
//!   payroll systems' importers require.
//!
//! A cell is quoted when it holds `;`, `"`, `\r` or `\n` (a `"` inside is doubled), or when the
//! caller asks for quotes ([`Quote::Always`], for importers that want text fields quoted).
//!
//! In files for people, a cell that a spreadsheet would run as a formula (it starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return, and is not simply a number such as a phone
//! number or a negative amount) gets a leading `'` (see [`spreadsheet_text`]). Import files
//! keep their exact values: their importers read text, and match employee numbers exactly.

use bedrift_domain::values::Money;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a cell is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// Only where the text needs it.
    WhenNeeded,
    /// Always, also when empty: `""`.
    Always,
}

/// A CSV file being written, in memory.
#[derive(Debug)]
pub struct CsvFile {
    out: Vec<u8>,
    /// Whether cells that a spreadsheet would run as formulas are written as text.
    for_people: bool,
    /// Whether the current record has a cell yet (then the next one needs a `;` first).
    started: bool,
}

impl CsvFile {
    /// A file for people: starts with the byte order mark.
    pub fn for_people() -> Self {
        let mut out = Vec::with_capacity(64 * 1024);
        out.extend_from_slice(BOM);
        Self {
            out,
            for_people: true,
            started: false,
        }
    }

    /// A file for a payroll system's importer: no byte order mark.
    pub fn for_import() -> Self {
        Self {
            out: Vec::with_capacity(64 * 1024),
            for_people: false,
            started: false,
        }
    }

    /// Writes one cell of the current record.
    pub fn cell(&mut self, text: &str, quote: Quote) {
        if self.started {
            self.out.push(b';');
        }
        self.started = true;
        let text = if self.for_people {
            spreadsheet_text(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let text = text.as_ref();
        let needs = quote == Quote::Always
            || text
                .bytes()
                .any(|b| matches!(b, b';' | b'"' | b'\r' | b'\n'));
        if !needs {
            self.out.extend_from_slice(text.as_bytes());
            return;
        }
        self.out.push(b'"');
        for (i, part) in text.split('"').enumerate() {
            if i > 0 {
                self.out.extend_from_slice(b"\"\"");
            }
            self.out.extend_from_slice(part.as_bytes());
        }
        self.out.push(b'"');
    }

    /// Ends the current record.
    pub fn end_record(&mut self) {
        self.out.push(b'\n');
        self.started = false;
    }

    /// Writes a whole record, each cell quoted only where needed.
    pub fn record<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for cell in cells {
            self.cell(cell.as_ref(), Quote::WhenNeeded);
        }
        self.end_record();
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// `text` as a spreadsheet shows it without running it: text starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be evaluated as a formula by Excel or LibreOffice (CSV
/// injection), so it gets a leading `'`, which they show as text. A plain number (digits with
/// an optional sign, spaces and one decimal separator, such as `+4791234567` or `-12,50`)
/// runs nothing and is left as it is, so it stays a number.
pub fn spreadsheet_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether `text` is a sign, then digits and spaces, with at most one `,` or `.` among them.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b',' | b'.'))
        && digits.bytes().filter(|b| matches!(b, b',' | b'.')).count() <= 1
}

/// An amount as Excel on a Norwegian machine reads a number: kroner, a decimal comma, two
/// decimals, no thousands separator (`1234,50`).
pub fn kroner_for_people(amount: Money) -> String {
    let ore = amount.ore();
    let sign = if ore < 0 { "-" } else { "" };
    let ore = ore.unsigned_abs();
    format!("{sign}{},{:02}", ore / 100, ore % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_for_people_starts_with_the_byte_order_mark_and_an_import_file_does_not() {
        let mut people = CsvFile::for_people();
        people.record(["Sør"]);
        assert_eq!(people.finish(), b"\xEF\xBB\xBFS\xC3\xB8r\n");
        let mut import = CsvFile::for_import();
        import.record(["Sør"]);
        assert_eq!(import.finish(), "Sør\n".as_bytes());
    }

    #[test]
    fn cells_are_quoted_only_where_needed_unless_asked() {
        let mut file = CsvFile::for_import();
        file.record(["a", "b;c", "si \"hei\"", "to\nlinjer", ""]);
        file.cell("", Quote::Always);
        file.cell("E12", Quote::Always);
        file.cell("12", Quote::WhenNeeded);
        file.end_record();
        assert_eq!(
            String::from_utf8(file.finish()).unwrap(),
            "a;\"b;c\";\"si \"\"hei\"\"\";\"to\nlinjer\";\n\"\";\"E12\";12\n"
        );
    }

    #[test]
    fn amounts_for_people_have_a_decimal_comma_and_two_decimals() {
        let kroner = |ore| kroner_for_people(Money::from_ore(ore).unwrap());
        assert_eq!(kroner(75_000), "750,00");
        assert_eq!(kroner(123_405), "1234,05");
        assert_eq!(kroner(0), "0,00");
    }

    #[test]
    fn formulas_become_text_in_files_for_people_and_numbers_stay_numbers() {
        for (given, written) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+4791234567", "+4791234567"),
            ("-12,50", "-12,50"),
            ("Ås", "Ås"),
        ] {
            assert_eq!(spreadsheet_text(given), written);
        }
        let mut import = CsvFile::for_import();
        import.record(["=1+1"]);
        assert_eq!(import.finish(), b"=1+1\n", "import files keep exact values");
    }
}
