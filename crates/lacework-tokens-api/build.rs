//! Makes sure the crate compiles the client generated from this exact spec.
//!
//! Without the `regen` feature (every application's build), nothing is generated: the crate
//! compiles the reviewed `src/generated.rs`, and this script only checks that the SHA-256 of
//! `spec/lacework-tokens.yaml` is the one recorded in that file's header, so that an edited spec
//! is never silently ignored. A mismatch stops the build with one line naming `cargo xtask regen`.
//!
//! With `regen` (the workspace's own builds, `cargo xtask regen`, CI), this script runs the
//! generator (`codegen.rs`) on the spec into `OUT_DIR`, and the crate compiles that fresh code, so
//! a spec edit takes effect on the next build; it warns while `src/generated.rs` differs from it.

// The surface page codegen.rs also makes is for `cargo xtask regen`, not for the build.
#[cfg(feature = "regen")]
#[allow(dead_code)]
#[path = "codegen.rs"]
mod codegen;
// Each mode uses part of it: the check reads the hash, codegen.rs writes the header.
#[allow(dead_code)]
#[path = "provenance.rs"]
mod provenance;

use std::process::ExitCode;

const SPEC: &str = "spec/lacework-tokens.yaml";
const SHIPPED: &str = "src/generated.rs";

fn main() -> ExitCode {
    for input in [SPEC, SHIPPED, "build.rs", "codegen.rs", "provenance.rs"] {
        println!("cargo::rerun-if-changed={input}");
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // `cargo::error` shows the message in the build output; the exit code fails the build.
            println!("cargo::error={message}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

#[cfg(not(feature = "regen"))]
fn run() -> Result<(), String> {
    let spec_hash = provenance::spec_hash(&read(SPEC)?);
    let shipped = read(SHIPPED)?;
    match provenance::recorded_hash(&shipped) {
        Some(recorded) if recorded == spec_hash => Ok(()),
        Some(_) => Err(format!(
            "{SHIPPED} was generated from another version of {SPEC}: run `cargo xtask regen` \
             (or build with the `regen` feature)"
        )),
        None => Err(format!(
            "{SHIPPED} records no spec hash, so it is not generated code: run `cargo xtask regen`"
        )),
    }
}

#[cfg(feature = "regen")]
fn run() -> Result<(), String> {
    use std::path::Path;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let generated = codegen::generate_file(Path::new(SPEC))
        .map_err(|e| format!("cannot generate the client from {e}"))?;
    let path = Path::new(&out_dir).join("generated.rs");
    std::fs::write(&path, &generated.code).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if read(SHIPPED).ok().as_deref() != Some(generated.code.as_str()) {
        println!(
            "cargo::warning={SHIPPED} is not what {SPEC} generates; this build \
             uses a fresh generation. Run `cargo xtask regen` to update it and see what changed."
        );
    }
    Ok(())
}
