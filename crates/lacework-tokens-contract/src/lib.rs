//! `spec/lacework-tokens.yaml` as data: its operations, its examples, and its schemas as JSON
//! Schema validators. Tests of any crate check an answer against what the spec promises for an
//! operation and status; the sandbox checks every request against the spec's request schemas at
//! run time ([`check_request`]), so that it accepts exactly what the spec allows.
//!
//! The spec is compiled in (as JSON, converted from the YAML by build.rs), so a binary that links
//! this crate needs no file and no YAML parser.
//! OpenAPI 3.0 schemas are almost JSON Schema; the differences this spec uses are handled in
//! [`to_json_schema`] (`nullable`, and the `example` keyword).

mod request;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

pub use request::{Violation, check_request, takes_body};

use serde_json::{Map, Value, json};

/// The spec, parsed once.
pub static SPEC: LazyLock<Value> = LazyLock::new(|| {
    // build.rs wrote this JSON from the spec; it cannot fail to parse.
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/spec.json"))).expect("build.rs wrote JSON")
});

/// The spec's text, as compiled in.
pub const SPEC_TEXT: &str = include_str!("../../../spec/lacework-tokens.yaml");

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation as (path, method, operation object).
pub fn operations() -> Vec<(&'static str, &'static str, &'static Value)> {
    let paths = SPEC["paths"].as_object().expect("paths is a map");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| item.get(*method).map(|op| (path.as_str(), *method, op)))
        })
        .collect()
}

/// Every operationId, sorted.
pub fn operation_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> =
        operations().iter().map(|(_, _, op)| op["operationId"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids
}

/// Follows a local `$ref` (`#/components/...`), or returns the value itself.
pub fn resolve(value: &'static Value) -> &'static Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("only local references");
            resolve(SPEC.pointer(pointer).unwrap_or_else(|| panic!("unresolved reference {reference}")))
        }
        None => value,
    }
}

/// A validator for `schema` (an OpenAPI schema object from the spec, or a `$ref` to one).
pub fn validator(schema: &Value) -> jsonschema::Validator {
    let schemas = SPEC["components"]["schemas"].as_object().expect("components.schemas");
    let converted: Map<String, Value> = schemas.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect();
    let root = json!({
        "allOf": [to_json_schema(schema)],
        "components": {"schemas": converted},
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the spec's schema is not valid JSON Schema: {e}"))
}

/// Checks `instance` against `schema`; the error lists every violation with its location.
/// Validators are built once per schema and kept.
pub fn check(schema: &Value, instance: &Value) -> Result<(), String> {
    static BUILT: LazyLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> =
        LazyLock::new(Default::default);
    let key = schema.to_string();
    let cached = BUILT.lock().unwrap_or_else(|p| p.into_inner()).get(&key).cloned();
    let validator = match cached {
        Some(validator) => validator,
        None => {
            let built = Arc::new(validator(schema));
            BUILT.lock().unwrap_or_else(|p| p.into_inner()).insert(key, built.clone());
            built
        }
    };
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

/// Converts an OpenAPI 3.0 schema object to JSON Schema (2020-12).
pub fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            let mut nullable = false;
            for (key, value) in map {
                match key.as_str() {
                    "nullable" => nullable = value.as_bool() == Some(true),
                    "example" => {}
                    // Keywords whose values are maps of schemas, or lists of schemas.
                    "properties" => {
                        let props =
                            value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), to_json_schema(v)));
                        out.insert(key.clone(), Value::Object(props.collect()));
                    }
                    "enum" | "required" => {
                        out.insert(key.clone(), value.clone());
                    }
                    _ => {
                        out.insert(key.clone(), to_json_schema(value));
                    }
                }
            }
            let converted = Value::Object(out);
            if nullable { json!({"anyOf": [{"type": "null"}, converted]}) } else { converted }
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// Every example in the spec with where it is and the schema it must satisfy.
pub fn examples() -> Vec<(String, &'static Value, &'static Value)> {
    let mut found = Vec::new();
    let mut media = |location: String, content: &'static Value| {
        for (media_type, entry) in content.as_object().into_iter().flatten() {
            if let (Some(example), Some(schema)) = (entry.get("example"), entry.get("schema")) {
                found.push((format!("{location} {media_type}"), schema, example));
            }
        }
    };
    for (path, method, op) in operations() {
        let id = op["operationId"].as_str().unwrap();
        if let Some(body) = op.get("requestBody") {
            media(format!("{id} ({} {path}) request body", method.to_uppercase()), &resolve(body)["content"]);
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            let response = resolve(response);
            if let Some(content) = response.get("content") {
                media(format!("{id} ({} {path}) response {status}", method.to_uppercase()), content);
            }
        }
    }
    found
}

/// The operation with this operationId.
pub fn operation(operation_id: &str) -> Option<&'static Value> {
    operations().into_iter().map(|(_, _, op)| op).find(|op| op["operationId"] == operation_id)
}

/// The JSON schema the spec gives for `status` answers of `operation_id`: the exact status's, or
/// its range's (`4XX`, `5XX`). `Err` says why there is none (an undocumented status, or no body).
pub fn response_schema(operation_id: &str, status: u16) -> Result<&'static Value, String> {
    let op = operation(operation_id).ok_or_else(|| format!("no operation `{operation_id}` in the spec"))?;
    let responses = &op["responses"];
    let response = responses
        .get(status.to_string())
        .or_else(|| responses.get(format!("{}XX", status / 100)))
        .ok_or_else(|| format!("`{operation_id}` documents no {status} answer"))?;
    resolve(response)["content"]["application/json"]
        .get("schema")
        .ok_or_else(|| format!("`{operation_id}` documents no JSON body for {status}"))
}

/// Checks an answer of `operation_id` against the spec: its status is documented and its body
/// satisfies that status's schema.
pub fn check_response(operation_id: &str, status: u16, body: &Value) -> Result<(), String> {
    let schema = response_schema(operation_id, status)?;
    check(schema, body).map_err(|e| format!("`{operation_id}` {status} answer breaks the spec: {e}"))
}
