//! Maintainer tasks, run as `cargo xtask <command>`. Only the standard library: this must build
//! quickly on a fresh machine.
//!
//! - `regen`: regenerate the shipped client (`src/generated.rs`) and its surface page
//!   (`api-surface.txt`) from the spec, naming the files that changed.
//! - `regen --check`: fail, naming the command to run, when a shipped file is stale.
//! - `bench-build`: what the api crate's build script costs a cold build (bench_build.rs).

mod bench_build;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const HELP: &str = "\
cargo xtask: maintainer tasks for the lacework-tokens workspace

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    regen        Regenerate the client from spec/lacework-tokens.yaml and report what changed
    bench-build  Measure what the api crate's build script costs a cold build, and regen's time
    help         Print this help

Run `cargo xtask <COMMAND> --help` for a command's options.";

const REGEN_HELP: &str = "\
cargo xtask regen: regenerate the client and report what changed

Runs the generator (progenitor, configured by crates/lacework-tokens-api/codegen.rs) on
spec/lacework-tokens.yaml and writes what it makes into crates/lacework-tokens-api/:
src/generated.rs (the code the crate ships and compiles) and api-surface.txt (the page a
reviewer reads first). Prints which of them changed. Review that diff before you commit it.

USAGE:
    cargo xtask regen [--check]

OPTIONS:
    --check    Change nothing; fail if a shipped file is stale (what CI runs)
    -h, --help Print this help";

/// The api crate, relative to the workspace root.
pub(crate) const API_DIR: &str = "crates/lacework-tokens-api";
/// The files the generator writes, relative to the api crate.
pub(crate) const GENERATED_FILES: [&str; 2] = ["src/generated.rs", "api-surface.txt"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["help" | "-h" | "--help"] => {
            println!("{HELP}");
            Ok(())
        }
        ["regen", rest @ ..] => match rest {
            [] => regen(),
            ["--check"] => check(),
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

fn regen() -> Result<(), String> {
    let root = workspace_root();
    let before = read_generated(&root)?;
    let started = Instant::now();
    run_generator(&root, Mode::Write)?;
    let after = read_generated(&root)?;
    println!("regenerated in {:.1}s", started.elapsed().as_secs_f64());
    let changed: Vec<&str> = GENERATED_FILES
        .iter()
        .zip(before.iter().zip(&after))
        .filter(|(_, (b, a))| b != a)
        .map(|(f, _)| *f)
        .collect();
    if changed.is_empty() {
        println!("no generated file changed");
    } else {
        println!("changed (review with `git diff {API_DIR}`):");
        for file in changed {
            println!("    {API_DIR}/{file}");
        }
    }
    Ok(())
}

fn check() -> Result<(), String> {
    run_generator(&workspace_root(), Mode::Check).map_err(|_| {
        "the shipped generated files are stale: run `cargo xtask regen` and review the diff".to_owned()
    })?;
    println!("the shipped generated files are current");
    Ok(())
}

/// Whether the generator test may write the files it finds stale.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Check,
    Write,
}

/// Runs the api crate's `generated` test, which generates the client from the spec and compares
/// it with the shipped files (or, in `Mode::Write`, writes them). The `regen` feature makes the
/// crate itself build from the spec, so that a spec edit cannot stop the test from compiling.
pub(crate) fn run_generator(root: &Path, mode: Mode) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args([
        "test",
        "--quiet",
        "--package",
        "lacework-tokens-api",
        "--features",
        "regen",
        "--test",
        "generated",
    ]);
    match mode {
        Mode::Check => command.env_remove("LACEWORK_TOKENS_REGEN"),
        Mode::Write => command.env("LACEWORK_TOKENS_REGEN", "write"),
    };
    let status = command.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the generator test failed ({status})")) }
}

/// The generated files' contents (empty when missing), in the order of `GENERATED_FILES`.
fn read_generated(root: &Path) -> Result<Vec<String>, String> {
    GENERATED_FILES
        .iter()
        .map(|file| {
            let path = root.join(API_DIR).join(file);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
                Err(e) => Err(format!("cannot read {}: {e}", path.display())),
            }
        })
        .collect()
}

pub(crate) fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask; cargo sets CARGO_MANIFEST_DIR when it builds this binary.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_owned()
}
