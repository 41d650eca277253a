//! Which input of an order form a refusal is about, so that the page can mark that input and
//! the message can name it.

use std::fmt;

/// An input of the order form: the employee number or one of the company's extra fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FormInput {
    /// The employee number (ansattnummer).
    EmployeeNumber,
    /// The company's extra field with this label.
    ExtraField(String),
}

impl FormInput {
    /// The input as the API names it: `employeeNumber`, or `extraFields[<label>]`.
    pub fn path(&self) -> String {
        match self {
            Self::EmployeeNumber => "employeeNumber".to_owned(),
            Self::ExtraField(label) => format!("extraFields[{label}]"),
        }
    }
}

impl fmt::Display for FormInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmployeeNumber => f.write_str("the employee number"),
            Self::ExtraField(label) => write!(f, "the answer to \"{label}\""),
        }
    }
}

/// What is wrong with a form input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormProblem {
    /// Required but left empty.
    Missing,
    /// Longer than the form allows (`MAX_FIELD_ANSWER` characters for answers).
    TooLong,
    /// Control characters in it.
    Characters,
    /// An answer to a field the company's form does not have.
    Unknown,
}

/// The sentence for `input` with `problem`, for the person who typed it.
pub(super) fn describe(input: &FormInput, problem: FormProblem) -> String {
    match problem {
        FormProblem::Missing => format!("{input} is missing"),
        FormProblem::TooLong => format!("{input} can have at most 200 characters"),
        FormProblem::Characters => format!("{input} may only contain printable characters"),
        FormProblem::Unknown => match input {
            FormInput::ExtraField(label) => {
                format!("the company's order form has no field \"{label}\"")
            }
            FormInput::EmployeeNumber => "the order form does not ask for it".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_named_as_the_api_names_them() {
        assert_eq!(FormInput::EmployeeNumber.path(), "employeeNumber");
        assert_eq!(
            FormInput::ExtraField("Avdeling".into()).path(),
            "extraFields[Avdeling]"
        );
    }

    #[test]
    fn a_missing_input_is_called_missing() {
        assert_eq!(
            describe(&FormInput::EmployeeNumber, FormProblem::Missing),
            "the employee number is missing"
        );
        assert_eq!(
            describe(
                &FormInput::ExtraField("Avdeling".into()),
                FormProblem::Missing
            ),
            "the answer to \"Avdeling\" is missing"
        );
    }
}
