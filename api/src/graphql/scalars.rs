//! The scalars of SPEC.md: `Date` (`2026-12-01`), `DateTime` (RFC 3339), `Month` (`2026-12`)
//! and `Money` (integer øre). A value that does not parse is `BAD_USER_INPUT`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use bedrift_domain::values;
use chrono::{NaiveDate, SecondsFormat, Utc};

fn refuse<T: async_graphql::InputType>(message: &str) -> InputValueError<T> {
    InputValueError::custom(message).with_extension("code", "BAD_USER_INPUT")
}

fn text<T: async_graphql::InputType>(value: &Value) -> Result<&str, InputValueError<T>> {
    match value {
        Value::String(text) => Ok(text),
        other => {
            Err(InputValueError::expected_type(other.clone())
                .with_extension("code", "BAD_USER_INPUT"))
        }
    }
}

/// A calendar date in Europe/Oslo, written `2026-12-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in Europe/Oslo, written `2026-12-01`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        NaiveDate::parse_from_str(text(&value)?, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| refuse("a date is written YYYY-MM-DD, for example 2026-12-01"))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant, written in RFC 3339 (`2026-12-01T11:00:00Z`); always shown in UTC, with the
/// fraction of a second it holds (`2026-12-01T11:00:00.123456Z`: stored instants have
/// microseconds), so an instant read from the API and sent back is the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant, written in RFC 3339 (`2026-12-01T11:00:00Z`); always shown in UTC, with the
/// fraction of a second it holds (`2026-12-01T11:00:00.123456Z`: stored instants have
/// microseconds), so an instant read from the API and sent back is the same instant.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        chrono::DateTime::parse_from_rfc3339(text(&value)?)
            .map(|instant| DateTime(instant.with_timezone(&Utc)))
            .map_err(|_| {
                refuse("an instant is written in RFC 3339, for example 2026-12-01T11:00:00Z")
            })
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// A calendar month, written `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month(pub values::Month);

/// A calendar month, written `2026-12`.
#[Scalar(name = "Month")]
impl ScalarType for Month {
    fn parse(value: Value) -> InputValueResult<Self> {
        values::Month::parse(text(&value)?)
            .map(Month)
            .map_err(|e| refuse(&e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// An amount of money in whole øre (1/100 krone), never negative: `74950` is 749,50 kr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub values::Money);

/// An amount of money in whole øre (1/100 krone), never negative: `74950` is 749,50 kr.
#[Scalar(name = "Money")]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        let ore = match &value {
            Value::Number(number) => number.as_i64(),
            _ => None,
        };
        let ore = ore.ok_or_else(|| refuse("an amount is a whole number of øre"))?;
        values::Money::from_ore(ore)
            .map(Money)
            .map_err(|e| refuse(&e.to_string()))
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.ore().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_and_write_their_documented_forms() {
        let date = Date::parse(Value::String("2026-12-01".into())).unwrap();
        assert_eq!(date.to_value(), Value::String("2026-12-01".into()));
        let month = Month::parse(Value::String("2026-12".into())).unwrap();
        assert_eq!(month.to_value(), Value::String("2026-12".into()));
        let money = Money::parse(Value::Number(74950.into())).unwrap();
        assert_eq!(money.to_value(), Value::Number(74950.into()));
        let instant = DateTime::parse(Value::String("2026-12-01T12:00:00+01:00".into())).unwrap();
        assert_eq!(
            instant.to_value(),
            Value::String("2026-12-01T11:00:00Z".into())
        );
    }

    #[test]
    fn malformed_scalars_are_refused() {
        assert!(Date::parse(Value::String("2026-13-01".into())).is_err());
        assert!(Month::parse(Value::String("12-2026".into())).is_err());
        assert!(Money::parse(Value::Number((-1).into())).is_err());
        assert!(DateTime::parse(Value::String("yesterday".into())).is_err());
    }
}
