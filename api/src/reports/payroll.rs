//! The payroll deduction basis as CSV: the generic layout (every line and the totals) and the
//! import layouts of Visma Lønn and Tripletex (one deduction per employee number, booked on
//! the company's pay type code). The workbook is in `xlsx.rs`.
//!
//! Generic, with a header: `måned;status;rad;abonnement;ansattnummer;etternavn;fornavn;mobil;
//! soner;soneklasse;kategori;antall;pris;arbeidsgiverandel;trekk`. `rad` is `LINJE` for a
//! subscription (`antall` 1) and `SUM` for the one closing line with the totals (`antall` the
//! number of subscriptions). Zones are codes separated by spaces, empty for the whole region;
//! zone class and category are the API's codes (`ONE_ZONE`, `ADULT`).
//!
//! Visma Lønn, no header, positional: `år;periode;ansattnummer;lønnsart;grunnlag;antall;sats;
//! beløp`, the period being the month's number; the basis is the full monthly price, quantity
//! `1.00`, rate and amount the deduction (positive: the pay type makes it a deduction).
//!
//! Tripletex, with a header: `år;måned;ansattnummer;lønnsart;antall;beløp`, quantity `1.00`,
//! amount the deduction.

use bedrift_domain::values::ZoneClass;
use bedrift_projections::queries::PayrollLine;
use chrono::Datelike;

use super::error::UnnumberedLines;
use super::{status_word, PayrollExport, ReportError, Unnumbered};

/// The layout of a payroll export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayrollFormat {
    /// Every line and the totals.
    Generic,
    /// Visma Lønn's import file.
    Visma,
    /// Tripletex's import file.
    Tripletex,
}

impl PayrollFormat {
    /// The format named `name` (`generic`, `visma`, `tripletex`), as the URL's `format` takes
    /// it.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "generic" => Some(Self::Generic),
            "visma" => Some(Self::Visma),
            "tripletex" => Some(Self::Tripletex),
            _ => None,
        }
    }

    /// The name [`PayrollFormat::parse`] takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Visma => "visma",
            Self::Tripletex => "tripletex",
        }
    }
}

/// The kind of file: CSV or an Excel workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Semicolon-separated text.
    Csv,
    /// An Excel workbook (.xlsx).
    Xlsx,
}

impl FileKind {
    /// The kind of the file extension `extension` (`csv`, `xlsx`).
    pub fn parse(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The media type to send it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The file of `export` in `format` as `kind`. Import formats refuse a company without a pay
/// type code and lines without an employee number (see the module docs of `reports`).
pub fn render_payroll(
    export: &PayrollExport,
    format: PayrollFormat,
    kind: FileKind,
) -> Result<Vec<u8>, ReportError> {
    match (format, kind) {
        (PayrollFormat::Generic, FileKind::Csv) => generic(export),
        (PayrollFormat::Generic, FileKind::Xlsx) => super::xlsx::workbook(export),
        (PayrollFormat::Visma, FileKind::Csv) => visma(export),
        (PayrollFormat::Tripletex, FileKind::Csv) => tripletex(export),
        (_, FileKind::Xlsx) => Err(ReportError::WorkbookFormat),
    }
}

/// A file name for the export: `lonnstrekk-<org.nr>-<month>[-<format>][-forelopig].<ext>`.
pub fn payroll_file_name(export: &PayrollExport, format: PayrollFormat, kind: FileKind) -> String {
    let layout = match format {
        PayrollFormat::Generic => String::new(),
        other => format!("-{}", other.name()),
    };
    let status = if export.basis.preliminary {
        "-forelopig"
    } else {
        ""
    };
    format!(
        "lonnstrekk-{}-{}{layout}{status}.{}",
        export.company.org_number,
        export.basis.month,
        kind.extension()
    )
}

/// A CSV writer with this module's dialect: `;` between fields, `\n` after records.
pub(super) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// A free-text cell (a name, an e-mail address, an employee number) made safe for
/// spreadsheets: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be
/// run as a formula when the generic CSV is opened in Excel or LibreOffice, so it gets a
/// leading `'`, which they show as text and do not evaluate (OWASP's advice). Only the generic
/// files get it: the machine import formats keep their exact values, as their importers read
/// them as text and match employee numbers exactly.
pub(super) fn text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The bytes written.
pub(super) fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ReportError> {
    writer
        .into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))
}

/// The API's code of a zone class.
pub(super) fn class_code(class: ZoneClass) -> &'static str {
    match class {
        ZoneClass::OneZone => "ONE_ZONE",
        ZoneClass::TwoZones => "TWO_ZONES",
        ZoneClass::WholeRegion => "WHOLE_REGION",
    }
}

/// The zone codes of a line, separated by spaces (empty for the whole region).
pub(super) fn zone_codes(line: &PayrollLine) -> String {
    line.charge
        .zones
        .zones()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn generic(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let basis = &export.basis;
    let month = basis.month.to_string();
    let status = status_word(basis.preliminary);
    let mut out = writer();
    out.write_record([
        "måned",
        "status",
        "rad",
        "abonnement",
        "ansattnummer",
        "etternavn",
        "fornavn",
        "mobil",
        "soner",
        "soneklasse",
        "kategori",
        "antall",
        "pris",
        "arbeidsgiverandel",
        "trekk",
    ])?;
    for line in &basis.lines {
        let charge = &line.charge;
        out.write_record([
            month.as_str(),
            status,
            "LINJE",
            &line.subscription_id.to_string(),
            &text_cell(line.employee_number.as_deref().unwrap_or_default()),
            &text_cell(&line.last_name),
            &text_cell(&line.first_name),
            &line.phone,
            &zone_codes(line),
            class_code(charge.zones.class()),
            charge.category.code(),
            "1",
            &charge.price.kroner(),
            &charge.employer_contribution.kroner(),
            &charge.deduction.kroner(),
        ])?;
    }
    let totals = &basis.totals;
    out.write_record([
        month.as_str(),
        status,
        "SUM",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        &totals.subscriptions.to_string(),
        &totals.price.kroner(),
        &totals.employer_contribution.kroner(),
        &totals.deduction.kroner(),
    ])?;
    finish(out)
}

/// The pay type code, and each line with its employee number.
type ImportLines<'a> = (&'a str, Vec<(&'a str, &'a PayrollLine)>);

/// The pay type code, and every line's employee number, or the refusal naming what is missing.
fn import_lines(export: &PayrollExport) -> Result<ImportLines<'_>, ReportError> {
    let pay_type = export
        .company
        .pay_type_code
        .as_deref()
        .ok_or(ReportError::NoPayTypeCode)?;
    let mut numbered = Vec::with_capacity(export.basis.lines.len());
    let mut missing = Vec::new();
    for line in &export.basis.lines {
        match line.employee_number.as_deref() {
            Some(number) => numbered.push((number, line)),
            None => missing.push(Unnumbered {
                subscription_id: line.subscription_id.to_string(),
                name: format!("{} {}", line.first_name, line.last_name),
            }),
        }
    }
    if missing.is_empty() {
        Ok((pay_type, numbered))
    } else {
        Err(ReportError::MissingEmployeeNumbers(UnnumberedLines(
            missing,
        )))
    }
}

fn visma(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let (pay_type, lines) = import_lines(export)?;
    let first = export.basis.month.first_day();
    let (year, period) = (first.year().to_string(), first.month().to_string());
    let mut out = writer();
    for (number, line) in lines {
        let deduction = line.charge.deduction.kroner();
        out.write_record([
            year.as_str(),
            &period,
            number,
            pay_type,
            &line.charge.price.kroner(),
            "1.00",
            &deduction,
            &deduction,
        ])?;
    }
    finish(out)
}

fn tripletex(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let (pay_type, lines) = import_lines(export)?;
    let first = export.basis.month.first_day();
    let (year, month) = (first.year().to_string(), first.month().to_string());
    let mut out = writer();
    out.write_record(["år", "måned", "ansattnummer", "lønnsart", "antall", "beløp"])?;
    for (number, line) in lines {
        out.write_record([
            year.as_str(),
            &month,
            number,
            pay_type,
            "1.00",
            &line.charge.deduction.kroner(),
        ])?;
    }
    finish(out)
}

#[cfg(test)]
#[path = "payroll_tests.rs"]
mod tests;
