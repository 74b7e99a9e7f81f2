//! Request checks: the parameters and the body of a request against the schemas the spec gives
//! for its operation. The sandbox runs every request through [`check_request`], so the spec is the
//! one statement of what a request may hold; a violation names the parameter or body member.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde_json::Value;

use crate::{operations, resolve, validator};

/// Where a request breaks the spec, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The parameter (`path accessTokenId`, `header Account-Name`) or body member
    /// (`body filters[0].values`, `body` for the whole body).
    pub location: String,
    /// What is wrong, in the validator's words (values cut to a few dozen characters).
    pub problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}

/// One declared parameter.
struct Parameter {
    name: String,
    location: String,
    required: bool,
    validator: jsonschema::Validator,
}

/// What the spec says about one operation's requests.
struct RequestRules {
    parameters: Vec<Parameter>,
    body: Option<(bool, jsonschema::Validator)>,
    /// The raw body schema, to explain `oneOf` failures.
    body_schema: Option<&'static Value>,
}

static RULES: LazyLock<HashMap<&'static str, RequestRules>> = LazyLock::new(|| {
    operations()
        .into_iter()
        .map(|(path, _, op)| {
            let id = op["operationId"].as_str().expect("every operation has an operationId");
            let item = &crate::SPEC["paths"][path];
            let declared = item.get("parameters").into_iter().chain(op.get("parameters"));
            let parameters = declared
                .flat_map(|list| list.as_array().into_iter().flatten())
                .map(|p| {
                    let p = resolve(p);
                    Parameter {
                        name: p["name"].as_str().unwrap_or_default().to_owned(),
                        location: p["in"].as_str().unwrap_or_default().to_owned(),
                        required: p["required"].as_bool().unwrap_or(false),
                        validator: validator(&p["schema"]),
                    }
                })
                .collect();
            let body = op.get("requestBody").map(resolve);
            let body_schema = body.and_then(|b| b["content"]["application/json"].get("schema"));
            let body = body
                .zip(body_schema)
                .map(|(b, schema)| (b["required"].as_bool().unwrap_or(false), validator(schema)));
            (id, RequestRules { parameters, body, body_schema })
        })
        .collect()
});

/// Whether the spec gives `operation_id` a JSON request body (a body sent to any other
/// operation is ignored, not parsed).
pub fn takes_body(operation_id: &str) -> bool {
    RULES.get(operation_id).is_some_and(|rules| rules.body.is_some())
}

/// Checks a request of `operation_id`: `path` holds the path parameters (percent-decoded),
/// `header` looks a header up by name (any case), and `body` is the parsed JSON body if one was
/// sent. The first violation found is returned. An unknown operation has nothing to check.
pub fn check_request<'a>(
    operation_id: &str,
    path: &[(&str, &str)],
    header: impl Fn(&str) -> Option<&'a str>,
    body: Option<&Value>,
) -> Result<(), Violation> {
    let Some(rules) = RULES.get(operation_id) else { return Ok(()) };
    for parameter in &rules.parameters {
        let value = match parameter.location.as_str() {
            "path" => path.iter().find(|(n, _)| *n == parameter.name).map(|(_, v)| *v),
            "header" => header(&parameter.name),
            _ => None,
        };
        let location = format!("{} {}", parameter.location, parameter.name);
        match value {
            None if parameter.required => {
                return Err(Violation { location, problem: "is required".to_owned() });
            }
            None => {}
            Some(value) => {
                if let Some(error) = parameter.validator.iter_errors(&Value::from(value)).next() {
                    return Err(Violation { location, problem: shorten(&error.to_string()) });
                }
            }
        }
    }
    match (&rules.body, body) {
        (Some((true, _)), None) => {
            Err(Violation { location: "body".to_owned(), problem: "a JSON body is required".to_owned() })
        }
        (Some((_, validator)), Some(body)) => match validator.iter_errors(body).next() {
            None => Ok(()),
            Some(error) => {
                let path = error.instance_path().to_string();
                let (path, problem) = explain(rules.body_schema, body, &path)
                    .unwrap_or_else(|| (path, shorten(&error.to_string())));
                Err(Violation { location: member("body", &path), problem })
            }
        },
        _ => Ok(()),
    }
}

/// A `oneOf` failure says only "not valid under any of the schemas"; this finds the schema of
/// the failing instance and, if it is a `oneOf`, the form the instance is closest to (fewest
/// errors, preferring forms whose `enum`s it satisfies), and returns that form's first error.
fn explain(schema: Option<&'static Value>, body: &Value, path: &str) -> Option<(String, String)> {
    let mut schema = resolve(schema?);
    for segment in path.split('/').skip(1) {
        schema = resolve(if segment.parse::<usize>().is_ok() && schema.get("items").is_some() {
            &schema["items"]
        } else {
            &schema["properties"][segment]
        });
    }
    let forms = schema.get("oneOf")?.as_array()?;
    let instance = body.pointer(path)?;
    let best = forms
        .iter()
        .map(|form| {
            let errors: Vec<_> = validator(form).iter_errors(instance).map(|e| e.to_owned()).collect();
            let enum_misses = errors.iter().filter(|e| e.to_string().contains("is not one of")).count();
            (enum_misses, errors.len(), errors)
        })
        .min_by_key(|(misses, count, _)| (*misses, *count))?;
    let error = best.2.into_iter().next()?;
    Some((format!("{path}{}", error.instance_path()), shorten(&error.to_string())))
}

/// `filters/0/values` as `body filters[0].values`.
fn member(root: &str, pointer: &str) -> String {
    let mut out = root.to_owned();
    for (i, segment) in pointer.split('/').skip(1).enumerate() {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else if i == 0 {
            out.push(' ');
            out.push_str(&segment);
        } else {
            out.push('.');
            out.push_str(&segment);
        }
    }
    out
}

/// Cuts a message that quotes a long value.
fn shorten(message: &str) -> String {
    const MAX: usize = 200;
    if message.chars().count() <= MAX {
        return message.to_owned();
    }
    let cut: String = message.chars().take(MAX).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lacework_tokens_api::ops;
    use serde_json::json;

    fn body(operation: &str, body: Value) -> Result<(), Violation> {
        check_request(operation, &[], |_| None, Some(&body))
    }

    #[test]
    fn violations_name_the_member() {
        let v = body(ops::CREATE_AGENT_ACCESS_TOKEN.id, json!({"tokenAlias": "x", "props": {"os": null}}))
            .unwrap_err();
        assert_eq!(v.location, "body props.os");
        let v = body(ops::CREATE_ACCESS_TOKEN.id, json!({"name": "x", "status": null})).unwrap_err();
        assert_eq!(v.location, "body status");
        let v = body(
            ops::SEARCH_AGENT_ACCESS_TOKENS.id,
            json!({"filters": [{"field": "tokenAlias", "expression": "eq", "value": "a", "values": []}]}),
        )
        .unwrap_err();
        assert!(v.to_string().contains("values"), "{v}");
        let v = body(ops::CREATE_AGENT_ACCESS_TOKEN.id, json!({})).unwrap_err();
        assert!(v.to_string().contains("tokenAlias"), "{v}");
    }

    #[test]
    fn parameters_are_checked() {
        let v =
            check_request(ops::GET_ACCESS_TOKEN.id, &[("accessTokenId", "")], |_| None, None).unwrap_err();
        assert_eq!(v.location, "path accessTokenId");
        let v = check_request(ops::LIST_ACCESS_TOKENS.id, &[], |_| None, None);
        assert_eq!(v, Ok(()));
        let header = |name: &str| (name == "Account-Name").then_some("");
        let v = check_request(ops::LIST_AGENT_ACCESS_TOKENS.id, &[], header, None).unwrap_err();
        assert_eq!(v.location, "header Account-Name");
        assert_eq!(
            check_request(ops::GET_ACCESS_TOKEN.id, &[("accessTokenId", "any id")], |_| None, None),
            Ok(())
        );
    }

    #[test]
    fn only_operations_with_a_body_in_the_spec_take_one() {
        assert!(takes_body(ops::CREATE_AGENT_ACCESS_TOKEN.id));
        assert!(takes_body(ops::SEARCH_AGENT_ACCESS_TOKENS.id));
        assert!(!takes_body(ops::LIST_AGENT_ACCESS_TOKENS.id));
        assert!(!takes_body(ops::DELETE_ACCESS_TOKEN.id));
        let missing = check_request(ops::CREATE_AGENT_ACCESS_TOKEN.id, &[], |_| None, None).unwrap_err();
        assert_eq!(missing.to_string(), "body: a JSON body is required");
    }
}
