//! The payroll deduction basis as files: which layouts and file kinds there are, their file
//! names. The generic CSV is in `generic.rs`,
//! the payroll-system import files in `imports.rs`, the workbook in `xlsx.rs`.

use super::{PayrollExport, ReportError};

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
        (PayrollFormat::Generic, FileKind::Csv) => Ok(super::generic::generic(export)),
        (PayrollFormat::Generic, FileKind::Xlsx) => super::xlsx::workbook(export),
        (PayrollFormat::Visma, FileKind::Csv) => super::imports::visma(export),
        (PayrollFormat::Tripletex, FileKind::Csv) => super::imports::tripletex(export),
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

#[cfg(test)]
#[path = "payroll_tests.rs"]
mod tests;
