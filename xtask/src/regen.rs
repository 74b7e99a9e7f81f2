//! `cargo xtask regen [--check | --record]`: regenerate the shipped client and its surface page,
//! report what changed in the API, and hold the crate's version to what the changes need.
//!
//! Two comparisons, both with the change report of `change_report.rs`:
//! - since the last commit (the reviewed state): what this regeneration changes;
//! - since the surface recorded for the last released version (`api-surface-<version>.txt`):
//!   the bump the crate's version needs. `--check` fails when Cargo.toml's version is smaller.
//!
//! `regen --record` replaces the record with the current surface under the crate's version; it
//! refuses unless that version differs from the recorded one, so only a version bump (done at
//! release) updates the record.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::change_report::{self, Version};
use crate::workspace_root;

/// The api crate, relative to the workspace root.
pub(crate) const API_DIR: &str = "crates/lacework-tokens-api";
/// The files the generator writes, relative to the api crate.
const GENERATED_FILES: [&str; 2] = ["src/generated.rs", "api-surface.txt"];
/// The surface page, relative to the api crate.
const SURFACE: &str = "api-surface.txt";

pub fn regen() -> Result<(), String> {
    let root = workspace_root();
    let before = read_generated(&root)?;
    let committed = committed_surface(&root).unwrap_or_else(|| before[1].clone());
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
    println!("\nchanges to the API since the last commit:");
    print!("{}", change_report::compare(&committed, &after[1]));

    let (record, version, report) = since_record(&root, &after[1])?;
    println!(
        "\nchanges to the API since {} (the surface recorded in {}):",
        record.version,
        record.file_name()
    );
    print!("{report}");
    let needed = record.version.needed(report.level());
    let bump = record.version.bump_name(report.level());
    if record.version.allows(version, report.level()) {
        println!(
            "\n{bump} version bump needed ({needed} or later); the crate's version, {version}, allows these changes"
        );
    } else {
        println!(
            "\n{bump} version bump needed ({needed} or later), but the crate's version is {version}: \
             `cargo xtask regen --check` (and CI) will fail until it is bumped in the workspace Cargo.toml"
        );
    }
    Ok(())
}

/// `regen --record`: at a release, make the current surface the record of the crate's version.
pub fn record() -> Result<(), String> {
    let root = workspace_root();
    check_files(&root)?;
    let surface = read(&root.join(API_DIR).join(SURFACE))?;
    let (record, version, report) = since_record(&root, &surface)?;
    if version == record.version {
        return Err(format!(
            "the recorded surface is already {version}'s: only a version bump (at a release) updates it"
        ));
    }
    if !record.version.allows(version, report.level()) {
        return Err(too_small(record.version, version, &report));
    }
    record.replace(&root, version, &surface)?;
    println!(
        "recorded the surface of {version} in {API_DIR}/api-surface-{version}.txt (in place of {})",
        record.version
    );
    Ok(())
}

/// The recorded surface, the crate's version, and the changes from that record to `surface`.
fn since_record(root: &Path, surface: &str) -> Result<(Record, Version, change_report::Report), String> {
    let record = Record::find(root)?;
    let version = crate_version(root)?;
    let report = change_report::compare(&record.surface, surface);
    Ok((record, version, report))
}

fn too_small(recorded: Version, version: Version, report: &change_report::Report) -> String {
    format!(
        "the API changed since version {recorded} in ways that need a {} version bump ({} or later), but \
         the crate's version is {version}: bump it in the workspace Cargo.toml.\n\
         changes since {recorded}:\n{report}",
        recorded.bump_name(report.level()),
        recorded.needed(report.level()),
    )
}

fn check_files(root: &Path) -> Result<(), String> {
    run_generator(root, Mode::Check).map_err(|_| {
        "the shipped generated files are stale: run `cargo xtask regen` and review the diff".to_owned()
    })?;
    println!("the shipped generated files are current");
    Ok(())
}

pub fn check() -> Result<(), String> {
    let root = workspace_root();
    check_files(&root)?;
    let surface = read(&root.join(API_DIR).join(SURFACE))?;
    let (record, version, report) = since_record(&root, &surface)?;
    if !record.version.allows(version, report.level()) {
        return Err(too_small(record.version, version, &report));
    }
    println!("the API changes since {} are allowed by the crate's version, {version}", record.version);
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
    let mut command = Command::new(cargo());
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

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
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

/// The surface page as of the last commit, when git can tell.
fn committed_surface(root: &Path) -> Option<String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("HEAD:{API_DIR}/{SURFACE}")])
        .output()
        .ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The api crate's version, as Cargo resolves it (it comes from the workspace).
fn crate_version(root: &Path) -> Result<Version, String> {
    let output = Command::new(cargo())
        .current_dir(root)
        .args(["pkgid", "--offline", "--package", "lacework-tokens-api"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo pkgid` failed: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    // e.g. `path+file:///…/crates/lacework-tokens-api#lacework-tokens-api@0.1.0` or `…#0.1.0`.
    let pkgid = String::from_utf8_lossy(&output.stdout);
    let version = pkgid.trim().rsplit(['@', '#']).next().unwrap_or_default();
    Version::parse(version)
}

/// The surface recorded for the last released version: `api-surface-<version>.txt` in the api
/// crate.
struct Record {
    version: Version,
    surface: String,
}

impl Record {
    fn find(root: &Path) -> Result<Record, String> {
        let dir = root.join(API_DIR);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let name = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.file_name();
            let name = name.to_string_lossy();
            if let Some(version) = name.strip_prefix("api-surface-").and_then(|n| n.strip_suffix(".txt")) {
                found.push(Version::parse(version).map_err(|e| format!("{API_DIR}/{name}: {e}"))?);
            }
        }
        match found.as_slice() {
            [version] => {
                let surface = read(&dir.join(format!("api-surface-{version}.txt")))?;
                Ok(Record { version: *version, surface })
            }
            [] => Err(format!(
                "{API_DIR} has no api-surface-<version>.txt: the surface of the crate's version is not recorded"
            )),
            _ => Err(format!(
                "{API_DIR} has several api-surface-<version>.txt files: keep only the current version's"
            )),
        }
    }

    fn file_name(&self) -> String {
        format!("{API_DIR}/api-surface-{}.txt", self.version)
    }

    fn path(root: &Path, version: Version) -> PathBuf {
        root.join(API_DIR).join(format!("api-surface-{version}.txt"))
    }

    /// Records `surface` as `version`'s, in place of this record.
    fn replace(&self, root: &Path, version: Version, surface: &str) -> Result<(), String> {
        let new = Record::path(root, version);
        std::fs::write(&new, surface).map_err(|e| format!("cannot write {}: {e}", new.display()))?;
        let old = Record::path(root, self.version);
        std::fs::remove_file(&old).map_err(|e| format!("cannot remove {}: {e}", old.display()))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
