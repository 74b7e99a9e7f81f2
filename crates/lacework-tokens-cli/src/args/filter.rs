//! `--filter FIELD:OP:VALUE`: one typed search filter of the facade, from its command-line form.
//!
//! Only the shape is checked here (a known field, a known operator, the number of values the
//! operator takes, from the one rule table `lacework_tokens_api::rules`); every operator applies
//! to every field, and the facade checks the rest before anything is sent.

use std::str::FromStr;

use lacework_tokens::search::{Field, Filter};
use lacework_tokens_api::rules::{self, Operands};
use lacework_tokens_api::types::SearchExpression as Op;

/// A parsed `--filter`.
#[derive(Clone, Debug)]
pub struct FilterArg(pub Filter);

/// The field names accepted, for error messages.
const FIELDS: &str = "alias, enabled, created, version, token";
/// The operators accepted, for error messages.
const OPERATORS: &str = "eq ne like ilike not_like not_ilike rlike not_rlike gt ge lt le in not_in between";

/// A field by its short name or the API's name, ignoring case, `_` and `-`.
fn field(name: &str) -> Result<Field, String> {
    let key: String = name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_lowercase();
    Ok(match key.as_str() {
        "alias" | "tokenalias" => Field::Alias,
        "enabled" | "tokenenabled" => Field::Enabled,
        "created" | "createdtime" => Field::CreatedAt,
        "version" => Field::Version,
        "token" | "accesstoken" => Field::Token,
        _ => return Err(format!("unknown field {name:?}; expected one of: {FIELDS}")),
    })
}

/// Comma-separated values; the separator cannot occur inside a value.
fn values(value: &str) -> Vec<String> {
    value.split(',').map(str::to_owned).collect()
}

impl FromStr for FilterArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Times contain colons: only the first two separate the parts.
        let mut parts = text.splitn(3, ':');
        let (Some(name), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("expected FIELD:OP:VALUE, e.g. alias:like:ci-%".to_owned());
        };
        let field = field(name)?;
        let unknown = || format!("unknown operator {op:?}; expected one of: {OPERATORS}");
        let expression: Op = op.to_lowercase().replace('-', "_").parse().map_err(|_| unknown())?;
        let filter = match (rules::operands(expression), expression) {
            (Operands::Two, _) => match values(value).as_slice() {
                [low, high] => field.between(low, high),
                _ => return Err("between takes two comma-separated values: LOW,HIGH".to_owned()),
            },
            (Operands::OneOrMore, Op::NotIn) => field.not_in(values(value)),
            (Operands::OneOrMore, _) => field.is_in(values(value)),
            (Operands::One, Op::Eq) => field.eq(value),
            (Operands::One, Op::Ne) => field.ne(value),
            (Operands::One, Op::Like) => field.like(value),
            (Operands::One, Op::Ilike) => field.ilike(value),
            (Operands::One, Op::NotLike) => field.not_like(value),
            (Operands::One, Op::NotIlike) => field.not_ilike(value),
            (Operands::One, Op::Rlike) => field.rlike(value),
            (Operands::One, Op::NotRlike) => field.not_rlike(value),
            (Operands::One, Op::Gt) => field.gt(value),
            (Operands::One, Op::Ge) => field.ge(value),
            (Operands::One, Op::Lt) => field.lt(value),
            (Operands::One, _) => field.le(value),
        };
        Ok(FilterArg(filter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Filter {
        text.parse::<FilterArg>().unwrap().0
    }

    #[test]
    fn fields_and_operators_by_any_name() {
        assert_eq!(parse("alias:like:ci-%"), Field::Alias.like("ci-%"));
        assert_eq!(parse("tokenAlias:NOT-LIKE:ci-%"), Field::Alias.not_like("ci-%"));
        assert_eq!(parse("token_enabled:eq:true"), Field::Enabled.eq("true"));
        assert_eq!(parse("alias:in:a,b"), Field::Alias.is_in(["a", "b"]));
        assert_eq!(parse("alias:eq:"), Field::Alias.eq(""), "an empty value is a value");
    }

    #[test]
    fn times_keep_their_colons() {
        assert_eq!(
            parse("created:between:2024-01-01T00:00:00Z,2024-07-01T00:00:00Z"),
            Field::CreatedAt.between("2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z")
        );
        assert_eq!(parse("createdTime:gt:2024-01-01T00:00:00Z"), Field::CreatedAt.gt("2024-01-01T00:00:00Z"));
    }

    #[test]
    fn malformed_filters_say_what_is_wrong() {
        let error = |text: &str| text.parse::<FilterArg>().unwrap_err();
        assert!(error("alias").contains("expected FIELD:OP:VALUE"));
        assert!(error("alias:like").contains("expected FIELD:OP:VALUE"));
        assert!(error("owner:eq:me").contains("unknown field \"owner\""));
        assert!(error("alias:matches:x").contains("unknown operator \"matches\""));
        assert!(error("created:between:2024-01-01T00:00:00Z").contains("two comma-separated values"));
    }
}
