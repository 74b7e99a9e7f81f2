//! The generated operation table (`OPERATIONS`): one row per operation of the spec, with the
//! names progenitor uses, and repeat safety decided by the method or the spec's `x-idempotent`.

#[allow(dead_code)]
#[path = "../codegen.rs"]
mod codegen;
#[allow(dead_code)]
#[path = "../provenance.rs"]
mod provenance;

use lacework_tokens_api::ops;
use lacework_tokens_api::{OPERATIONS, operations};

#[test]
fn every_operation_of_the_spec_is_in_the_table_as_the_spec_declares_it() {
    let spec_operations = lacework_tokens_contract::operations();
    assert_eq!(OPERATIONS.len(), spec_operations.len());
    for (path, method, op) in spec_operations {
        let id = op["operationId"].as_str().expect("an operationId");
        let row = operations::by_id(id).unwrap_or_else(|| panic!("{id} is not in OPERATIONS"));
        assert_eq!((row.method, row.path), (method.to_uppercase().as_str(), path), "{id}");
        assert_eq!(Some(row.tag), op["tags"][0].as_str(), "{id}");
        assert_eq!(operations::by_name(row.name), Some(row), "{id}");
    }
}

#[test]
fn reads_and_deletes_are_safe_to_repeat_and_creates_are_not() {
    for row in OPERATIONS {
        if matches!(row.method, "GET" | "DELETE" | "PUT") {
            assert!(row.repeat_safe, "{} ({} {}) should be safe to repeat", row.id, row.method, row.path);
        }
    }
    for create in [ops::CREATE_AGENT_ACCESS_TOKEN.id, ops::CREATE_ACCESS_TOKEN.id] {
        assert!(
            !operations::by_id(create).expect("in the spec").repeat_safe,
            "{create} must never be resent"
        );
    }
}

#[test]
fn a_create_added_to_a_spec_is_not_safe_to_repeat_unless_the_spec_says_so() {
    let base = include_str!("fixtures/changes/base.yaml");
    let row = |code: &str, id: &str| -> String {
        let start = code.find(&format!("id: \"{id}\"")).unwrap_or_else(|| panic!("no row for {id}"));
        code[start..].split('}').next().unwrap_or_default().to_owned()
    };
    let generated = codegen::generate(base).unwrap_or_else(|e| panic!("{e}")).code;
    assert!(
        row(&generated, "createThing").contains("repeat_safe: false"),
        "{}",
        row(&generated, "createThing")
    );
    assert!(row(&generated, "listThings").contains("repeat_safe: true"));

    let searchable = base.replacen(
        "      operationId: createThing\n",
        "      operationId: createThing\n      x-idempotent: true\n",
        1,
    );
    let generated = codegen::generate(&searchable).unwrap_or_else(|e| panic!("{e}")).code;
    assert!(row(&generated, "createThing").contains("repeat_safe: true"));
}

#[test]
fn names_are_snake_case_the_way_progenitor_writes_them() {
    assert_eq!(codegen::snake_case("createAgentAccessToken"), "create_agent_access_token");
    assert_eq!(codegen::snake_case("createApiToken"), "create_api_token");
    assert_eq!(codegen::snake_case("getHTTPThing"), "get_http_thing");
    // The generator refuses a name progenitor's code does not contain, so every row of the real
    // table is a name the client's hooks receive.
    for row in OPERATIONS {
        assert_eq!(row.name, codegen::snake_case(row.id));
    }
}
