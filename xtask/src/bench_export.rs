//! `cargo xtask bench-export`: what exporting an account's agent tokens costs, in time and peak
//! memory, in each `--output` format, measured side by side in one run.
//!
//! Starts the sandbox (release build) with N generated agent tokens, then runs the release
//! `lwtokens agent list --output FORMAT` into a file under `/usr/bin/time`, which reports the
//! wall time and the peak resident memory of the process. The formats take turns in each round,
//! so that a change in the machine's load falls on all of them alike.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace_root;

pub const HELP: &str = "\
cargo xtask bench-export: time and peak memory of exporting agent tokens in each format

Builds lwtokens and the sandbox (release), starts the sandbox with N generated agent tokens,
and runs `lwtokens agent list --output FORMAT > FILE` for table, json, jsonl and csv, ROUNDS
times each, under /usr/bin/time. Prints, per format, the median wall time, the largest peak
resident memory, the file's size, and the ratios to JSON. Needs /usr/bin/time (Debian: time).

USAGE:
    cargo xtask bench-export [--tokens N] [--rounds N]

OPTIONS:
    --tokens N    Agent tokens in the account (default: 20000)
    --rounds N    Runs of each format (default: 3)
    -h, --help    Print this help";

const FORMATS: [&str; 4] = ["table", "json", "jsonl", "csv"];
const KEY_ID: &str = "BENCH_EXPORT_KEY";
const SECRET: &str = "_bench-export-secret-0123456789";
const TIME: &str = "/usr/bin/time";

/// Parses `--tokens N` and `--rounds N`.
pub fn parse_args(args: &[&str]) -> Result<(usize, usize), String> {
    let (mut tokens, mut rounds) = (20_000, 3);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let target = match *arg {
            "--tokens" => &mut tokens,
            "--rounds" => &mut rounds,
            other => return Err(format!("unexpected argument `{other}`\n\n{HELP}")),
        };
        *target = args
            .next()
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{arg} takes a number above zero"))?;
    }
    Ok((tokens, rounds))
}

/// One run's figures.
struct Sample {
    wall: Duration,
    peak_kib: u64,
    bytes: u64,
}

/// Kills the sandbox however the benchmark ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the benchmark.
pub fn run(tokens: usize, rounds: usize) -> Result<(), String> {
    if !Path::new(TIME).exists() {
        return Err(format!("{TIME} is needed to read peak memory (Debian package `time`)"));
    }
    let root = workspace_root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "lacework-tokens-cli", "-p", "lacework-tokens-sandbox"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the release build failed".into());
    }
    let release = root.join("target/release");
    let work = root.join("target/bench-export");
    std::fs::create_dir_all(work.join("home")).map_err(|e| format!("{}: {e}", work.display()))?;

    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(release.join("lacework-tokens-sandbox"))
            .args([
                "--addr",
                &addr,
                "--key-id",
                KEY_ID,
                "--secret",
                SECRET,
                "--bulk-tokens",
                &tokens.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the sandbox: {e}"))?,
    );
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("the sandbox did not start listening within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    println!("exporting {tokens} agent tokens, {rounds} rounds, formats taking turns\n");
    let mut samples: Vec<Vec<Sample>> = FORMATS.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for turn in 0..FORMATS.len() {
            let index = (turn + round) % FORMATS.len();
            let format = FORMATS[index];
            let sample = export(&release.join("lwtokens"), &work, &addr, format, tokens)?;
            samples[index].push(sample);
        }
    }

    let median_wall = |runs: &[Sample]| {
        let mut walls: Vec<Duration> = runs.iter().map(|s| s.wall).collect();
        walls.sort();
        walls[walls.len() / 2]
    };
    let peak = |runs: &[Sample]| runs.iter().map(|s| s.peak_kib).max().unwrap_or(0);
    let json = FORMATS.iter().position(|f| *f == "json").expect("json is measured");
    let (json_wall, json_peak) = (median_wall(&samples[json]), peak(&samples[json]));
    println!("format  wall (median)  peak RSS   file      wall/json  RSS/json");
    for (format, runs) in FORMATS.iter().zip(&samples) {
        let (wall, peak_kib) = (median_wall(runs), peak(runs));
        println!(
            "{format:<6}  {:>10.3} s  {:>6.1} MiB  {:>5.1} MB  {:>9.2}  {:>8.2}",
            wall.as_secs_f64(),
            peak_kib as f64 / 1024.0,
            runs[0].bytes as f64 / 1e6,
            wall.as_secs_f64() / json_wall.as_secs_f64(),
            peak_kib as f64 / json_peak as f64,
        );
    }
    Ok(())
}

/// One `lwtokens agent list --output FORMAT` into a file, checked for its row count.
fn export(lwtokens: &Path, work: &Path, addr: &str, format: &str, tokens: usize) -> Result<Sample, String> {
    let path = work.join(format!("agent-tokens.{format}"));
    let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let output = Command::new(TIME)
        .args(["-f", "%e %M"])
        .arg(lwtokens)
        .args(["--base-url", &format!("http://{addr}"), "--api-key", KEY_ID, "--no-token-cache"])
        .args(["--output", format, "agent", "list"])
        .env_clear()
        .env("HOME", work.join("home"))
        .env("LW_API_SECRET", SECRET)
        .stdout(file)
        .output()
        .map_err(|e| format!("cannot run {TIME}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("lwtokens --output {format} failed: {stderr}"));
    }
    let figures = stderr.lines().last().unwrap_or_default();
    let (wall, peak) =
        figures.split_once(' ').ok_or_else(|| format!("unexpected {TIME} output: {stderr}"))?;
    let wall: f64 = wall.parse().map_err(|_| format!("unexpected {TIME} output: {stderr}"))?;
    let peak_kib: u64 = peak.trim().parse().map_err(|_| format!("unexpected {TIME} output: {stderr}"))?;

    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let rows = match format {
        "json" => text.lines().filter(|line| line.trim_start().starts_with("\"row_id\":")).count(),
        "jsonl" => text.lines().count(),
        _ => text.lines().count().saturating_sub(1),
    };
    if rows != tokens {
        return Err(format!("--output {format} printed {rows} rows, not {tokens}"));
    }
    Ok(Sample { wall: Duration::from_secs_f64(wall), peak_kib, bytes: text.len() as u64 })
}
