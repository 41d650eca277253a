//! The payroll-system import files: one deduction per line, booked on the employee number and
//! the company's pay type code, with the department and cost centre (or project) taken from
//! the order form fields the company mapped in its payroll settings (empty when not mapped).
//! No byte order mark; amounts in kroner with a decimal point.
//!
//! Visma Lønn ("Lønnsregistrering standard format", import of variable pay data), no header,
//! positional, 16 fields and the trailing `;` of Visma's own example (an empty 17th field, the
//! tax deduction code, left to the pay type): `år;periode;ansattnummer;lønnsart;grunnlag;
//! antall;sats;beløp;konto;motkonto;R1 avdeling;R2 prosjekt;R3;R4;R5;R6;`. The basis is the
//! full monthly price, quantity `1.00`, rate and amount the deduction (positive: the pay type
//! makes it a deduction); accounts blank (the pay type's); the cost carriers R1-R6 always in
//! quotes, as are the employee number and pay type when not all digits (alphanumeric fields
//! are quoted in that format). R1 is the department, R2 the cost centre.
//!
//! Tripletex (Lønn > Import), with a header row, in the documented column order: `ÅR;MÅNED;
//! ANSATTNUMMER;LØNNSART;KOMMENTAR;ANTALL;SATS;PROSJEKTNUMMER;AVDELINGSNUMMER`; quantity
//! `1.00`, rate the deduction, the comment `Bedriftsbillett <month>`, the project number the
//! cost centre, the department number the department.

use bedrift_projections::queries::PayrollLine;
use chrono::Datelike;

use super::csv_file::{CsvFile, Quote};
use super::error::UnnumberedLines;
use super::{PayrollExport, ReportError, Unnumbered};

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

/// Quotes for a Visma field that is not all digits (an alphanumeric field).
fn visma_quote(text: &str) -> Quote {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Quote::WhenNeeded
    } else {
        Quote::Always
    }
}

/// The Visma Lønn import file of `export`.
pub fn visma(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let (pay_type, lines) = import_lines(export)?;
    let first = export.basis.month.first_day();
    let (year, period) = (first.year().to_string(), first.month().to_string());
    let mut out = CsvFile::for_import();
    for (number, line) in lines {
        let deduction = line.charge.deduction.kroner();
        out.cell(&year, Quote::WhenNeeded);
        out.cell(&period, Quote::WhenNeeded);
        out.cell(number, visma_quote(number));
        out.cell(pay_type, visma_quote(pay_type));
        for amount in [&line.charge.price.kroner(), "1.00", &deduction, &deduction] {
            out.cell(amount, Quote::WhenNeeded);
        }
        out.cell("", Quote::WhenNeeded);
        out.cell("", Quote::WhenNeeded);
        out.cell(export.department(line), Quote::Always);
        out.cell(export.cost_centre(line), Quote::Always);
        for _ in 0..4 {
            out.cell("", Quote::Always);
        }
        out.cell("", Quote::WhenNeeded);
        out.end_record();
    }
    Ok(out.finish())
}

/// The Tripletex import file of `export`.
pub fn tripletex(export: &PayrollExport) -> Result<Vec<u8>, ReportError> {
    let (pay_type, lines) = import_lines(export)?;
    let month = export.basis.month;
    let first = month.first_day();
    let (year, month_number) = (first.year().to_string(), first.month().to_string());
    let comment = format!("Bedriftsbillett {month}");
    let mut out = CsvFile::for_import();
    out.record([
        "ÅR",
        "MÅNED",
        "ANSATTNUMMER",
        "LØNNSART",
        "KOMMENTAR",
        "ANTALL",
        "SATS",
        "PROSJEKTNUMMER",
        "AVDELINGSNUMMER",
    ]);
    for (number, line) in lines {
        out.record([
            year.as_str(),
            &month_number,
            number,
            pay_type,
            &comment,
            "1.00",
            &line.charge.deduction.kroner(),
            export.cost_centre(line),
            export.department(line),
        ]);
    }
    Ok(out.finish())
}
