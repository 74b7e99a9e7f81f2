//! Every JSON document a test makes `lwtokens` print is validated here against the published
//! schema (docs/schemas/) of its command's output, as `lwtokens schema` names them. A command
//! that prints a document no published schema accepts fails the test that ran it.
//!
//! The published schemas leave objects open, so that a member added in a minor version does
//! not break the scripts that validate with them. Here they are closed
//! (`additionalProperties: false`): a member the schema does not name fails the test.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use super::LWTOKENS;

/// The outputs `lwtokens schema` lists: each name with the commands that print it.
pub fn outputs() -> &'static [(String, Vec<String>)] {
    static OUTPUTS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        let output = Command::new(LWTOKENS).args(["schema", "--json"]).env_clear().output().unwrap();
        assert!(output.status.success(), "lwtokens schema --json: {output:?}");
        let list: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        list.iter()
            .map(|entry| {
                let printed_by = entry["printed_by"].as_array().unwrap();
                let printed_by = printed_by.iter().map(|c| c.as_str().unwrap().to_owned()).collect();
                (entry["name"].as_str().unwrap().to_owned(), printed_by)
            })
            .collect()
    })
}

/// The published schema of the output `name`.
pub fn published(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/schemas/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Validates what a run of `lwtokens args` printed on stdout, when it printed JSON or JSON Lines;
/// returns the name of the output it is valid as.
pub fn check(args: &[&str], stdout: &str) -> Option<String> {
    let document = document(args, stdout)?;
    let command = command(args).unwrap_or_else(|| panic!("no command in {args:?}"));
    let candidates: Vec<&str> = outputs()
        .iter()
        .filter(|(_, printed_by)| printed_by.contains(&command))
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(!candidates.is_empty(), "`lwtokens schema` names no output printed by `{command}`");
    let mut problems = Vec::new();
    for name in &candidates {
        let errors = violations(name, &document);
        if errors.is_empty() {
            return Some((*name).to_owned());
        }
        problems.push(format!("{name}: {}", errors.join("; ")));
    }
    panic!(
        "`lwtokens {}` printed JSON that no schema of `{command}` accepts:\n{}\n{stdout}",
        args.join(" "),
        problems.join("\n")
    );
}

/// What the published schema of the output `name`, closed, finds wrong with `document`.
pub fn violations(name: &str, document: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&closed(published(name)))
        .unwrap_or_else(|e| panic!("the published schema {name} is not a valid schema: {e}"));
    validator.iter_errors(document).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

/// `schema` with every object that names its members closed to others.
fn closed(mut schema: Value) -> Value {
    match &mut schema {
        Value::Object(map) => {
            if map.contains_key("properties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            for value in map.values_mut() {
                *value = closed(value.take());
            }
        }
        Value::Array(items) => {
            for item in items {
                *item = closed(item.take());
            }
        }
        _ => {}
    }
    schema
}

/// The JSON document printed, if the run printed one: JSON as it is; JSON Lines as the array of
/// its lines (a listing's schema is that of the array). `schema OUTPUT` prints a schema, which
/// has no output schema of its own.
fn document(args: &[&str], stdout: &str) -> Option<Value> {
    if stdout.is_empty() || schema_of_one(args) {
        return None;
    }
    let parse = |text: &str| -> Value {
        serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("`lwtokens {}` printed bad JSON ({e}):\n{stdout}", args.join(" ")))
    };
    match format(args)? {
        "json" => Some(parse(stdout)),
        "jsonl" => Some(Value::Array(stdout.lines().map(parse).collect())),
        _ => None,
    }
}

/// The `--output` format asked for, or `json` for `--json`; `None` for tables.
fn format<'a>(args: &[&'a str]) -> Option<&'a str> {
    let mut format = None;
    for (i, arg) in args.iter().enumerate() {
        match *arg {
            "--json" => format = Some("json"),
            "-o" | "--output" => format = args.get(i + 1).copied(),
            _ => {
                if let Some(value) = arg.strip_prefix("--output=") {
                    format = Some(value);
                }
            }
        }
    }
    format
}

/// The command path, e.g. `agent list` or `api-token`.
fn command(args: &[&str]) -> Option<String> {
    let at =
        args.iter().position(|a| ["agent", "access", "api-token", "token-cache", "schema"].contains(a))?;
    Some(match args[at] {
        group @ ("agent" | "access" | "token-cache") => format!("{group} {}", args.get(at + 1)?),
        single => single.to_owned(),
    })
}

/// Whether the run is `schema OUTPUT`.
fn schema_of_one(args: &[&str]) -> bool {
    let Some(at) = args.iter().position(|a| *a == "schema") else { return false };
    args[at + 1..].iter().any(|a| !a.starts_with('-') && !["json", "jsonl", "csv", "table"].contains(a))
}
