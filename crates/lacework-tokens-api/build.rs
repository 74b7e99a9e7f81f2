//! Generates the client from `spec/lacework-tokens.yaml` into `OUT_DIR` (see `codegen.rs`).
//!
//! Writes `lacework_tokens.rs` (the code `src/lib.rs` includes) and `surface.txt` (the API
//! summary the snapshot tests show reviewers). Re-runs only when the spec or the generator
//! changes. A broken spec stops the build with one line naming the file and the problem.

#[path = "codegen.rs"]
mod codegen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let spec = Path::new("spec/lacework-tokens.yaml");
    println!("cargo::rerun-if-changed={}", spec.display());
    println!("cargo::rerun-if-changed=codegen.rs");
    println!("cargo::rerun-if-changed=build.rs");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = match codegen::generate_file(spec) {
        Ok(generated) => generated,
        Err(e) => {
            // `cargo::error` shows the message in the build output; the exit code fails the build.
            println!("cargo::error=lacework-tokens-api: cannot generate the client from {e}");
            return ExitCode::FAILURE;
        }
    };
    for (name, contents) in [("lacework_tokens.rs", &generated.code), ("surface.txt", &generated.surface)] {
        let path = out_dir.join(name);
        if let Err(e) = std::fs::write(&path, contents) {
            println!("cargo::error=lacework-tokens-api: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
