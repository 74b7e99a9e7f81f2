//! Typed search filters: a [`Field`] for each searchable field and a method per operator, checked
//! before anything is sent.
//!
//! ```
//! use lacework_tokens::search::Field;
//!
//! let filters = [Field::Alias.ilike("ci-%"), Field::Enabled.eq(true)];
//! # let _ = filters;
//! ```

use chrono::{DateTime, Utc};
use lacework_tokens_api::types::SearchExpression as Op;

use crate::error::Error;

/// A field of an agent token that searches filter on and return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The token value, [`AgentToken::token`](crate::AgentToken::token) (the API's `accessToken`).
    Token,
    /// When it was created, [`AgentToken::created_at`](crate::AgentToken::created_at) (the API's
    /// `createdTime`): compares as an instant when the operand is a time.
    CreatedAt,
    /// Its name, [`AgentToken::alias`](crate::AgentToken::alias) (the API's `tokenAlias`).
    Alias,
    /// Whether it is enabled, [`AgentToken::enabled`](crate::AgentToken::enabled) (the API's
    /// `tokenEnabled`): compare with `true`/`false`.
    Enabled,
    /// Its format version (`version`).
    Version,
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
#[derive(Clone, PartialEq)]
pub struct Filter {
    pub(crate) field: Field,
    pub(crate) op: Op,
    pub(crate) operands: Vec<Operand>,
}

/// Operands on [`Field::Token`] are token values, or their start: secrets, hidden like
/// [`AgentTokenId`](crate::AgentTokenId)'s.
impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Filter");
        debug.field("field", &self.field).field("op", &self.op);
        if self.field == Field::Token {
            debug.field("operands", &"[REDACTED]");
        } else {
            debug.field("operands", &self.operands);
        }
        debug.finish()
    }
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
        /// After `value` (ordering the field: instants for `createdTime`, text for the others).
        gt => Gt,
        /// At or after `value` (ordering the field: instants for `createdTime`, text for the others).
        ge => Ge,
        /// Before `value` (ordering the field: instants for `createdTime`, text for the others).
        lt => Lt,
        /// At or before `value` (ordering the field: instants for `createdTime`, text for the others).
        le => Le,
    }

    many_operands! {
        /// Equal to one of `values` (at least one).
        is_in => In,
        /// Equal to none of `values` (at least one).
        not_in => NotIn,
    }

    /// From `low` to `high`, both included (ordering the field: instants for `createdTime`, text for the others).
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_operands_are_hidden_in_debug_and_others_shown() {
        let shown = format!("{:?}", Field::Token.eq("47d102752b57caa18b9f00aa"));
        assert!(!shown.contains("47d10275") && shown.contains("[REDACTED]"), "{shown}");
        assert!(format!("{:?}", Field::Alias.eq("ci-runners")).contains("ci-runners"));
    }

    #[test]
    fn operands_are_checked_before_sending() {
        let err = |f: Filter| f.to_wire(2).unwrap_err().to_string();
        assert!(err(Field::Alias.is_in(Vec::<String>::new())).contains("needs at least one value"));
        assert!(err(Field::Alias.eq(true)).contains("not a flag"));
        assert!(err(Field::CreatedAt.eq(true)).contains("compares with times"));
    }

    #[test]
    fn every_expression_applies_to_every_field() {
        // The spec allows every pair; the client refuses none of them.
        assert!(Field::Alias.gt("a").to_wire(0).is_ok());
        assert!(Field::Version.ge("0.1").to_wire(0).is_ok());
        assert!(Field::CreatedAt.like("2020%").to_wire(0).is_ok());
        assert!(Field::Enabled.eq("yes").to_wire(0).is_ok());
        assert!(Field::Alias.rlike("").to_wire(0).is_ok());
    }

    #[test]
    fn filters_take_the_wire_shape() {
        let json = |f: Filter| serde_json::to_value(f.to_wire(0).unwrap()).unwrap();
        assert_eq!(
            json(Field::Enabled.eq(true)),
            serde_json::json!({"field": "tokenEnabled", "expression": "eq", "value": "1"})
        );
        assert_eq!(
            json(Field::Alias.is_in(["a", "b"])),
            serde_json::json!({"field": "tokenAlias", "expression": "in", "values": ["a", "b"]})
        );
        let t = DateTime::parse_from_rfc3339("2020-12-16T16:43:37Z").unwrap().with_timezone(&Utc);
        assert_eq!(
            json(Field::CreatedAt.between(t, "2021-01-01T00:00:00+01:00"))["values"],
            serde_json::json!(["2020-12-16T16:43:37.000Z", "2020-12-31T23:00:00.000Z"])
        );
        assert_eq!(json(Field::Alias.rlike("^a"))["expression"], "rlike");
    }
}
