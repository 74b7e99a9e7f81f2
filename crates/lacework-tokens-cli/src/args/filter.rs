//! `--filter FIELD:OP:VALUE`: one typed search filter of the facade, from its command-line form.
//!
//! Only the shape is checked here (a known field, a known operator, the number of values the
//! operator takes, from the one rule table `lacework_tokens_api::rules`); every operator applies
//! to every field, and the facade checks the rest before anything is sent.

use std::str::FromStr;

use lacework_tokens::search::{Field, Filter};
use lacework_tokens_api::rules::{self, Operands};
use lacework_tokens_api::types::SearchExpression as Op;

/// A parsed `--filter`: the filter, and the text it was given as. The text identifies a bulk
/// job's selection across runs; the filter may not, as a relative time (`created:gt:30d`)
/// stands for a later moment on a later run.
#[derive(Clone, Debug)]
pub struct FilterArg(pub Filter, pub String);

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
/// The comma-separated values of a filter; for `created`, times in the grammar of `--expires`
/// (looking back: `30d` is thirty days ago) are sent as RFC 3339.
fn values(field: Field, value: &str) -> Vec<String> {
    value.split(',').map(|value| operand(field, value)).collect()
}

/// A `created` value that is a date or a span becomes an RFC 3339 time; an RFC 3339 time and any
/// other value go as given.
fn operand(field: Field, value: &str) -> String {
    let rfc3339 = chrono::DateTime::parse_from_rfc3339(value.trim()).is_ok();
    match (field, rfc3339) {
        (Field::CreatedAt, false) => {
            super::expires::time_or_ago(value).map_or_else(|| value.to_owned(), |at| at.to_rfc3339())
        }
        _ => value.to_owned(),
    }
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
        let value = &operand(field, value);
        let filter = match (rules::operands(expression), expression) {
            (Operands::Two, _) => match values(field, value).as_slice() {
                [low, high] => field.between(low, high),
                _ => return Err("between takes two comma-separated values: LOW,HIGH".to_owned()),
            },
            (Operands::OneOrMore, Op::NotIn) => field.not_in(values(field, value)),
            (Operands::OneOrMore, _) => field.is_in(values(field, value)),
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
        Ok(FilterArg(filter, text.to_owned()))
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
    fn created_takes_the_time_grammar_of_expires() {
        let ago = parse("created:gt:30d");
        let expected =
            |text: &str| Field::CreatedAt.gt(super::super::expires::time_or_ago(text).unwrap().to_rfc3339());
        // Within the same second, or the next: compare the date and hour only.
        assert_eq!(format!("{ago:?}")[..60], format!("{:?}", expected("30d"))[..60]);
        assert_eq!(parse("created:ge:2024-01-01"), Field::CreatedAt.ge("2024-01-01T00:00:00+00:00"));
        assert_eq!(
            parse("created:between:2024-01-01,2024-07-01"),
            Field::CreatedAt.between("2024-01-01T00:00:00+00:00", "2024-07-01T00:00:00+00:00")
        );
        assert_eq!(parse("alias:eq:30d"), Field::Alias.eq("30d"), "only created reads times");
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
