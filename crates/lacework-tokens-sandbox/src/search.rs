//! Agent-token search: which records match a search body's `filters` and `timeFilter`.
//!
//! The body has already passed the spec's schema (see `validate`), which fixes each filter's form:
//! `in`/`not_in` take one or more `values`, `between` two, the others one `value`. Every
//! expression applies to every field, as the spec allows:
//! - `createdTime` compares as an instant when the operand is an RFC 3339 time; every other field,
//!   and a `createdTime` operand that is not a time, compares as text (`createdTime` as RFC 3339
//!   with milliseconds, `tokenEnabled` as "1" or "0", where an operand "true"/"false" means the
//!   same).
//! - `eq`, `ne`, `in`, `not_in`: equality; `gt`, `ge`, `lt`, `le`, `between` (inclusive): order.
//! - `like`, `ilike`, `not_like`, `not_ilike`: SQL patterns (`%` any run, `_` one character, `\`
//!   escapes), `ilike` ignoring case, on the text form.
//! - `rlike`, `not_rlike`: regular expressions, matched anywhere in the text form.
//!
//! - `timeFilter` keeps the tokens created within it, both ends included; one that ends before it
//!   starts keeps none (the spec does not forbid it, so neither does the sandbox).
//!
//! Left to refuse is the rule no schema states (`lacework_tokens_api::rules`): a regular
//! expression that does not compile.

use std::cmp::Ordering;

use chrono::{DateTime, SecondsFormat, Utc};
use fancy_regex::Regex;
use lacework_tokens_api::types::{
    AgentAccessTokenField as Field, AgentAccessTokenSearch, SearchExpression as Op, SearchFilter,
};

use crate::store::AgentTokenRecord;

/// Whether a comparison's outcome satisfies a bound (`Ordering::is_ge`, ...).
type Holds = fn(Ordering) -> bool;

/// One filter, compiled.
enum Test {
    /// Equal to one of the operands (or, when `false`, to none).
    Equals(Vec<Operand>, bool),
    /// The field compared with each bound satisfies its ordering.
    Order(Vec<(Operand, Holds)>),
    /// Matches the pattern (or, when `false`, does not).
    Pattern(Regex, bool),
}

/// An operand: a time (for `createdTime`) or text.
#[derive(Clone, PartialEq)]
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
    Ok(records
        .iter()
        .filter(|r| start.is_none_or(|s| r.created >= s) && end.is_none_or(|e| r.created <= e))
        .filter(|r| filters.iter().all(|f| f.matches(r)))
        .collect())
}

/// A filter's field, expression and operands, whichever form it has.
fn parts(filter: &SearchFilter) -> (Field, String, Vec<String>) {
    match filter {
        SearchFilter::OneOperandFilter(f) => (f.field, f.expression.to_string(), vec![f.value.clone()]),
        SearchFilter::RegexFilter(f) => (f.field, f.expression.to_string(), vec![f.value.clone()]),
        SearchFilter::SetFilter(f) => (f.field, f.expression.to_string(), f.values.clone()),
        SearchFilter::RangeFilter(f) => (f.field, f.expression.to_string(), f.values.to_vec()),
    }
}

fn compile(index: usize, filter: &SearchFilter) -> Result<Compiled, String> {
    let (field, expression, values) = parts(filter);
    let at = |problem: String| format!("body filters[{index}] ({field} {expression}): {problem}");
    let op: Op = expression.parse().map_err(|_| at("unknown expression".to_owned()))?;
    let operands: Vec<Operand> = values.iter().map(|v| operand(field, v)).collect();
    let first = || values.first().cloned().unwrap_or_default();
    let test = match op {
        Op::Eq | Op::In => Test::Equals(operands, true),
        Op::Ne | Op::NotIn => Test::Equals(operands, false),
        Op::Gt => Test::Order(vec![(first_of(operands), Ordering::is_gt)]),
        Op::Ge => Test::Order(vec![(first_of(operands), Ordering::is_ge)]),
        Op::Lt => Test::Order(vec![(first_of(operands), Ordering::is_lt)]),
        Op::Le => Test::Order(vec![(first_of(operands), Ordering::is_le)]),
        Op::Between => {
            let mut bounds = operands.into_iter();
            let low = bounds.next().unwrap_or(Operand::Text(String::new()));
            let high = bounds.next().unwrap_or(Operand::Text(String::new()));
            Test::Order(vec![(low, Ordering::is_ge), (high, Ordering::is_le)])
        }
        Op::Like | Op::NotLike | Op::Ilike | Op::NotIlike => {
            let case = if matches!(op, Op::Ilike | Op::NotIlike) { "(?i)" } else { "" };
            let regex = Regex::new(&format!("{case}{}", like_to_regex(&first())))
                .map_err(|e| at(format!("bad pattern: {e}")))?;
            Test::Pattern(regex, matches!(op, Op::Like | Op::Ilike))
        }
        Op::Rlike | Op::NotRlike => {
            let regex = ecma(&first()).map_err(|e| at(format!("bad regular expression: {e}")))?;
            Test::Pattern(regex, op == Op::Rlike)
        }
    };
    Ok(Compiled { field, test })
}

fn first_of(operands: Vec<Operand>) -> Operand {
    operands.into_iter().next().unwrap_or(Operand::Text(String::new()))
}

/// An operand as the field compares it.
fn operand(field: Field, text: &str) -> Operand {
    match field {
        Field::CreatedTime => match DateTime::parse_from_rfc3339(text) {
            Ok(time) => Operand::Time(time.with_timezone(&Utc)),
            Err(_) => Operand::Text(text.to_owned()),
        },
        Field::TokenEnabled => Operand::Text(
            match text {
                "true" => "1",
                "false" => "0",
                other => other,
            }
            .to_owned(),
        ),
        _ => Operand::Text(text.to_owned()),
    }
}

/// Compiles an ECMAScript regular expression (the spec's `format: regex`): translated to the
/// Rust dialect where the two differ (`\d` is ASCII only, `\cJ`), else as it is (look-around and
/// back-references, which the translation leaves out but fancy-regex runs), else with the forms
/// only ECMAScript knows rewritten: `[]` (nothing), `[^]` (anything), `\0` (NUL).
fn ecma(pattern: &str) -> Result<Regex, fancy_regex::Error> {
    if let Ok(translated) = jsonschema_regex::to_rust_regex(pattern)
        && let Ok(regex) = Regex::new(&translated)
    {
        return Ok(regex);
    }
    Regex::new(pattern).or_else(|error| {
        let rewritten = pattern.replace("[^]", "[\\s\\S]").replace("[]", "[^\\s\\S]").replace("\\0", "\\x00");
        Regex::new(&rewritten).map_err(|_| error)
    })
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
                    regex.push_str(&fancy_regex::escape(&escaped.to_string()));
                }
            }
            other => regex.push_str(&fancy_regex::escape(&other.to_string())),
        }
    }
    regex.push('$');
    regex
}

impl Compiled {
    fn text(&self, record: &AgentTokenRecord) -> String {
        match self.field {
            Field::AccessToken => record.access_token.clone(),
            Field::TokenAlias => record.alias.clone(),
            Field::TokenEnabled => if record.enabled { "1" } else { "0" }.to_owned(),
            Field::Version => record.version.clone(),
            Field::CreatedTime => record.created.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }

    /// How the record's field compares with `operand`.
    fn compare(&self, record: &AgentTokenRecord, operand: &Operand) -> Ordering {
        match operand {
            Operand::Time(time) => record.created.cmp(time),
            Operand::Text(text) => self.text(record).as_str().cmp(text.as_str()),
        }
    }

    fn matches(&self, record: &AgentTokenRecord) -> bool {
        match &self.test {
            Test::Equals(operands, wanted) => {
                operands.iter().any(|o| self.compare(record, o) == Ordering::Equal) == *wanted
            }
            Test::Order(bounds) => bounds.iter().all(|(o, holds)| holds(self.compare(record, o))),
            // A pattern too costly to run (backtracking limit) matches nothing.
            Test::Pattern(regex, wanted) => regex.is_match(&self.text(record)).unwrap_or(false) == *wanted,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ecma;

    #[test]
    fn every_regular_expression_the_spec_accepts_compiles() {
        let schema = json!({"$ref": "#/components/schemas/RegexFilter"});
        let patterns = [
            "^a",
            "(?<n>x)",
            "\\u{41}",
            "\\p{L}",
            "(?=a)b",
            "(?<=a)b",
            "(?!a)b",
            "(a)\\1",
            "[]",
            "[^]",
            "\\/",
            "\\-",
            "$^",
            "\\b",
            "\\d\\D\\w\\s",
            "[\\s\\S]",
            "\\cJ",
            "\\0",
            "\\x41",
            "\\u0041",
            "[^\\]]",
            "(?:a|b)+?",
            "a{2,}",
            "(?<n>x)\\k<n>",
            "\\p{Lu}",
            "[a-z--b]",
        ];
        for pattern in patterns {
            let filter = json!({"field": "tokenAlias", "expression": "rlike", "value": pattern});
            assert!(
                lacework_tokens_contract::check(&schema, &filter).is_ok(),
                "{pattern} is valid by the spec"
            );
            assert!(ecma(pattern).is_ok(), "{pattern} compiles");
        }
        assert!(ecma("[]").unwrap().is_match("a").is_ok_and(|m| !m), "[] matches nothing");
        assert!(ecma("^[^]$").unwrap().is_match("\n").unwrap(), "[^] matches anything");
        assert!(!ecma("^\\d$").unwrap().is_match("\u{663}").unwrap(), "\\d is ASCII, as in ECMAScript");
    }
}
