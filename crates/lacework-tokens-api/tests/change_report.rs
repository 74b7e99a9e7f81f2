//! Each rule of `cargo xtask regen`'s change report, tested on a pair of specs: the fixture
//! `tests/fixtures/changes/base.yaml` and the same with one edit. Both go through the real
//! generator (`codegen.rs`, so the Rust level is what progenitor emits) and the report is made by
//! the very code xtask runs (`xtask/src/change_report.rs`).

#[allow(dead_code)]
#[path = "../../../xtask/src/change_report.rs"]
mod change_report;
#[allow(dead_code)]
#[path = "../codegen.rs"]
mod codegen;
#[allow(dead_code)]
#[path = "../provenance.rs"]
mod provenance;

use change_report::{Level, Version};

const BASE: &str = include_str!("fixtures/changes/base.yaml");

/// The base spec with `from` replaced by `to` (once; `from` must be there).
fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base fixture has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// The report for going from spec `old` to spec `new`.
fn report(old: &str, new: &str) -> change_report::Report {
    let surface = |spec: &str| codegen::generate(spec).unwrap_or_else(|e| panic!("{e}")).surface;
    change_report::compare(&surface(old), &surface(new))
}

/// The report for the base spec with `from` replaced by `to`.
fn report_for(from: &str, to: &str) -> change_report::Report {
    report(BASE, &edited(from, to))
}

/// Asserts the report holds a change of `level` on `item` whose text mentions `says`.
#[track_caller]
fn assert_change(report: &change_report::Report, level: Level, item: &str, says: &str) {
    assert!(
        report.changes.iter().any(|c| c.level == level && c.item == item && c.what.contains(says)),
        "no {level:?} change on `{item}` mentioning {says:?} in:\n{report}"
    );
}

#[test]
fn the_same_spec_reports_nothing() {
    let report = report_for("", "");
    assert!(report.changes.is_empty(), "{report}");
    assert_eq!(report.level(), None);
}

#[test]
fn a_new_optional_property_is_additive_on_the_wire_but_breaks_struct_literals() {
    let report = report_for(
        "        note: {type: string, description: A note.}\n",
        "        note: {type: string, description: A note.}\n        color: {type: string}\n",
    );
    assert_change(&report, Level::Additive, "schema Thing property color", "new optional member (string)");
    assert_change(
        &report,
        Level::Breaking,
        "type Thing field color",
        "struct literals of Thing no longer compile",
    );
    assert_eq!(report.level(), Some(Level::Breaking));
    assert_eq!(report.changes.len(), 2, "{report}");
}

#[test]
fn a_removed_property_is_breaking() {
    let report = report_for("        note: {type: string, description: A note.}\n", "");
    assert_change(&report, Level::Breaking, "schema Thing property note", "removed");
    assert_change(&report, Level::Breaking, "type Thing field note", "removed (was Option<String>)");
    // Its description goes with it, not as a separate documentation change.
    assert!(!report.changes.iter().any(|c| c.level == Level::Documentation), "{report}");
}

#[test]
fn an_optional_property_made_required_is_breaking() {
    let report = report_for("required: [id, name]", "required: [id, name, note]");
    assert_change(&report, Level::Breaking, "schema Thing property note", "optional member made required");
    assert_change(&report, Level::Breaking, "type Thing field note", "from Option<String> to String");
}

#[test]
fn a_required_property_made_optional_is_breaking() {
    let report = report_for("required: [id, name]", "required: [id]");
    assert_change(&report, Level::Breaking, "schema Thing property name", "its Rust type becomes an Option");
}

#[test]
fn a_property_of_another_type_is_breaking() {
    let report = report_for("        id: {type: string}\n", "        id: {type: integer}\n");
    assert_change(
        &report,
        Level::Breaking,
        "schema Thing property id",
        "type changed from string to integer",
    );
    assert_change(&report, Level::Breaking, "type Thing field id", "from String to i64");
}

#[test]
fn a_new_enum_value_is_breaking_because_progenitor_enums_are_exhaustive() {
    let report = report_for("enum: [active, inactive]", "enum: [active, inactive, archived]");
    assert_change(
        &report,
        Level::Breaking,
        "schema Status enum \"archived\"",
        "older clients cannot decode it",
    );
    assert_change(
        &report,
        Level::Breaking,
        "type Status variant Archived",
        "`match`es on it no longer compile",
    );
}

#[test]
fn a_removed_enum_value_is_breaking() {
    let report = report_for("enum: [active, inactive]", "enum: [active]");
    assert_change(&report, Level::Breaking, "type Status variant Inactive", "removed");
}

#[test]
fn a_new_operation_is_additive_and_reported_once() {
    let report = report_for(
        "  /things/{id}:\n    get:\n",
        "  /things/{id}:\n    delete:\n      operationId: deleteThing\n      tags: [Things]\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"204\": {description: Deleted.}\n        \"4XX\": {$ref: \"#/components/responses/Problem\"}\n    get:\n",
    );
    assert_change(
        &report,
        Level::Additive,
        "operation deleteThing",
        "added (DELETE /things/{id}, tag Things, safe to repeat)",
    );
    // Its parameters, responses, builder methods and Client method belong to the one line.
    assert!(report.changes.iter().all(|c| c.level == Level::Additive), "{report}");
    assert!(!report.changes.iter().any(|c| c.item.starts_with("builder DeleteThing")), "{report}");
    assert!(!report.changes.iter().any(|c| c.item.starts_with("operation deleteThing ")), "{report}");
    assert!(!report.changes.iter().any(|c| c.item.contains("::delete_thing")), "{report}");
}

#[test]
fn a_removed_operation_is_breaking() {
    let report =
        report_for("    post:\n      operationId: createThing", "    put:\n      operationId: createThing");
    // Moving createThing from POST to PUT: same builder, another request.
    assert_change(
        &report,
        Level::Breaking,
        "operation createThing",
        "moved from POST /things to PUT /things",
    );
    let removed = report_for(
        "        \"4XX\":\n          $ref: \"#/components/responses/Problem\"\n  /things/{id}:\n    get:\n      operationId: getThing",
        "        \"4XX\":\n          $ref: \"#/components/responses/Problem\"\n  /things/{id}:\n    get:\n      operationId: fetchThing",
    );
    assert_change(&removed, Level::Breaking, "operation getThing", "removed");
    assert_change(&removed, Level::Additive, "operation fetchThing", "added");
}

#[test]
fn a_new_optional_parameter_is_additive_and_a_new_required_one_breaking() {
    let optional = report_for(
        "          schema: {type: integer, format: int32}\n",
        "          schema: {type: integer, format: int32}\n        - {name: after, in: query, required: false, schema: {type: string}}\n",
    );
    assert_change(&optional, Level::Additive, "operation listThings query after", "new optional member");
    assert_change(&optional, Level::Additive, "builder ListThings.after", "new method");
    assert_eq!(optional.level(), Some(Level::Additive));

    let required = report_for(
        "          required: false\n          schema: {type: integer",
        "          required: true\n          schema: {type: integer",
    );
    assert_change(
        &required,
        Level::Breaking,
        "operation listThings query limit",
        "optional member made required",
    );
    let new_required = report_for(
        "          schema: {type: integer, format: int32}\n",
        "          schema: {type: integer, format: int32}\n        - {name: owner, in: query, required: true, schema: {type: string}}\n",
    );
    assert_change(&new_required, Level::Breaking, "operation listThings query owner", "new required member");
}

#[test]
fn a_new_error_status_is_additive_and_a_removed_one_breaking() {
    let with_5xx = edited(
        "              schema: {$ref: \"#/components/schemas/Thing\"}\n        \"4XX\":\n          $ref: \"#/components/responses/Problem\"\ncomponents:",
        "              schema: {$ref: \"#/components/schemas/Thing\"}\n        \"4XX\":\n          $ref: \"#/components/responses/Problem\"\n        \"5XX\":\n          $ref: \"#/components/responses/Problem\"\ncomponents:",
    );
    let added = report(BASE, &with_5xx);
    assert_change(&added, Level::Additive, "operation getThing response 5XX", "new response (Problem)");
    assert_eq!(added.level(), Some(Level::Additive));
    let removed = report(&with_5xx, BASE);
    assert_change(&removed, Level::Breaking, "operation getThing response 5XX", "response removed");
}

#[test]
fn a_new_description_is_documentation_only() {
    let report = report_for("summary: List the things.", "summary: List every thing.");
    assert_change(&report, Level::Documentation, "operation listThings docs", "description changed");
    let property = report_for("description: A note.", "description: A short note.");
    assert_change(&property, Level::Documentation, "schema Thing property note docs", "description changed");
    assert!(report.changes.iter().chain(&property.changes).all(|c| c.level == Level::Documentation));
}

#[test]
fn a_post_is_repeatable_only_when_the_spec_says_so() {
    let report = report_for(
        "      operationId: createThing\n",
        "      operationId: createThing\n      x-idempotent: true\n",
    );
    assert_change(
        &report,
        Level::Additive,
        "operation createThing",
        "now safe to repeat (was not safe to repeat)",
    );
}

#[test]
fn versions_follow_cargo_semver() {
    let v = |text: &str| Version::parse(text).expect("a version");
    // 0.x: a breaking change needs the minor, an additive one the patch.
    assert_eq!(v("0.1.0").needed(Some(Level::Breaking)), v("0.2.0"));
    assert_eq!(v("0.1.3").needed(Some(Level::Additive)), v("0.1.4"));
    assert_eq!(v("0.1.3").needed(Some(Level::Documentation)), v("0.1.3"));
    // From 1.0: the major and the minor.
    assert_eq!(v("1.2.3").needed(Some(Level::Breaking)), v("2.0.0"));
    assert_eq!(v("1.2.3").needed(Some(Level::Additive)), v("1.3.0"));
    // 0.0.x: every release is incompatible with the previous one.
    assert_eq!(v("0.0.4").needed(Some(Level::Breaking)), v("0.0.5"));
    // What the report calls each bump.
    assert_eq!(v("0.1.0").bump_name(Some(Level::Breaking)), "minor");
    assert_eq!(v("0.1.0").bump_name(Some(Level::Additive)), "patch");
    assert_eq!(v("0.1.0").bump_name(Some(Level::Documentation)), "no");
    assert_eq!(v("1.2.3").bump_name(Some(Level::Breaking)), "major");
    // The check: the version in Cargo.toml must be at least the one the changes need.
    assert!(!v("0.1.0").allows(v("0.1.0"), Some(Level::Breaking)));
    assert!(!v("0.1.0").allows(v("0.1.9"), Some(Level::Breaking)));
    assert!(v("0.1.0").allows(v("0.2.0"), Some(Level::Breaking)));
    assert!(!v("0.1.0").allows(v("0.1.0"), Some(Level::Additive)));
    assert!(v("0.1.0").allows(v("0.1.0"), Some(Level::Documentation)));
    assert!(v("0.1.0").allows(v("0.1.0"), None));
    assert!(Version::parse("0.1").is_err() && Version::parse("x.1.0").is_err());
}
