//! The request rules that the spec's schemas cannot state, in one table that every side reads:
//! the sandbox enforces them, the facade checks them before sending, the command line parses by
//! them. Each is also written in prose in the spec, on the field it concerns; docs/contract.md
//! lists every request rule with where it is stated and enforced.
//!
//! Rules a schema does state (lengths, patterns, enums, `minItems`, which operand an expression
//! takes) are not repeated here: the sandbox checks them against the spec itself. [`operands`]
//! mirrors one of them for Rust callers that cannot run a schema (the facade builds typed
//! filters from it); a sandbox test proves it agrees with the spec.

use crate::types::SearchExpression;

/// The largest request body the service accepts (bigger ones are refused with 400).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How many operands a search expression takes, and in which member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    /// One, in `value`.
    One,
    /// One or more, in `values` (`in`, `not_in`).
    OneOrMore,
    /// Exactly two, low then high, in `values` (`between`).
    Two,
}

/// The operands `expression` takes (stated in the spec by the filter forms `OneOperandFilter`,
/// `RegexFilter`, `SetFilter` and `RangeFilter`).
pub fn operands(expression: SearchExpression) -> Operands {
    match expression {
        SearchExpression::In | SearchExpression::NotIn => Operands::OneOrMore,
        SearchExpression::Between => Operands::Two,
        _ => Operands::One,
    }
}

/// One rule no schema can state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Where it applies: the schema and member.
    pub applies_to: &'static str,
    /// The rule.
    pub rule: &'static str,
}

/// Every request rule that the spec's schemas cannot state.
pub const RULES: [Rule; 3] = [
    Rule {
        applies_to: "header Account-Name",
        rule: "visible ASCII characters and spaces, at least one visible (no `pattern`: the \
               generated client would need a regex engine at run time for it)",
    },
    Rule {
        applies_to: "RegexFilter.value",
        rule: "the regular expression compiles (ECMAScript syntax, as `format: regex` says)",
    },
    Rule { applies_to: "every request body", rule: "at most 1 MB" },
];
