//! The rule table (`lacework_tokens_api::rules`) agrees with the spec and with docs/contract.md:
//! the operand shapes it gives the facade and the command line are exactly the filter forms the
//! spec's schemas accept, and every rule it holds is listed in the contract.

use lacework_tokens_api::rules::{self, Operands, RULES};
use lacework_tokens_api::types::SearchExpression;
use lacework_tokens_contract::SPEC;
use serde_json::{Value, json};

#[test]
fn operand_shapes_are_the_specs_filter_forms() {
    let filter = json!({"$ref": "#/components/schemas/SearchFilter"});
    let expressions = SPEC["components"]["schemas"]["SearchExpression"]["enum"].as_array().unwrap();
    assert_eq!(expressions.len(), 15);
    for expression in expressions.iter().map(|e| e.as_str().unwrap()) {
        let parsed: SearchExpression = expression.parse().unwrap();
        let shapes: [(Operands, Value); 3] = [
            (Operands::One, json!({"value": "a"})),
            (Operands::OneOrMore, json!({"values": ["a"]})),
            (Operands::Two, json!({"values": ["a", "b"]})),
        ];
        for (shape, operands) in shapes {
            let mut instance = json!({"field": "tokenAlias", "expression": expression});
            instance.as_object_mut().unwrap().extend(operands.as_object().unwrap().clone());
            let accepted = lacework_tokens_contract::check(&filter, &instance).is_ok();
            // `values` with two items is also a valid set: only the shape the table names, or a
            // two-item set for an expression that takes one or more, may be accepted.
            let expected = rules::operands(parsed) == shape
                || (rules::operands(parsed) == Operands::OneOrMore && shape == Operands::Two);
            assert_eq!(accepted, expected, "{expression} with {operands}");
        }
    }
}

#[test]
fn every_rule_of_the_table_is_in_the_contract() {
    let contract = include_str!("../../../docs/contract.md");
    for rule in RULES {
        assert!(contract.contains(rule.applies_to), "docs/contract.md does not list {:?}", rule.applies_to);
    }
    // And the spec states each in prose on the field it concerns.
    let spec = lacework_tokens_contract::SPEC_TEXT;
    for phrase in ["at least one of them visible", "format: regex", "1 MB"] {
        assert!(spec.contains(phrase), "the spec does not state {phrase:?}");
    }
}
