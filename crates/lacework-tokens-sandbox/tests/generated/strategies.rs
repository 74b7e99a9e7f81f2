//! Requests generated from the spec's schemas: a proptest strategy for any OpenAPI 3.0 schema
//! this spec uses (objects, arrays, strings with lengths and formats, bounded integers, booleans,
//! enums, `oneOf`, `nullable`, `$ref`), and the ways to break a valid instance one constraint
//! at a time.

use chrono::{DateTime, SecondsFormat};
use lacework_tokens_contract::resolve;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Valid instances of `schema`.
pub fn valid(schema: &'static Value) -> BoxedStrategy<Value> {
    let schema = resolve(schema);
    let inner = valid_non_null(schema);
    if schema["nullable"] == true { prop_oneof![1 => Just(Value::Null), 4 => inner].boxed() } else { inner }
}

fn valid_non_null(schema: &'static Value) -> BoxedStrategy<Value> {
    if let Some(forms) = schema.get("oneOf").and_then(Value::as_array) {
        return proptest::strategy::Union::new(forms.iter().map(valid)).boxed();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        return valid(&all[0]);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return proptest::sample::select(values.clone()).boxed();
    }
    match schema["type"].as_str() {
        Some("string") => string(schema),
        Some("integer") => {
            let low = schema["minimum"].as_i64().unwrap_or(-1_000_000);
            let high = schema["maximum"].as_i64().unwrap_or(1_000_000);
            // JSON Schema counts 60.0 as an integer too.
            (low..=high, any::<bool>())
                .prop_map(|(n, float)| if float { Value::from(n as f64) } else { Value::from(n) })
                .boxed()
        }
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("array") => {
            let min = schema["minItems"].as_u64().unwrap_or(0) as usize;
            let max = schema["maxItems"].as_u64().map_or(min + 3, |m| m as usize);
            proptest::collection::vec(valid(&schema["items"]), min..=max).prop_map(Value::Array).boxed()
        }
        Some("object") => object(schema),
        other => panic!("the generator does not know schemas of type {other:?}: {schema}"),
    }
}

fn string(schema: &'static Value) -> BoxedStrategy<Value> {
    match schema["format"].as_str() {
        Some("date-time") => (0i64..4_102_444_800_000, any::<bool>())
            .prop_map(|(ms, millis)| {
                let t = DateTime::from_timestamp_millis(ms).unwrap_or_default();
                let form = if millis { SecondsFormat::Millis } else { SecondsFormat::Secs };
                Value::from(t.to_rfc3339_opts(form, true))
            })
            .boxed(),
        // A regular expression: text with the operators every dialect shares.
        Some("regex") => "[a-z0-9 ]{0,4}(\\^|\\.\\*|\\[a-z\\]|\\(x\\|y\\)|[a-z]\\+|\\\\d|\\$)?[a-z]{0,3}"
            .prop_map(Value::from)
            .boxed(),
        _ => {
            let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
            let max = schema["maxLength"].as_u64().map_or(min + 24, |m| m as usize);
            // Mostly short, sometimes at the limit; any character, control and non-ASCII included.
            let length = prop_oneof![4 => min..=(min + 12).min(max), 1 => Just(max)];
            length
                .prop_flat_map(|n| proptest::collection::vec(any::<char>(), n))
                .prop_map(|chars| Value::from(chars.into_iter().collect::<String>()))
                .boxed()
        }
    }
}

fn object(schema: &'static Value) -> BoxedStrategy<Value> {
    let required: Vec<&str> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, member)| {
            let name = name.clone();
            let value = valid(member);
            if required.contains(&name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    members.prop_map(|members| Value::Object(members.into_iter().flatten().collect::<Map<_, _>>())).boxed()
}

/// One way to break an instance: the member it concerns (for the error message) and the
/// instance after the change.
#[derive(Clone, Debug)]
pub struct Broken {
    pub what: String,
    pub member: String,
    pub instance: Value,
}

/// Every single-constraint break of `instance` (valid for `schema`) that the spec forbids:
/// wrong type, null where not nullable, a missing required member, an unknown member where none
/// are allowed, too long or too short, an empty or overfull array, an out-of-range number, a
/// value outside an enum, a broken format. Each is checked to really break the whole body.
pub fn breaks(body_schema: &'static Value, instance: &Value) -> Vec<Broken> {
    let mut found = sites(body_schema, instance, "body");
    found.retain(|b| lacework_tokens_contract::check(body_schema, &b.instance).is_err());
    found
}

/// The form of a `oneOf` an instance satisfies.
fn form_of(schema: &'static Value, instance: &Value) -> &'static Value {
    match schema.get("oneOf").and_then(Value::as_array) {
        Some(forms) => {
            let form = forms.iter().find(|f| lacework_tokens_contract::check(f, instance).is_ok());
            resolve(form.unwrap_or(&forms[0]))
        }
        None => schema,
    }
}

/// The breaks of `instance` (valid for `schema`), as broken copies of `instance`; `member` is
/// the name of the member it is the value of.
fn sites(schema: &'static Value, instance: &Value, member: &str) -> Vec<Broken> {
    let schema = form_of(resolve(schema), instance);
    let schema = match schema.get("allOf").and_then(Value::as_array) {
        Some(all) => resolve(&all[0]),
        None => schema,
    };
    let mut out = Vec::new();
    let mut at = |what: &str, instance: Value, member: &str| {
        out.push(Broken { what: what.to_owned(), member: member.to_owned(), instance })
    };
    for wrong in [json!(42), json!("text"), json!([]), json!({}), json!(true), json!(1.5), Value::Null] {
        let what = if wrong.is_null() { "null" } else { "wrong type" };
        if type_of(&wrong) != type_of(instance) && lacework_tokens_contract::check(schema, &wrong).is_err() {
            at(what, wrong, member);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && values.iter().all(Value::is_string)
    {
        at("outside the enum", json!("not-in-the-enum"), member);
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        at("too long", Value::from("x".repeat(max as usize + 1)), member);
    }
    if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
        at("too short", Value::from("x".repeat(min as usize - 1)), member);
    }
    match schema["format"].as_str() {
        Some("date-time") => at("not a date-time", json!("2020-13-45 25:61"), member),
        Some("regex") => at("not a regular expression", json!("(unclosed"), member),
        _ => {}
    }
    if let Some(min) = schema["minimum"].as_i64() {
        at("below the minimum", Value::from(min - 1), member);
    }
    if let Some(max) = schema["maximum"].as_i64() {
        at("above the maximum", Value::from(max + 1), member);
    }
    match instance {
        Value::Object(map) => {
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                let mut without = map.clone();
                without.remove(name);
                at("missing required member", Value::Object(without), name);
            }
            if schema["additionalProperties"] == false {
                let mut with = map.clone();
                with.insert("unexpectedMember".to_owned(), json!(1));
                at("unknown member", Value::Object(with), "unexpectedMember");
            }
            for (name, value) in map {
                let Some(member_schema) = schema["properties"].get(name) else { continue };
                for b in sites(member_schema, value, name) {
                    let mut copy = map.clone();
                    copy.insert(name.clone(), b.instance);
                    at(&format!("{}.{}", name, b.what), Value::Object(copy), &b.member);
                }
            }
        }
        Value::Array(items) => {
            if let Some(min) = schema["minItems"].as_u64().filter(|m| *m > 0) {
                at(
                    "too few items",
                    Value::Array(items.iter().take(min as usize - 1).cloned().collect()),
                    member,
                );
            }
            if let Some(max) = schema["maxItems"].as_u64() {
                let mut more = items.clone();
                while more.len() <= max as usize {
                    more.push(items.first().cloned().unwrap_or(json!("x")));
                }
                at("too many items", Value::Array(more), member);
            }
            for (i, item) in items.iter().enumerate() {
                for b in sites(&schema["items"], item, member) {
                    let mut copy = items.clone();
                    copy[i] = b.instance;
                    at(&format!("[{i}].{}", b.what), Value::Array(copy), &b.member);
                }
            }
        }
        _ => {}
    }
    out
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
