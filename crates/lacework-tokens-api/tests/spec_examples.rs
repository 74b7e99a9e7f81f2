//! Every example in the spec validates against its schema, and the spec's schemas accept every
//! wire form of an agent token seen in the field (docs/wire.md), so that the generated client
//! never rejects a real server's answer.

use lacework_tokens_api::ops;
use lacework_tokens_contract as spec;
use serde_json::json;

#[test]
fn every_example_validates_against_its_schema() {
    let examples = spec::examples();
    // Each operation has at least a success example; a spec edit that drops them all shows here.
    assert!(examples.len() >= spec::operations().len(), "only {} examples found", examples.len());
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|(location, schema, example)| {
            spec::check(schema, example).err().map(|e| format!("{location}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "examples that break their schema:\n{}", failures.join("\n"));
}

#[test]
fn the_seed_request_examples_are_in_the_spec() {
    // The payloads the seed documents show, verbatim (modulo JSON formatting).
    let seed_payloads = [
        (
            ops::CREATE_AGENT_ACCESS_TOKEN.id,
            json!({"tokenAlias": "qa", "props": {"description": "QA group"}}),
        ),
        (
            ops::UPDATE_AGENT_ACCESS_TOKEN.id,
            json!({"tokenAlias": "Eng", "tokenEnabled": "1", "props": {"description": "Eng group"}}),
        ),
        (
            ops::SEARCH_AGENT_ACCESS_TOKENS.id,
            json!({"filters": [{"expression": "eq", "field": "tokenAlias", "value": "Eng"}]}),
        ),
    ];
    let examples = spec::examples();
    for (operation, payload) in seed_payloads {
        let found = examples.iter().any(|(location, _, example)| {
            location.starts_with(&format!("{operation} "))
                && location.contains("request body")
                && **example == payload
        });
        assert!(found, "the seed's {operation} payload is not an example in the spec");
    }
}

#[test]
fn agent_tokens_in_every_wire_form_are_accepted() {
    let schema = json!({"$ref": "#/components/schemas/AgentAccessToken"});
    let forms = [
        // Documented: tokenEnabled "1", props as a JSON-encoded string with epoch milliseconds.
        json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "1", "version": "0.1",
               "createdTime": "2020-12-16T16:43:37.915Z",
               "props": "{\"CREATED_TIME\":1598530228648,\"DESCRIPTION\":\"testing agent\"}"}),
        // Observed: integers, props as an object, a timestamp without milliseconds.
        json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": 0, "createdTime": "2020-12-16T16:43:37Z",
               "props": {"createdTime": "2020-12-16T16:43:37Z", "description": "d", "os": "linux", "subscription": "standard"}}),
        json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": true, "props": {"createdTime": 1598530228648_i64}}),
        json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "0", "props": null}),
    ];
    for form in forms {
        spec::check(&schema, &form).unwrap_or_else(|e| panic!("{form} is refused: {e}"));
        // And the generated type decodes it.
        serde_json::from_value::<lacework_tokens_api::types::AgentAccessToken>(form.clone())
            .unwrap_or_else(|e| panic!("{form} does not decode: {e}"));
    }
}

#[test]
fn the_schemas_can_fail() {
    // Guards the guard: the conversion must not produce schemas that accept anything.
    let token = json!({"$ref": "#/components/schemas/AgentAccessToken"});
    assert!(
        spec::check(&token, &json!({"tokenAlias": "x", "tokenEnabled": "1"})).is_err(),
        "accessToken is required"
    );
    assert!(spec::check(&token, &json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": 2})).is_err());
    assert!(
        spec::check(
            &token,
            &json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "1", "createdTime": "yesterday"})
        )
        .is_err()
    );
    let patch = json!({"$ref": "#/components/schemas/AccessTokenPatch"});
    assert!(spec::check(&patch, &json!({"name": ""})).is_err(), "name has at least 1 character");
    assert!(
        spec::check(&patch, &json!({"name": "x".repeat(256)})).is_err(),
        "name has at most 255 characters"
    );
    assert!(spec::check(&patch, &json!({"scope": ["devices"]})).is_err(), "no other fields");
}
