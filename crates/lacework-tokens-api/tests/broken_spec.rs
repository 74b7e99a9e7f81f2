//! A broken spec must give one clear message naming the file and the problem, never a panic:
//! these tests run the very code `build.rs` runs (`codegen.rs`) on broken fixture specs.

#[allow(dead_code)]
#[path = "../codegen.rs"]
mod codegen;
#[allow(dead_code)]
#[path = "../provenance.rs"]
mod provenance;

use std::path::PathBuf;

fn error_for(fixture: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
    match codegen::generate_file(&path) {
        Ok(_) => panic!("{fixture} generated code, but it is broken on purpose"),
        Err(e) => e.to_string(),
    }
}

#[track_caller]
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "message {message:?} does not mention {part:?}");
    }
}

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let message = error_for("syntax-error.yaml");
    assert_mentions(
        &message,
        &["syntax-error.yaml: not a valid OpenAPI 3.0 document", "at line 10 column 16"],
    );
}

#[test]
fn generator_panic_is_caught_and_names_the_operation() {
    let message = error_for("mixed-success-schemas.yaml");
    assert_mentions(
        &message,
        &["mixed-success-schemas.yaml: progenitor panicked in operation `createThing` (POST /things)"],
    );
}

#[test]
fn differing_error_schemas_are_refused_before_generation() {
    let message = error_for("mixed-error-schemas.yaml");
    assert_mentions(
        &message,
        &[
            "operation `listThings` (GET /things)",
            "error responses must share one schema: 404 has NotFound, 5XX has no body",
        ],
    );
}

#[test]
fn an_operation_needs_exactly_one_tag() {
    let message = error_for("two-tags.yaml");
    assert_mentions(&message, &["operation `listThings` (GET /things): needs exactly one tag, has 2"]);
}

#[test]
fn openapi_3_1_is_refused_with_the_reason() {
    let message = error_for("openapi-3.1.yaml");
    assert_mentions(&message, &["`openapi: 3.1.0` is not supported"]);
}

#[test]
fn a_missing_file_is_named() {
    let message = error_for("no-such-spec.yaml");
    assert_mentions(&message, &["no-such-spec.yaml: cannot read"]);
}

#[test]
fn a_value_of_the_wrong_type_is_located() {
    let message = error_for("wrong-type.yaml");
    // openapiv3 reads path items through an untagged enum, so the parser locates the problem at
    // the enclosing `/things` entry rather than at `tags`; it still names the value and the line.
    assert_mentions(
        &message,
        &[
            "wrong-type.yaml: not a valid OpenAPI 3.0 document",
            "string \"Things\", expected a sequence at line 6 column 3",
        ],
    );
}
