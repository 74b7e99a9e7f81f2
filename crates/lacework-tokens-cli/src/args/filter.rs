//! `--filter FIELD:OP:VALUE`: one typed search filter of the facade, from its command-line form.
//!
//! Only the shape is checked here (a known field, a known operator, the right number of values);
//! whether an operator suits a field is checked by the facade before anything is sent.

use std::str::FromStr;

use lacework_tokens::search::{Field, Filter};

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
        "alias" | "tokenalias" => Field::TokenAlias,
        "enabled" | "tokenenabled" => Field::TokenEnabled,
        "created" | "createdtime" => Field::CreatedTime,
        "version" => Field::Version,
        "token" | "accesstoken" => Field::AccessToken,
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
        let filter = match op.to_lowercase().replace('-', "_").as_str() {
            "eq" => field.eq(value),
            "ne" => field.ne(value),
            "like" => field.like(value),
            "ilike" => field.ilike(value),
            "not_like" => field.not_like(value),
            "not_ilike" => field.not_ilike(value),
            "rlike" => field.rlike(value),
            "not_rlike" => field.not_rlike(value),
            "gt" => field.gt(value),
            "ge" => field.ge(value),
            "lt" => field.lt(value),
            "le" => field.le(value),
            "in" => field.is_in(values(value)),
            "not_in" => field.not_in(values(value)),
            "between" => match values(value).as_slice() {
                [low, high] => field.between(low, high),
                _ => return Err("between takes two comma-separated values: LOW,HIGH".to_owned()),
            },
            _ => return Err(format!("unknown operator {op:?}; expected one of: {OPERATORS}")),
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
        assert_eq!(parse("alias:like:ci-%"), Field::TokenAlias.like("ci-%"));
        assert_eq!(parse("tokenAlias:NOT-LIKE:ci-%"), Field::TokenAlias.not_like("ci-%"));
        assert_eq!(parse("token_enabled:eq:true"), Field::TokenEnabled.eq("true"));
        assert_eq!(parse("alias:in:a,b"), Field::TokenAlias.is_in(["a", "b"]));
        assert_eq!(parse("alias:eq:"), Field::TokenAlias.eq(""), "an empty value is a value");
    }

    #[test]
    fn times_keep_their_colons() {
        assert_eq!(
            parse("created:between:2024-01-01T00:00:00Z,2024-07-01T00:00:00Z"),
            Field::CreatedTime.between("2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z")
        );
        assert_eq!(
            parse("createdTime:gt:2024-01-01T00:00:00Z"),
            Field::CreatedTime.gt("2024-01-01T00:00:00Z")
        );
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
