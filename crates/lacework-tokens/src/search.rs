//! Typed search filters: a [`Field`] for each searchable field and a method per operator, checked
//! before anything is sent.
//!
//! ```
//! use lacework_tokens::search::Field;
//!
//! let filters = [Field::TokenAlias.ilike("ci-%"), Field::TokenEnabled.eq(true)];
//! # let _ = filters;
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use lacework_tokens_api::types::{
    AgentAccessTokenField as WireField, SearchExpression as Op, SearchFilter, TimeFilter,
};

use crate::error::Error;

/// A field of an agent token that searches filter on and return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The token value (`accessToken`).
    AccessToken,
    /// When it was created (`createdTime`): the only field that orders (`gt`, `between`, ...).
    CreatedTime,
    /// Its name (`tokenAlias`).
    TokenAlias,
    /// Whether it is enabled (`tokenEnabled`): compare with `true`/`false`.
    TokenEnabled,
    /// Its format version (`version`).
    Version,
}

impl Field {
    pub(crate) fn wire(self) -> WireField {
        match self {
            Field::AccessToken => WireField::AccessToken,
            Field::CreatedTime => WireField::CreatedTime,
            Field::TokenAlias => WireField::TokenAlias,
            Field::TokenEnabled => WireField::TokenEnabled,
            Field::Version => WireField::Version,
        }
    }
}

/// One operand: text, a time or a flag.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// Compared as text (or, for `createdTime`, parsed as RFC 3339).
    Text(String),
    /// A time.
    Time(DateTime<Utc>),
    /// A flag, for `tokenEnabled`.
    Flag(bool),
}

impl From<&str> for Operand {
    fn from(text: &str) -> Self {
        Operand::Text(text.to_owned())
    }
}

impl From<String> for Operand {
    fn from(text: String) -> Self {
        Operand::Text(text)
    }
}

impl From<&String> for Operand {
    fn from(text: &String) -> Self {
        Operand::Text(text.clone())
    }
}

impl From<DateTime<Utc>> for Operand {
    fn from(time: DateTime<Utc>) -> Self {
        Operand::Time(time)
    }
}

impl From<bool> for Operand {
    fn from(flag: bool) -> Self {
        Operand::Flag(flag)
    }
}

/// One condition of a search; every filter of a search must hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    field: Field,
    op: Op,
    operands: Vec<Operand>,
}

macro_rules! one_operand {
    ($($(#[$doc:meta])* $name:ident => $op:ident,)*) => {$(
        $(#[$doc])*
        pub fn $name(self, value: impl Into<Operand>) -> Filter {
            Filter { field: self, op: Op::$op, operands: vec![value.into()] }
        }
    )*};
}

macro_rules! many_operands {
    ($($(#[$doc:meta])* $name:ident => $op:ident,)*) => {$(
        $(#[$doc])*
        pub fn $name<I: IntoIterator<Item = V>, V: Into<Operand>>(self, values: I) -> Filter {
            Filter { field: self, op: Op::$op, operands: values.into_iter().map(Into::into).collect() }
        }
    )*};
}

impl Field {
    one_operand! {
        /// Equal to `value`.
        eq => Eq,
        /// Not equal to `value`.
        ne => Ne,
        /// Matches the SQL pattern `value` (`%` any run, `_` one character).
        like => Like,
        /// Matches the SQL pattern `value`, ignoring case.
        ilike => Ilike,
        /// Does not match the SQL pattern `value`.
        not_like => NotLike,
        /// Does not match the SQL pattern `value`, ignoring case.
        not_ilike => NotIlike,
        /// Matches the regular expression `value`.
        rlike => Rlike,
        /// Does not match the regular expression `value`.
        not_rlike => NotRlike,
        /// After `value` (`createdTime` only).
        gt => Gt,
        /// At or after `value` (`createdTime` only).
        ge => Ge,
        /// Before `value` (`createdTime` only).
        lt => Lt,
        /// At or before `value` (`createdTime` only).
        le => Le,
    }

    many_operands! {
        /// Equal to one of `values` (at least one).
        is_in => In,
        /// Equal to none of `values` (at least one).
        not_in => NotIn,
    }

    /// From `low` to `high`, both included (`createdTime` only).
    pub fn between(self, low: impl Into<Operand>, high: impl Into<Operand>) -> Filter {
        Filter { field: self, op: Op::Between, operands: vec![low.into(), high.into()] }
    }
}

impl Filter {
    /// Checks the filter as a search would before sending it, e.g. to refuse a bad command-line
    /// filter early.
    pub fn check(&self) -> Result<(), Error> {
        self.to_wire(0).map(drop)
    }

    /// The filter as the API takes it, or why it cannot be sent. `index` names it in errors.
    pub(crate) fn to_wire(&self, index: usize) -> Result<SearchFilter, Error> {
        let name = || format!("filters[{index}] ({} {})", self.field.wire(), self.op);
        let bad = |reason: String| Error::invalid(name(), reason);
        let ordering = matches!(self.op, Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::Between);
        let pattern =
            matches!(self.op, Op::Like | Op::Ilike | Op::NotLike | Op::NotIlike | Op::Rlike | Op::NotRlike);
        if ordering && self.field != Field::CreatedTime {
            return Err(bad("orders only createdTime".to_owned()));
        }
        if pattern && self.field == Field::CreatedTime {
            return Err(bad("patterns apply to text fields, not createdTime".to_owned()));
        }
        let operands =
            self.operands.iter().map(|o| self.operand(o).map_err(&bad)).collect::<Result<Vec<_>, _>>()?;
        match self.op {
            Op::In | Op::NotIn if operands.is_empty() => Err(bad("needs at least one value".to_owned())),
            Op::In | Op::NotIn | Op::Between => Ok(SearchFilter {
                field: self.field.wire(),
                expression: self.op,
                value: None,
                values: operands,
            }),
            _ => Ok(SearchFilter {
                field: self.field.wire(),
                expression: self.op,
                value: operands.into_iter().next(),
                values: Vec::new(),
            }),
        }
        .and_then(|filter| {
            if self.op == Op::Between && filter.values.len() != 2 {
                return Err(bad("needs exactly two values".to_owned()));
            }
            if let Op::Rlike | Op::NotRlike = self.op
                && filter.value.as_deref().is_some_and(str::is_empty)
            {
                return Err(bad("the regular expression is empty".to_owned()));
            }
            Ok(filter)
        })
    }

    /// One operand as the API takes it, checked against the field.
    fn operand(&self, operand: &Operand) -> Result<String, String> {
        match (self.field, operand) {
            (Field::CreatedTime, Operand::Time(t)) => Ok(t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            (Field::CreatedTime, Operand::Text(t)) => DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true))
                .map_err(|_| format!("{t:?} is not an RFC 3339 time")),
            (Field::CreatedTime, Operand::Flag(_)) => Err("createdTime compares with times".to_owned()),
            (Field::TokenEnabled, Operand::Flag(flag)) => Ok(if *flag { "1" } else { "0" }.to_owned()),
            (Field::TokenEnabled, Operand::Text(t)) => match t.as_str() {
                "1" | "true" => Ok("1".to_owned()),
                "0" | "false" => Ok("0".to_owned()),
                _ if matches!(self.op, Op::Eq | Op::Ne | Op::In | Op::NotIn) => {
                    Err(format!("tokenEnabled compares with true/false (or \"1\"/\"0\"), got {t:?}"))
                }
                _ => Ok(t.clone()),
            },
            (_, Operand::Text(t)) => Ok(t.clone()),
            (field, Operand::Time(_)) => Err(format!("{} compares with text, not a time", field.wire())),
            (field, Operand::Flag(_)) => Err(format!("{} compares with text, not a flag", field.wire())),
        }
    }
}

/// A creation-time window for [`SearchBuilder::time_range`](crate::agent_tokens::SearchBuilder::time_range).
pub(crate) fn time_filter(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<TimeFilter, Error> {
    if let (Some(start), Some(end)) = (start, end)
        && start > end
    {
        return Err(Error::invalid("time_range", "the start is after the end"));
    }
    Ok(TimeFilter { start_time: start, end_time: end })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_are_checked_before_sending() {
        let err = |f: Filter| f.to_wire(2).unwrap_err().to_string();
        assert!(
            err(Field::TokenAlias.gt("a")).contains("filters[2] (tokenAlias gt): orders only createdTime")
        );
        assert!(err(Field::CreatedTime.like("2020%")).contains("patterns apply to text fields"));
        assert!(err(Field::TokenAlias.is_in(Vec::<String>::new())).contains("needs at least one value"));
        assert!(err(Field::CreatedTime.between("yesterday", Utc::now())).contains("not an RFC 3339 time"));
        assert!(err(Field::TokenEnabled.eq("yes")).contains("true/false"));
        assert!(err(Field::TokenAlias.eq(true)).contains("not a flag"));
        assert!(err(Field::TokenAlias.rlike("")).contains("empty"));
    }

    #[test]
    fn filters_take_the_wire_shape() {
        let f = Field::TokenEnabled.eq(true).to_wire(0).unwrap();
        assert_eq!((f.expression, f.value.as_deref(), f.values.len()), (Op::Eq, Some("1"), 0));
        let f = Field::TokenAlias.is_in(["a", "b"]).to_wire(0).unwrap();
        assert_eq!((f.value, f.values), (None, vec!["a".to_owned(), "b".to_owned()]));
        let t = DateTime::parse_from_rfc3339("2020-12-16T16:43:37Z").unwrap().with_timezone(&Utc);
        let f = Field::CreatedTime.between(t, "2021-01-01T00:00:00+01:00").to_wire(0).unwrap();
        assert_eq!(f.values, ["2020-12-16T16:43:37.000Z", "2020-12-31T23:00:00.000Z"]);
    }
}
