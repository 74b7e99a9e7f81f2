//! Converts the spec from YAML to JSON at build time, so that a binary linking this crate (the
//! sandbox, and through it `lwtokens`) parses JSON at run time and carries no YAML parser.

use std::path::Path;

fn main() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/lacework-tokens.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let value: serde_json::Value =
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: not valid YAML: {e}", spec.display()));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("spec.json");
    std::fs::write(&out, value.to_string()).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
