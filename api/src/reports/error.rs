//! Why an export could not be made. Refusals the caller can fix (no pay type code, lines
//! without an employee number, a format the file kind does not have) become API codes;
//! failures inside (the database, the writers) are logged and become `INTERNAL`.

use std::fmt;

use bedrift_projections::ProjectionError;
use thiserror::Error;

use crate::graphql::ApiError;

/// How many unnumbered lines an error message names before it only counts the rest.
const NAMED: usize = 20;

/// A payroll line that has no employee number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unnumbered {
    /// The subscription.
    pub subscription_id: String,
    /// The employee's name, first then last.
    pub name: String,
}

/// The lines of [`ReportError::MissingEmployeeNumbers`], as its message shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnnumberedLines(pub Vec<Unnumbered>);

impl fmt::Display for UnnumberedLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, line) in self.0.iter().take(NAMED).enumerate() {
            let separator = if n == 0 { "" } else { ", " };
            write!(f, "{separator}{} ({})", line.name, line.subscription_id)?;
        }
        if self.0.len() > NAMED {
            write!(f, " and {} more", self.0.len() - NAMED)?;
        }
        Ok(())
    }
}

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ReportError {
    /// The company is not registered.
    #[error("there is no such company")]
    CompanyNotFound,
    /// An import file needs the company's pay type code.
    #[error(
        "the company has no pay type code (lønnsart): set it in the payroll settings before \
         exporting to a payroll system"
    )]
    NoPayTypeCode,
    /// An import file needs an employee number on every line.
    #[error(
        "{} line(s) have no employee number, so a payroll import cannot book them: {}. \
         The generic CSV and Excel exports carry every line",
        .0 .0.len(),
        .0
    )]
    MissingEmployeeNumbers(UnnumberedLines),
    /// Only the generic layout exists as a workbook.
    #[error("an Excel workbook is only made in the generic format")]
    WorkbookFormat,
    /// Reading the basis failed.
    #[error("reading the basis")]
    Basis(#[from] ProjectionError),
    /// Writing a CSV failed.
    #[error("writing the CSV")]
    Csv(#[from] csv::Error),
    /// Writing the workbook failed.
    #[error("writing the workbook")]
    Workbook(#[from] zip::result::ZipError),
}

impl From<ReportError> for ApiError {
    fn from(error: ReportError) -> Self {
        let message = error.to_string();
        match error {
            ReportError::CompanyNotFound => Self::NotFound(message),
            ReportError::NoPayTypeCode | ReportError::MissingEmployeeNumbers(_) => {
                Self::InvalidState(message)
            }
            ReportError::WorkbookFormat => Self::bad_input("format", message),
            ReportError::Basis(e) => e.into(),
            other => Self::internal(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unnumbered(count: usize) -> ReportError {
        ReportError::MissingEmployeeNumbers(UnnumberedLines(
            (0..count)
                .map(|n| Unnumbered {
                    subscription_id: format!("id-{n}"),
                    name: format!("Kari {n}"),
                })
                .collect(),
        ))
    }

    #[test]
    fn a_missing_employee_number_names_the_lines_and_is_invalid_state() {
        let error = unnumbered(2);
        assert_eq!(
            error.to_string(),
            "2 line(s) have no employee number, so a payroll import cannot book them: \
             Kari 0 (id-0), Kari 1 (id-1). The generic CSV and Excel exports carry every line"
        );
        assert_eq!(ApiError::from(error).code(), "INVALID_STATE");
    }

    #[test]
    fn a_long_list_of_unnumbered_lines_names_twenty_and_counts_the_rest() {
        let message = unnumbered(25).to_string();
        assert!(message.starts_with("25 line(s)"), "{message}");
        assert!(message.contains("Kari 19 (id-19) and 5 more"), "{message}");
        assert!(!message.contains("Kari 20 "), "{message}");
    }

    #[test]
    fn refusals_map_to_their_codes_and_failures_to_internal() {
        assert_eq!(
            ApiError::from(ReportError::CompanyNotFound).code(),
            "NOT_FOUND"
        );
        assert_eq!(
            ApiError::from(ReportError::NoPayTypeCode).code(),
            "INVALID_STATE"
        );
        assert_eq!(
            ApiError::from(ReportError::WorkbookFormat),
            ApiError::bad_input("format", ReportError::WorkbookFormat.to_string())
        );
        let io = std::io::Error::other("disk full");
        assert_eq!(
            ApiError::from(ReportError::Csv(csv::Error::from(io))),
            ApiError::Internal
        );
    }
}
