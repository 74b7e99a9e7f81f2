//! Maintainer tasks, run as `cargo xtask <command>`. Only the standard library: this must build
//! quickly on a fresh machine.
//!
//! - `regen`: regenerate the shipped client (`src/generated.rs`) and its surface page
//!   (`api-surface.txt`) from the spec, naming the files that changed.
//! - `regen --check`: fail, naming the command to run, when a shipped file is stale.
//! - `bench-build`: what the api crate's build script costs a cold build (bench_build.rs).
//! - `bench-export`: time and peak memory of `lwtokens agent list` in each output format
//!   (bench_export.rs).

mod bench_build;
mod bench_export;
mod change_report;
mod regen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
cargo xtask: maintainer tasks for the lacework-tokens workspace

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    regen        Regenerate the client from spec/lacework-tokens.yaml and report what changed
    bench-build  Measure what the api crate's build script costs a cold build, and regen's time
    bench-export Measure time and peak memory of exporting agent tokens in each output format
    help         Print this help

Run `cargo xtask <COMMAND> --help` for a command's options.";

const REGEN_HELP: &str = "\
cargo xtask regen: regenerate the client and report what changed

Runs the generator (progenitor, configured by crates/lacework-tokens-api/codegen.rs) on
spec/lacework-tokens.yaml and writes what it makes into crates/lacework-tokens-api/:
src/generated.rs (the code the crate ships and compiles) and api-surface.txt (the page a
reviewer reads first: every operation, schema, Rust type, field, variant and builder method).

Then prints the change report: each change to the API since the last commit, classified as
breaking, additive or documentation only, and the same since the surface recorded for the
last released version (api-surface-<version>.txt), with the version the changes need.

USAGE:
    cargo xtask regen [--check | --record]

OPTIONS:
    --check    Change nothing; fail if a shipped file is stale, or if the changes since the
               recorded version need a bigger version than the crate's (what CI runs)
    --record   At a release: record the current surface as the crate's (bumped) version's,
               in place of the old record. Refused while the version is the recorded one
    -h, --help Print this help";

pub(crate) use regen::API_DIR;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["help" | "-h" | "--help"] => {
            println!("{HELP}");
            Ok(())
        }
        ["regen", rest @ ..] => match rest {
            [] => regen::regen(),
            ["--check"] => regen::check(),
            ["--record"] => regen::record(),
            ["-h" | "--help"] => {
                println!("{REGEN_HELP}");
                Ok(())
            }
            _ => Err(format!("unexpected arguments to regen: {}\n\n{REGEN_HELP}", rest.join(" "))),
        },
        ["bench-build", "-h" | "--help"] => {
            println!("{}", bench_build::HELP);
            Ok(())
        }
        ["bench-build", rest @ ..] => {
            bench_build::parse_args(rest).and_then(|(profile, rounds)| bench_build::run(profile, rounds))
        }
        ["bench-export", "-h" | "--help"] => {
            println!("{}", bench_export::HELP);
            Ok(())
        }
        ["bench-export", rest @ ..] => {
            bench_export::parse_args(rest).and_then(|(tokens, rounds)| bench_export::run(tokens, rounds))
        }
        [other, ..] => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask; cargo sets CARGO_MANIFEST_DIR when it builds this binary.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_owned()
}
