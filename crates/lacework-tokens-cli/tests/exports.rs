//! Exports: every JSON document the CLI prints is valid against its published schema; listings
//! print the same rows as JSON, JSON Lines and CSV (whole values, spreadsheet-safe); token
//! values appear only when asked for; and what the client can refuse locally costs no request.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{World, schemas};

#[test]
fn every_json_output_is_printed_and_valid_against_its_published_schema() {
    let world = World::start();
    // The outputs this test's own runs were validated as (other tests run at the same time).
    let mut validated = BTreeSet::new();
    let mut run = |args: &[&str]| {
        let run = world.lwtokens(args);
        assert_eq!(run.code, 0, "{run:?}");
        validated.extend(run.schema);
    };
    run(&["--json", "agent", "list"]);
    run(&["-o", "jsonl", "agent", "list"]);
    run(&["--json", "agent", "search", "--alias-like", "ci-%"]);
    run(&["--json", "agent", "create", "exported", "--description", "for the schema test"]);
    run(&["--json", "agent", "show", "alias:exported"]);
    run(&["--json", "agent", "update", "alias:exported", "--description", "changed"]);
    run(&["--json", "agent", "disable", "alias:exported"]);
    run(&["--output", "json", "agent", "enable", "--alias-like", "exported"]);
    run(&["--output=json", "agent", "rotate", "alias:exported"]);
    run(&["--json", "access", "list"]);
    run(&["-o", "jsonl", "access", "list"]);
    run(&["--json", "access", "create", "exported"]);
    run(&["--json", "access", "show", "name:exported"]);
    run(&["--json", "access", "update", "name:exported", "--status", "inactive"]);
    run(&["--json", "access", "rotate", "name:exported", "--delete-old"]);
    run(&["--json", "access", "delete", "name:exported"]);
    run(&["--json", "api-token"]);
    run(&["--json", "token-cache", "show"]);
    run(&["--json", "token-cache", "clear"]);
    run(&["--json", "schema"]);
    run(&["-o", "jsonl", "schema"]);

    let every: BTreeSet<String> = schemas::outputs().iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(validated, every, "each published output was printed and validated");
}

#[test]
fn the_tests_schema_check_refuses_a_member_the_schema_does_not_name() {
    let world = World::start();
    let mut token = world.lwtokens(&["--json", "agent", "show", "alias:ci-runners"]).json();
    assert_eq!(schemas::violations("agent-token", &token), Vec::<String>::new());
    token["leaked"] = Value::from("x");
    assert!(!schemas::violations("agent-token", &token).is_empty(), "an unnamed member fails");
    token.as_object_mut().unwrap().remove("leaked");
    token.as_object_mut().unwrap().remove("alias");
    assert!(!schemas::violations("agent-token", &token).is_empty(), "a missing member fails");
}

#[test]
fn every_published_schema_is_what_lwtokens_schema_prints() {
    let world = World::start();
    for (name, _) in schemas::outputs() {
        let printed: Value = serde_json::from_str(&world.lwtokens(&["schema", name]).ok()).unwrap();
        assert_eq!(printed, schemas::published(name), "{name}");
        assert!(jsonschema::meta::is_valid(&printed), "{name} is a valid JSON Schema");
    }
}

/// What a CSV cell holds for a JSON member (docs/json.md, "CSV").
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text }
}

/// Checks that `csv` has the members of the JSON `rows` as its columns and their values as cells.
fn assert_same_rows(csv: &str, rows: &[Value], columns: &[&str]) {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, columns);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(rows) {
        let members: BTreeSet<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(members, columns.iter().copied().collect(), "the columns are the row's members");
        for (column, text) in header.iter().zip(record.iter()) {
            assert_eq!(text, cell(&row[column]), "column {column} of {row}");
        }
    }
}

#[test]
fn csv_and_json_lines_hold_the_rows_of_the_json_listing_whole() {
    let world = World::start();
    let hostile = [
        ("comma, \"quotes\" and\na newline", "line one\nline two, with a comma"),
        ("=HYPERLINK(\"http://example.invalid\")", "+1 -1 @SUM(A1)"),
        ("tab\tand é ü 中文", ""),
    ];
    for (alias, description) in hostile {
        let create = world.client.agent_tokens().create(alias);
        let create = if description.is_empty() { create } else { create.description(description) };
        world.block_on(create.send()).unwrap();
    }
    let json = world.lwtokens(&["--json", "agent", "list"]).json();
    let rows = json.as_array().unwrap();
    let lines: Vec<Value> = world
        .lwtokens(&["-o", "jsonl", "agent", "list"])
        .ok()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(&lines, rows, "JSON Lines: the same rows, one per line");
    let csv = world.lwtokens(&["-o", "csv", "agent", "list"]).ok();
    let columns = [
        "row_id",
        "token_hint",
        "alias",
        "enabled",
        "description",
        "os",
        "subscription",
        "version",
        "created_at",
    ];
    assert_same_rows(&csv, rows, &columns);
    assert!(csv.contains("\"'=HYPERLINK("), "a formula is never a formula in a spreadsheet:\n{csv}");

    let access = world.lwtokens(&["--json", "access", "list"]).json();
    let access_csv = world.lwtokens(&["-o", "csv", "access", "list"]).ok();
    let access_columns =
        ["id", "name", "status", "scope", "user_id", "created_at", "updated_at", "expires_at"];
    assert_same_rows(&access_csv, access.as_array().unwrap(), &access_columns);

    // A stable id per row: unique, and the same in the next export.
    let ids: Vec<&str> = rows.iter().map(|row| row["row_id"].as_str().unwrap()).collect();
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let again = world.lwtokens(&["--json", "agent", "list"]).json();
    let ids_again: Vec<&str> =
        again.as_array().unwrap().iter().map(|row| row["row_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ids_again);
}

#[test]
fn token_values_are_listed_only_with_show_tokens_and_a_terminal_is_warned() {
    let world = World::start();
    let value = world.agent_token("ci-runners");
    for format in ["table", "json", "jsonl", "csv"] {
        let hidden = world.lwtokens(&["-o", format, "agent", "list"]).ok();
        assert!(!hidden.contains(&value), "{format}: no value without --show-tokens");
        let shown =
            world.lwtokens(&["-o", format, "agent", "search", "--alias-like", "ci-%", "--show-tokens"]);
        assert!(shown.stdout.contains(&value), "{format}: the value with --show-tokens\n{shown:?}");
        assert!(shown.stderr.is_empty(), "no warning when stdout is not a terminal: {}", shown.stderr);
    }
    let csv = world.lwtokens(&["-o", "csv", "agent", "list", "--show-tokens"]).ok();
    assert!(csv.starts_with("row_id,token,token_hint,"), "{csv}");

    // On a terminal (a pseudo-terminal made by script(1)), the values come with a warning.
    let text = on_a_terminal(&world, "agent list --show-tokens");
    assert!(text.contains("warning: printing agent token values"), "{text}");
    assert!(text.contains(&value), "{text}");
}

/// What `lwtokens ARGS` (against the world's sandbox) prints on a pseudo-terminal made by
/// script(1), stdout and stderr together.
fn on_a_terminal(world: &World, args: &str) -> String {
    let command = format!(
        "{} --base-url {} --api-key {} {args}",
        support::LWTOKENS,
        world.sandbox.base_url(),
        world.sandbox.key_id()
    );
    let output = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env_clear()
        .env("HOME", world.home.path())
        .env("LW_API_SECRET", world.sandbox.secret())
        .output()
        .expect("script(1) runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{text}");
    text
}

#[test]
fn csv_on_a_terminal_is_escaped_and_exact_into_a_file() {
    let world = World::start();
    let alias = "ci\u{1b}]0;owned\u{7}\u{1b}[2Kx";
    world.block_on(world.client.agent_tokens().create(alias).send()).unwrap();
    let shown = on_a_terminal(&world, "--output csv agent list");
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "no control character reaches the terminal: {shown:?}"
    );
    assert!(shown.contains("ci\\u{1b}]0;owned\\u{7}\\u{1b}[2Kx"), "{shown}");
    let piped = world.lwtokens(&["--output", "csv", "agent", "list"]).ok();
    assert!(piped.contains(alias), "into a file or a pipe the cell is exact: {piped:?}");
}

#[test]
fn what_the_client_can_refuse_locally_costs_no_request() {
    let world = World::start();
    world.sandbox.clear_journal();
    let long_name = "n".repeat(256);
    let cases: &[&[&str]] = &[
        &["-o", "csv", "agent", "show", "alias:ci-runners"],
        &["-o", "jsonl", "api-token"],
        &["--json", "-o", "csv", "agent", "list"],
        &["-o", "csv", "access", "show", "name:terraform"],
        &["agent", "update", "alias:ci-runners", "--alias", " "],
        &["agent", "rotate", "alias:ci-runners", "--alias", ""],
        &["access", "update", "name:terraform", "--name", &long_name],
        &["access", "rotate", "name:terraform", "--name", ""],
    ];
    for args in cases {
        let error = world.lwtokens(args).fails(2);
        assert!(!error.contains(&long_name), "the error does not repeat a long value: {error}");
    }
    assert!(world.sandbox.journal().is_empty(), "no request: {:?}", world.sandbox.journal());
}
