//! `cargo xtask bench-build`: what the api crate's build script costs an application.
//!
//! Builds, from cold, a small app that depends on the facade, twice, in two copies of the
//! workspace: as it is (the api crate's `build.rs` checks the shipped code against the spec's
//! hash; the generator is not built), and with plain pasted code instead (no `build.rs`, no
//! build-dependencies, no `regen` feature). Everything else is the same: sources, lockfile,
//! profile, machine. Then times a warm `cargo xtask regen --check`, with the spec untouched and
//! with the spec touched (so the generator runs again in build.rs too).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{API_DIR, workspace_root};

pub const HELP: &str = "\
cargo xtask bench-build: measure what the api crate's build script costs an application

Copies the workspace twice under target/bench-build/, adds a small app that depends on the
facade, and cold-builds it in each copy: once as the workspace is (build.rs checks the shipped
code against the spec), once with lacework-tokens-api reduced to plain code (no build.rs, no
build-dependencies). Prints both wall and CPU times and the overheads, then the time of a warm
`cargo xtask regen --check` (spec untouched, and spec touched).
Takes a few minutes; run it on a quiet machine.

USAGE:
    cargo xtask bench-build [--release] [--rounds N]

OPTIONS:
    --release     Build the app with the release profile (default: the debug profile)
    --rounds N    Cold-build each variant N times, alternating which goes first (default: 1)
    -h, --help Print this help";

/// The profile the app is built with.
#[derive(Clone, Copy)]
pub enum Profile {
    Debug,
    Release,
}

const APP_MANIFEST: &str = r#"[package]
name = "bench-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
lacework-tokens = { path = "../crates/lacework-tokens" }
"#;

const APP_MAIN: &str = r#"fn main() {
    let client = lacework_tokens::Client::builder().base_url("http://127.0.0.1:1").api_key("k", "s".to_owned()).build();
    println!("{}", client.is_ok());
}
"#;

pub fn run(profile: Profile, rounds: usize) -> Result<(), String> {
    let root = workspace_root();
    let base = root.join("target/bench-build");
    let _ = std::fs::remove_dir_all(&base);

    let generated = base.join("generated");
    let pasted = base.join("pasted");
    for copy in [&generated, &pasted] {
        copy_workspace(&root, copy)?;
        add_app(copy)?;
    }
    paste_generated_code(&pasted)?;

    let name = match profile {
        Profile::Debug => "debug",
        Profile::Release => "release",
    };
    println!("cold build of an app that depends on the facade ({name} profile), {rounds} round(s):");
    // One untimed build first: the first build of a run also reads every dependency's sources
    // from disk, which would count against whichever variant goes first.
    cold_build(&pasted, profile)?;
    let (mut wall_overheads, mut cpu_overheads) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which variant goes first, so that a machine getting busier or quieter during
        // the run does not favour one of them.
        let order = if round.is_multiple_of(2) { [&generated, &pasted] } else { [&pasted, &generated] };
        let mut costs = Vec::new();
        for copy in order {
            let _ = std::fs::remove_dir_all(copy.join("target"));
            costs.push(cold_build(copy, profile)?);
        }
        let (shipped, plain) =
            if round.is_multiple_of(2) { (costs[0], costs[1]) } else { (costs[1], costs[0]) };
        let wall = shipped.wall.as_secs_f64() / plain.wall.as_secs_f64() - 1.0;
        let cpu = shipped.cpu.as_secs_f64() / plain.cpu.as_secs_f64() - 1.0;
        println!(
            "  round {}: as shipped (build.rs checks the spec hash) {:.1} s ({:.1} s CPU), plain pasted code \
             {:.1} s ({:.1} s CPU): {:+.1}% wall, {:+.1}% CPU",
            round + 1,
            shipped.wall.as_secs_f64(),
            shipped.cpu.as_secs_f64(),
            plain.wall.as_secs_f64(),
            plain.cpu.as_secs_f64(),
            wall * 100.0,
            cpu * 100.0,
        );
        wall_overheads.push(wall);
        cpu_overheads.push(cpu);
    }
    println!(
        "  the build script adds {:+.1}% wall time, {:+.1}% CPU time (medians of the rounds; target <= 3%)",
        median(&mut wall_overheads) * 100.0,
        median(&mut cpu_overheads) * 100.0
    );

    println!("warm `cargo xtask regen --check` (generation, comparison, change report, version check):");
    crate::regen::check()?;
    let started = Instant::now();
    crate::regen::check()?;
    let unchanged = started.elapsed();
    touch(&root.join("spec/lacework-tokens.yaml"))?;
    let started = Instant::now();
    crate::regen::check()?;
    let touched = started.elapsed();
    println!("  spec unchanged:               {:>6.1} s", unchanged.as_secs_f64());
    println!(
        "  spec touched (build.rs regenerates, the api crate recompiles): {:.1} s",
        touched.as_secs_f64()
    );
    Ok(())
}

/// Copies the files git tracks (the symlinks as symlinks).
fn copy_workspace(root: &Path, to: &Path) -> Result<(), String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    for file in output.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let relative = PathBuf::from(String::from_utf8_lossy(file).into_owned());
        let (from, dest) = (root.join(&relative), to.join(&relative));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let meta =
            std::fs::symlink_metadata(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        if meta.file_type().is_symlink() {
            let target =
                std::fs::read_link(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
            std::os::unix::fs::symlink(target, &dest)
                .map_err(|e| format!("cannot link {}: {e}", dest.display()))?;
        } else {
            std::fs::copy(&from, &dest).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
        }
    }
    Ok(())
}

/// Adds the app as a member of the copied workspace.
fn add_app(copy: &Path) -> Result<(), String> {
    write(&copy.join("bench-app/Cargo.toml"), APP_MANIFEST)?;
    write(&copy.join("bench-app/src/main.rs"), APP_MAIN)?;
    let manifest = copy.join("Cargo.toml");
    let text = read(&manifest)?;
    write(&manifest, &text.replacen("members = [", "members = [\n    \"bench-app\",", 1))
}

/// Turns the copy's api crate into plain code: no build.rs, no build-dependencies, and a
/// `regen` feature that enables nothing, so `src/lib.rs` compiles the shipped `src/generated.rs`
/// exactly as in the other copy.
fn paste_generated_code(copy: &Path) -> Result<(), String> {
    let api = copy.join(API_DIR);
    for file in ["build.rs", "codegen.rs", "provenance.rs"] {
        std::fs::remove_file(api.join(file)).map_err(|e| format!("cannot remove {file}: {e}"))?;
    }
    let mut manifest = read(&api.join("Cargo.toml"))?;
    for (section, replacement) in [("[features]", "[features]\nregen = []\n"), ("[build-dependencies]", "")] {
        let start = manifest.find(section).ok_or(format!("the api crate's manifest has no {section}"))?;
        let end = manifest[start + 1..].find("\n[").map_or(manifest.len(), |i| start + 1 + i + 1);
        manifest.replace_range(start..end, replacement);
    }
    write(&api.join("Cargo.toml"), &manifest)
}

/// What a build cost: wall time, and the CPU time of cargo and everything it ran.
#[derive(Clone, Copy)]
struct Cost {
    wall: Duration,
    cpu: Duration,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] }
}

fn cold_build(copy: &Path, profile: Profile) -> Result<Cost, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let cpu_before = children_cpu_time()?;
    let started = Instant::now();
    let mut command = Command::new(cargo);
    command.current_dir(copy).args(["build", "--quiet", "--offline", "--package", "bench-app"]);
    if let Profile::Release = profile {
        command.arg("--release");
    }
    let status = command
        .env("CARGO_TARGET_DIR", copy.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the build in {} failed ({status})", copy.display()));
    }
    let wall = started.elapsed();
    Ok(Cost { wall, cpu: children_cpu_time()?.saturating_sub(cpu_before) })
}

/// The user and system CPU time of this process's finished children and their descendants
/// (`cutime` and `cstime` in `/proc/self/stat`): less sensitive than wall time to other work on
/// a shared machine.
fn children_cpu_time() -> Result<Duration, String> {
    let stat = read(Path::new("/proc/self/stat"))?;
    // Fields after the command name (which is in parentheses and may hold spaces); cutime and
    // cstime are fields 16 and 17 of the whole line, so 14 and 15 after the `)`.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks =
        |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).ok_or("cannot read /proc/self/stat");
    let total = ticks(13)? + ticks(14)?;
    Ok(Duration::from_secs_f64(total as f64 / clock_ticks_per_second()?))
}

fn clock_ticks_per_second() -> Result<f64, String> {
    let output =
        Command::new("getconf").arg("CLK_TCK").output().map_err(|e| format!("cannot run getconf: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| "getconf CLK_TCK gave no number".to_owned())
}

fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `[--release] [--rounds N]`, in any order.
pub fn parse_args(args: &[&str]) -> Result<(Profile, usize), String> {
    let (mut profile, mut rounds) = (Profile::Debug, 1);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--release" => profile = Profile::Release,
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or(format!("--rounds needs a positive number\n\n{HELP}"))?;
            }
            other => return Err(format!("unexpected argument `{other}` to bench-build\n\n{HELP}")),
        }
    }
    Ok((profile, rounds))
}
