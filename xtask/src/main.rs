//! Maintainer tasks, run as `cargo xtask <command>`. Only the standard library: this must build
//! quickly on a fresh machine.
//!
//! - `regen`: regenerate the client from the spec and update the snapshots of it, naming those
//!   that changed.
//! - `regen --check`: fail, naming the command to run, when a snapshot is stale.
//! - `bench-build`: what generating the client in build.rs costs a cold build (bench_build.rs).

mod bench_build;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const HELP: &str = "\
cargo xtask: maintainer tasks for the lacework-tokens workspace

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    regen        Regenerate the client from spec/lacework-tokens.yaml and update its snapshots
    bench-build  Measure what build-time code generation costs a cold build, and regen's time
    help         Print this help

Run `cargo xtask <COMMAND> --help` for a command's options.";

const REGEN_HELP: &str = "\
cargo xtask regen: regenerate the client and update its snapshots

Builds crates/lacework-tokens-api (whose build.rs runs progenitor on spec/lacework-tokens.yaml),
updates the insta snapshots in crates/lacework-tokens-api/tests/snapshots/ and prints which of
them changed. Review that diff before you commit it.

USAGE:
    cargo xtask regen [--check]

OPTIONS:
    --check    Change nothing; fail if any snapshot is stale (what CI runs)
    -h, --help Print this help";

/// Where the snapshots live, relative to the workspace root.
pub(crate) const SNAPSHOT_DIR: &str = "crates/lacework-tokens-api/tests/snapshots";

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
        ["bench-build"] => bench_build::run(bench_build::Profile::Debug),
        ["bench-build", "--release"] => bench_build::run(bench_build::Profile::Release),
        ["bench-build", "-h" | "--help"] => {
            println!("{}", bench_build::HELP);
            Ok(())
        }
        ["bench-build", ..] => Err(format!("unexpected arguments to bench-build\n\n{}", bench_build::HELP)),
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
    let dir = root.join(SNAPSHOT_DIR);
    let before = read_snapshots(&dir)?;
    let started = Instant::now();
    // INSTA_UPDATE=always writes changed snapshots in place (and the test then passes).
    run_snapshot_tests(&root, "always")?;
    let after = read_snapshots(&dir)?;
    let changed: Vec<&String> = after.keys().filter(|name| before.get(*name) != after.get(*name)).collect();
    println!("regenerated in {:.1}s", started.elapsed().as_secs_f64());
    if changed.is_empty() {
        println!("no snapshot changed");
    } else {
        println!("changed snapshots (review with `git diff {SNAPSHOT_DIR}`):");
        for name in changed {
            println!("    {name}");
        }
    }
    Ok(())
}

fn check() -> Result<(), String> {
    run_snapshot_tests(&workspace_root(), "no").map_err(|_| {
        "the generated client's snapshots are stale: run `cargo xtask regen` and review the diff".to_owned()
    })?;
    println!("snapshots are current");
    Ok(())
}

pub(crate) fn run_snapshot_tests(root: &Path, insta_update: &str) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--quiet", "--package", "lacework-tokens-api", "--test", "snapshots"])
        .env("INSTA_UPDATE", insta_update)
        .env_remove("INSTA_FORCE_PASS")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the snapshot tests failed ({status})")) }
}

/// The snapshot files by name, with their contents.
fn read_snapshots(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut snapshots = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(snapshots),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|ext| ext == "snap") {
            let contents =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            snapshots.insert(name, contents);
        }
    }
    Ok(snapshots)
}

pub(crate) fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask; cargo sets CARGO_MANIFEST_DIR when it builds this binary.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_owned()
}
