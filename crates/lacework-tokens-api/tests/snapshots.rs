//! Snapshots of what `build.rs` generated from the spec, for review in every change to it:
//! `api_surface` (one line per operation, read it first) and `generated_client` (the code).
//!
//! A stale snapshot fails `cargo test`; `cargo xtask regen` updates them and names the ones that
//! changed. CI runs with updates refused, so it never accepts a snapshot on its own.

use std::panic::{AssertUnwindSafe, catch_unwind};

fn assert_current(name: &str, generated: &str) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, generated);
        });
    }));
    if outcome.is_err() {
        panic!(
            "the `{name}` snapshot no longer matches what build.rs generated from \
             spec/lacework-tokens.yaml: run `cargo xtask regen`, then review the snapshot diff"
        );
    }
}

#[test]
fn api_surface() {
    assert_current("api_surface", lacework_tokens_api::SURFACE);
}

#[test]
fn generated_client() {
    assert_current("generated_client", lacework_tokens_api::GENERATED_SOURCE);
}
