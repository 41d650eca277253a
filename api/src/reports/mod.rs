//! Finance exports (SPEC.md "Finance"): a company's payroll deduction basis as a generic CSV,
//! an Excel workbook, or a payroll-system import file (Visma Lønn, Tripletex), and the
//! operator's invoice basis as CSV. Each is a rendering of the same basis the GraphQL
//! `Company.payrollDeductionBasis` and `invoiceBasis` return, never a second computation.
//!
//! Also a company's ticket list as CSV or workbook, with the portal's filter and search.
//!
//! Served over HTTP at `/reports/payroll/{companyId}/{month}.{csv|xlsx}?format=...`,
//! `/reports/tickets/{companyId}.{csv|xlsx}?status=...&search=...` and
//! `/reports/invoice/{month}.csv` (see [`http`]), and by `bedrift report` on the command line.
//!
//! The file layouts, shared by every CSV here (written by [`csv_file::CsvFile`]):
//! - UTF-8, `;` between fields (what Norwegian spreadsheets and Visma Lønn expect), quoted
//!   only where a field needs it (or its importer wants text quoted), one record per line
//!   ending in `\n`.
//! - Files for people (the generic CSVs, the ticket list) start with a UTF-8 byte order mark
//!   and show amounts with a decimal comma (`1234,50`), zone and category names; import files
//!   have no mark and amounts in kroner with two decimals and a point (`1234.50`, R15):
//!   [`Money::kroner`].
//! - The generic CSV and the workbook say on every line (CSV) or at the top (workbook) whether
//!   the month is preliminary (`FORELØPIG`: it has not ended, the basis may still change) or
//!   final (`ENDELIG`). Import files have no room for that; their file name says `forelopig`.
//!
//! Lines without an employee number: an import file books each deduction on an employee
//! number, so a line without one cannot be written. Visma and Tripletex exports then refuse
//! (`INVALID_STATE`, HTTP 409) and name every such line, instead of leaving deductions out
//! silently; the generic CSV and the workbook carry every line and can be used meanwhile.
//! Likewise without a pay type code (lønnsart) in the company's payroll settings.
//!
//! [`Money::kroner`]: bedrift_domain::values::Money::kroner

pub mod csv_file;
mod error;
mod generic;
pub mod http;
mod imports;
mod invoice;
mod load;
mod names;
mod payroll;
mod tickets;
mod tickets_xlsx;
pub(crate) mod workbook;
mod xlsx;

pub use error::{ReportError, Unnumbered};
pub use invoice::{invoice_csv, invoice_file_name, load_invoice};
pub use load::{load_payroll, PayrollExport};
pub use payroll::{payroll_file_name, render_payroll, FileKind, PayrollFormat};
pub use tickets::{
    load_tickets, status_from_code, tickets_csv, TicketExport, TicketFilter, MAX_SEARCH,
};
pub use tickets_xlsx::tickets_workbook;

/// The status word of a basis: `FORELØPIG` while its month has not ended, else `ENDELIG`.
pub fn status_word(preliminary: bool) -> &'static str {
    if preliminary {
        "FORELØPIG"
    } else {
        "ENDELIG"
    }
}
