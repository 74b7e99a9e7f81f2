//! Search filters between the typed API and the wire: a [`Field`] as the API names it, a
//! [`Filter`] in the spec's filter forms (how many operands each expression takes comes from
//! `lacework_tokens_api::rules`), operands as the API takes them, and the time window.

use chrono::{DateTime, SecondsFormat, Utc};
use lacework_tokens_api::rules::{self, Operands};
use lacework_tokens_api::types::{
    AgentAccessTokenField as WireField, OneOperandFilter, RangeFilter, RegexFilter, SearchExpression as Op,
    SearchFilter, SetFilter, TimeFilter,
};

use crate::error::Error;
use crate::search::{Field, Filter, Operand};

impl Field {
    pub(crate) fn wire(self) -> WireField {
        match self {
            Field::Token => WireField::AccessToken,
            Field::CreatedAt => WireField::CreatedTime,
            Field::Alias => WireField::TokenAlias,
            Field::Enabled => WireField::TokenEnabled,
            Field::Version => WireField::Version,
        }
    }
}

impl Filter {
    /// The filter as the API takes it, or why it cannot be sent. `index` names it in errors.
    ///
    /// Only what the spec refuses is refused here (and operands of the wrong kind for the field,
    /// which the typed API can hold but the wire cannot say): every expression applies to every
    /// field. How many operands an expression takes comes from `lacework_tokens_api::rules`.
    pub(crate) fn to_wire(&self, index: usize) -> Result<SearchFilter, Error> {
        let name = || format!("filters[{index}] ({} {})", self.field.wire(), self.op);
        let bad = |reason: String| Error::invalid(name(), reason);
        let mut operands =
            self.operands.iter().map(|o| self.operand(o).map_err(&bad)).collect::<Result<Vec<_>, _>>()?;
        let (field, expression) = (self.field.wire(), self.op.to_string());
        let form = |e: &str| bad(format!("the spec has no filter form for {e:?}"));
        match rules::operands(self.op) {
            Operands::OneOrMore if operands.is_empty() => Err(bad("needs at least one value".to_owned())),
            Operands::OneOrMore => Ok(SearchFilter::SetFilter(SetFilter {
                field,
                expression: expression.parse().map_err(|_| form(&expression))?,
                values: operands,
            })),
            Operands::Two => {
                let values: [String; 2] =
                    operands.try_into().map_err(|_| bad("needs exactly two values".to_owned()))?;
                Ok(SearchFilter::RangeFilter(RangeFilter {
                    field,
                    expression: expression.parse().map_err(|_| form(&expression))?,
                    values,
                }))
            }
            Operands::One if operands.len() != 1 => Err(bad("needs exactly one value".to_owned())),
            Operands::One => {
                let value = operands.remove(0);
                Ok(match self.op {
                    Op::Rlike | Op::NotRlike => SearchFilter::RegexFilter(RegexFilter {
                        field,
                        expression: expression.parse().map_err(|_| form(&expression))?,
                        value,
                    }),
                    _ => SearchFilter::OneOperandFilter(OneOperandFilter {
                        field,
                        expression: expression.parse().map_err(|_| form(&expression))?,
                        value,
                    }),
                })
            }
        }
    }

    /// One operand as the API takes it: times in RFC 3339 with milliseconds (a `createdTime` text
    /// that is a time is normalized, any other text is sent as is), flags as "1"/"0".
    fn operand(&self, operand: &Operand) -> Result<String, String> {
        match (self.field, operand) {
            (Field::CreatedAt, Operand::Time(t)) => Ok(t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            (Field::CreatedAt, Operand::Text(t)) => Ok(DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true))
                .unwrap_or_else(|_| t.clone())),
            (Field::CreatedAt, Operand::Flag(_)) => Err("createdTime compares with times".to_owned()),
            (Field::Enabled, Operand::Flag(flag)) => Ok(if *flag { "1" } else { "0" }.to_owned()),
            (_, Operand::Text(t)) => Ok(t.clone()),
            (field, Operand::Time(_)) => Err(format!("{} compares with text, not a time", field.wire())),
            (field, Operand::Flag(_)) => Err(format!("{} compares with text, not a flag", field.wire())),
        }
    }
}

/// A creation-time window for [`SearchBuilder::time_range`](crate::agent_tokens::SearchBuilder::time_range).
/// A window that ends before it starts is allowed by the spec; it matches nothing.
pub(crate) fn time_filter(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> TimeFilter {
    TimeFilter { start_time: start, end_time: end }
}
