//! Agent-token search: which records match a search body's `filters` and `timeFilter`.
//!
//! Operators, as the service applies them (REFERENCE.md):
//! - `eq`, `ne`, `in`, `not_in`: equality on every field; `tokenEnabled` compares as "1"/"0"
//!   (also accepting "true"/"false"), `createdTime` as an instant.
//! - `like`, `ilike`, `not_like`, `not_ilike`: SQL patterns (`%` any run, `_` one character,
//!   `\` escapes), `ilike` ignoring case; on the text fields.
//! - `rlike`, `not_rlike`: regular expressions, matched anywhere; on the text fields.
//! - `gt`, `ge`, `lt`, `le`, `between` (inclusive): on `createdTime`.
//!
//! An operator on a field it does not apply to, a bad operand, or a missing one is refused with a
//! message naming the filter, as the service answers 400.

use chrono::{DateTime, Utc};
use lacework_tokens_api::types::{
    AgentAccessTokenField as Field, AgentAccessTokenSearch, SearchExpression as Op, SearchFilter,
};
use regex::{Regex, RegexBuilder};

use crate::store::AgentTokenRecord;

/// One filter, checked and compiled.
enum Test {
    Equals(Vec<Operand>, bool),
    Pattern(Regex, bool),
    Range(Option<DateTime<Utc>>, Option<DateTime<Utc>>, [bool; 2]),
}

#[derive(PartialEq)]
enum Operand {
    Text(String),
    Time(DateTime<Utc>),
}

struct Compiled {
    field: Field,
    test: Test,
}

/// The records that satisfy every filter and the time filter, in their original order.
pub fn matching<'a>(
    records: &'a [AgentTokenRecord],
    search: &AgentAccessTokenSearch,
) -> Result<Vec<&'a AgentTokenRecord>, String> {
    let filters =
        search.filters.iter().enumerate().map(|(i, f)| compile(i, f)).collect::<Result<Vec<_>, _>>()?;
    let (start, end) = match &search.time_filter {
        Some(tf) => (tf.start_time, tf.end_time),
        None => (None, None),
    };
    if let (Some(start), Some(end)) = (start, end)
        && start > end
    {
        return Err("timeFilter: startTime is after endTime".to_owned());
    }
    Ok(records
        .iter()
        .filter(|r| start.is_none_or(|s| r.created >= s) && end.is_none_or(|e| r.created <= e))
        .filter(|r| filters.iter().all(|f| f.matches(r)))
        .collect())
}

fn compile(index: usize, filter: &SearchFilter) -> Result<Compiled, String> {
    let field = filter.field;
    let at = |problem: String| format!("filters[{index}] ({} {}): {problem}", field, filter.expression);
    let one = || match (&filter.value, filter.values.is_empty()) {
        (Some(value), true) => Ok(value.clone()),
        (None, _) => Err(at("needs `value`".to_owned())),
        (Some(_), false) => Err(at("takes `value`, not `values`".to_owned())),
    };
    let many = || match (&filter.value, filter.values.is_empty()) {
        (None, false) => Ok(filter.values.clone()),
        (_, true) => Err(at("needs a non-empty `values`".to_owned())),
        (Some(_), false) => Err(at("takes `values`, not `value`".to_owned())),
    };
    let operand = |text: String| parse_operand(field, text).map_err(&at);
    let text_field = || {
        if field == Field::CreatedTime {
            Err(at("applies to text fields, not createdTime".to_owned()))
        } else {
            Ok(())
        }
    };
    let time_field = || {
        if field == Field::CreatedTime { Ok(()) } else { Err(at("applies to createdTime only".to_owned())) }
    };
    let test = match filter.expression {
        Op::Eq | Op::Ne => Test::Equals(vec![operand(one()?)?], filter.expression == Op::Eq),
        Op::In | Op::NotIn => {
            let operands = many()?.into_iter().map(operand).collect::<Result<_, _>>()?;
            Test::Equals(operands, filter.expression == Op::In)
        }
        Op::Like | Op::NotLike | Op::Ilike | Op::NotIlike => {
            text_field()?;
            let ignore_case = matches!(filter.expression, Op::Ilike | Op::NotIlike);
            let regex = RegexBuilder::new(&like_to_regex(&one()?))
                .case_insensitive(ignore_case)
                .build()
                .map_err(|e| at(format!("bad pattern: {e}")))?;
            Test::Pattern(regex, matches!(filter.expression, Op::Like | Op::Ilike))
        }
        Op::Rlike | Op::NotRlike => {
            text_field()?;
            let regex = Regex::new(&one()?).map_err(|e| at(format!("bad regular expression: {e}")))?;
            Test::Pattern(regex, filter.expression == Op::Rlike)
        }
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            time_field()?;
            let t = parse_time(&one()?).map_err(&at)?;
            match filter.expression {
                Op::Gt => Test::Range(Some(t), None, [false, true]),
                Op::Ge => Test::Range(Some(t), None, [true, true]),
                Op::Lt => Test::Range(None, Some(t), [true, false]),
                _ => Test::Range(None, Some(t), [true, true]),
            }
        }
        Op::Between => {
            time_field()?;
            let bounds = many()?;
            let [low, high] =
                <[String; 2]>::try_from(bounds).map_err(|_| at("needs exactly two `values`".to_owned()))?;
            Test::Range(
                Some(parse_time(&low).map_err(&at)?),
                Some(parse_time(&high).map_err(&at)?),
                [true, true],
            )
        }
    };
    Ok(Compiled { field, test })
}

fn parse_operand(field: Field, text: String) -> Result<Operand, String> {
    match field {
        Field::CreatedTime => parse_time(&text).map(Operand::Time),
        Field::TokenEnabled => match text.as_str() {
            "1" | "true" => Ok(Operand::Text("1".to_owned())),
            "0" | "false" => Ok(Operand::Text("0".to_owned())),
            _ => Err(format!("{text:?} is not 1, 0, true or false")),
        },
        _ => Ok(Operand::Text(text)),
    }
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time: {e}"))
}

/// Translates a SQL `LIKE` pattern into an anchored regular expression.
fn like_to_regex(pattern: &str) -> String {
    let mut regex = String::from("^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => regex.push_str("(?s:.*)"),
            '_' => regex.push_str("(?s:.)"),
            '\\' => {
                if let Some(escaped) = chars.next() {
                    regex.push_str(&regex::escape(&escaped.to_string()));
                }
            }
            other => regex.push_str(&regex::escape(&other.to_string())),
        }
    }
    regex.push('$');
    regex
}

impl Compiled {
    fn matches(&self, record: &AgentTokenRecord) -> bool {
        let text = || match self.field {
            Field::AccessToken => record.access_token.as_str(),
            Field::TokenAlias => record.alias.as_str(),
            Field::TokenEnabled => {
                if record.enabled {
                    "1"
                } else {
                    "0"
                }
            }
            Field::Version => record.version.as_str(),
            Field::CreatedTime => "",
        };
        match &self.test {
            Test::Equals(operands, wanted) => {
                let value = match self.field {
                    Field::CreatedTime => Operand::Time(record.created),
                    _ => Operand::Text(text().to_owned()),
                };
                operands.contains(&value) == *wanted
            }
            Test::Pattern(regex, wanted) => regex.is_match(text()) == *wanted,
            Test::Range(low, high, [low_inclusive, high_inclusive]) => {
                let t = record.created;
                low.is_none_or(|l| if *low_inclusive { t >= l } else { t > l })
                    && high.is_none_or(|h| if *high_inclusive { t <= h } else { t < h })
            }
        }
    }
}
