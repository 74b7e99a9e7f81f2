//! Bulk jobs that survive: a job killed with SIGKILL at a random moment and then run again with
//! `--resume` ends with every selected token switched, none missed, and none updated twice
//! except the one request in flight at the kill (counted in the sandbox's journal). Also: other
//! selections, a list on stdin, and journals that must be refused.

mod support;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::RateLimit;
use support::{LWTOKENS, World};

/// A small xorshift generator: the kill moments need not be good randomness, only varied; the
/// seed is printed so a failing run can be replayed.
struct Moments(u64);

impl Moments {
    fn next_ms(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low)
    }
}

/// An allowance far above what the test spends: it counts and kills, it does not pace.
fn unpaced(world: &World) {
    world.sandbox.set_rate_limit(RateLimit {
        limit: 100_000,
        window: Duration::from_secs(3600),
        enforce: false,
    });
}

/// The base arguments every run of `lwtokens` gets from the world.
fn base_args(world: &World) -> Vec<String> {
    ["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id(), "--budget", "100000/1h"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Updates that took effect, per token path.
fn updates(world: &World) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for entry in world.sandbox.journal() {
        if entry.operation == Some(ops::UPDATE_AGENT_ACCESS_TOKEN.id) && entry.took_effect() {
            *counts.entry(entry.raw_path.clone()).or_default() += 1;
        }
    }
    counts
}

#[test]
fn twenty_jobs_killed_at_random_moments_finish_on_resume_without_repeats() {
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("kill moments seed: {seed}");
    let mut moments = Moments(seed);
    let journals = tempfile::TempDir::new().unwrap();
    let mut cut_short = 0;
    for run in 0..20 {
        // A sandbox per run, so every run selects 2,000 tokens among about as many.
        let world = World::start();
        unpaced(&world);
        let prefix = format!("kill{run:02}-");
        world.sandbox.insert_agent_tokens("", &prefix, 2_000);
        let to_disable = 2_000 - 2_000usize.div_ceil(7);
        world.sandbox.clear_journal();
        let journal = journals.path().join(format!("job{run}.jsonl"));
        let mut args = base_args(&world);
        args.extend(
            ["agent", "disable", "--alias-like", &format!("{prefix}%"), "--quiet", "--journal"]
                .map(String::from),
        );
        args.push(journal.display().to_string());
        let mut child = Command::new(LWTOKENS)
            .args(&args)
            .env_clear()
            .env("HOME", world.home.path())
            .env("LW_API_SECRET", world.sandbox.secret())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(moments.next_ms(50, 400)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let before: usize = updates(&world).values().sum();
        if before > 0 && before < to_disable {
            cut_short += 1;
        }

        args.push("--resume".into());
        let resumed = support::run_in(
            world.home.path(),
            &[("LW_API_SECRET", world.sandbox.secret())],
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(resumed.code, 0, "run {run}: {resumed:?}");
        if before >= 1 {
            // The journal, not a new search, says what is left.
            let searches = world
                .sandbox
                .journal()
                .iter()
                .filter(|e| e.operation == Some(ops::SEARCH_AGENT_ACCESS_TOKENS.id))
                .count();
            assert_eq!(searches, 1, "run {run}: the resumed run searched again");
        }
        if before >= 2 {
            assert!(resumed.stdout.contains("by an earlier run"), "run {run}: {}", resumed.stdout);
        }
        let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
        let mine: Vec<_> = tokens.iter().filter(|t| t.alias.starts_with(&prefix)).collect();
        assert_eq!(mine.len(), 2_000);
        assert!(mine.iter().all(|t| !t.enabled), "run {run}: every selected token ends disabled");
        let counts = updates(&world);
        assert_eq!(counts.len(), to_disable, "run {run}: every token that was enabled is updated");
        assert!(counts.values().all(|n| *n <= 2), "run {run}: no token updated more than twice");
        let twice = counts.values().filter(|n| **n == 2).count();
        println!("run {run}: {before} of {to_disable} updates before the kill, {twice} repeated");
        assert!(twice <= 1, "run {run}: only the request in flight at the kill is repeated ({twice})");
        if twice == 1 {
            assert!(
                resumed.stdout.contains("sent again: it was in flight"),
                "run {run}: the summary says so:\n{}",
                resumed.stdout
            );
        }
    }
    assert!(cut_short >= 5, "most kills land in the middle of a job (only {cut_short} of 20 did)");
}

#[test]
fn a_job_selected_by_filters_resumes_and_other_selections_are_refused() {
    let world = World::start();
    unpaced(&world);
    world.sandbox.insert_agent_tokens("", "batch-", 20);
    let journal = world.home.path().join("job.jsonl");
    let journal = journal.to_str().unwrap();
    let filters = ["--filter", "alias:like:batch-%", "--filter", "enabled:eq:true"];
    let mut first = vec!["agent", "disable", "--journal", journal, "--max-requests", "6"];
    first.extend(filters);
    let stopped = world.lwtokens(&first);
    assert_eq!(stopped.code, 3, "{stopped:?}");

    // Another selection, another job, another account: refused, nothing sent.
    world.sandbox.clear_journal();
    let other =
        world.lwtokens(&["agent", "disable", "--journal", journal, "--resume", "--alias-like", "batch-1%"]);
    let message = other.fails(2);
    assert!(message.contains("is of another selection"), "{message}");
    let mut enable = vec!["agent", "enable", "--journal", journal, "--resume"];
    enable.extend(filters);
    assert!(world.lwtokens(&enable).fails(2).contains("is of another job"));
    assert_eq!(updates(&world).len(), 0, "a refused journal sends nothing");

    // A line cut short by a kill is dropped.
    std::fs::OpenOptions::new().append(true).open(journal).unwrap().write_all(b"{\"entry\":\"do").unwrap();
    let mut resume = vec!["agent", "disable", "--journal", journal, "--resume"];
    resume.extend(filters);
    world.lwtokens(&resume).ok();
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    assert!(tokens.iter().filter(|t| t.alias.starts_with("batch-")).all(|t| !t.enabled));
    // 6 requests: the exchange, the search and 4 updates; the rest now, none twice.
    let enabled_at_start = (0..20).filter(|n| n % 7 != 0).count();
    assert_eq!(updates(&world).len(), enabled_at_start - 4);
    let counts = updates(&world);
    assert!(counts.values().all(|n| *n <= 2), "no token updated more than twice");
    assert!(counts.values().filter(|n| **n == 2).count() <= 1, "only the request in flight at Ctrl-C");
}

#[test]
fn a_job_selected_by_a_relative_time_resumes_on_a_later_run() {
    let world = World::start();
    unpaced(&world);
    world.sandbox.insert_agent_tokens("", "span-", 12);
    let journal = world.home.path().join("span.jsonl");
    let journal = journal.to_str().unwrap();
    // `30d` is a moment that moves: the selection is the filter as given, not that moment.
    let job =
        ["agent", "disable", "--filter", "created:gt:30d", "--alias-like", "span-%", "--journal", journal];
    let stopped = world.lwtokens(&[&job[..], &["--max-requests", "4"]].concat());
    assert_eq!(stopped.code, 3, "{stopped:?}");
    world.lwtokens(&[&job[..], &["--resume"]].concat()).ok();
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    assert!(tokens.iter().filter(|t| t.alias.starts_with("span-")).all(|t| !t.enabled));
}

#[test]
fn aliases_listed_on_stdin_cost_one_search_between_them() {
    let world = World::start();
    let list = "alias:ci-legacy\nalias:ci-runners\nalias:staging\n";
    world.sandbox.clear_journal();
    let mut child = Command::new(LWTOKENS)
        .args(["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id()])
        .args(["agent", "disable", "--stdin", "--dry-run"])
        .env_clear()
        .env("HOME", world.home.path())
        .env("LW_API_SECRET", world.sandbox.secret())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(list.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("of 3 agent tokens"), "all three found");
    let searches = world
        .sandbox
        .journal()
        .iter()
        .filter(|e| e.operation == Some(ops::SEARCH_AGENT_ACCESS_TOKENS.id))
        .count();
    assert_eq!(searches, 1, "one search for three aliases");
}

#[test]
fn a_list_on_stdin_is_a_selection() {
    let world = World::start();
    let legacy = world.agent_token("ci-legacy");
    let runners = world.agent_token("ci-runners");
    let list = format!("{runners}\nalias:ci-legacy\n\n{legacy}\n");
    let mut child = Command::new(LWTOKENS)
        .args(["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id()])
        .args(["agent", "disable", "--stdin", "--json"])
        .env_clear()
        .env("HOME", world.home.path())
        .env("LW_API_SECRET", world.sandbox.secret())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(list.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let valid_as =
        support::schemas::check(&["agent", "disable", "--json"], &String::from_utf8_lossy(&output.stdout));
    assert_eq!(valid_as.as_deref(), Some("bulk-report"));
    assert_eq!(report["summary"]["matched"], 2, "each token once: {report}");
    assert_eq!(report["selection"], "3 tokens listed on stdin");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains(&runners) && !stdout.contains(&legacy), "values are never printed");
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    let listed = ["ci-runners", "ci-legacy"];
    assert!(tokens.iter().filter(|t| listed.contains(&t.alias.as_str())).all(|t| !t.enabled));
}

#[test]
fn ctrl_c_prints_the_partial_report_and_resume_finishes() {
    let world = World::start();
    unpaced(&world);
    world.sandbox.insert_agent_tokens("", "sig-", 2_000);
    let journal = world.home.path().join("sig.jsonl");
    let mut args = base_args(&world);
    args.extend(["agent", "disable", "--alias-like", "sig-%", "--json", "--journal"].map(String::from));
    args.push(journal.display().to_string());
    let child = Command::new(LWTOKENS)
        .args(&args)
        .env_clear()
        .env("HOME", world.home.path())
        .env("LW_API_SECRET", world.sandbox.secret())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once some tokens are done (a header line and more), interrupt as Ctrl-C would.
    let waited = std::time::Instant::now();
    while std::fs::read_to_string(&journal).map_or(0, |j| j.lines().count()) < 5 {
        assert!(waited.elapsed() < Duration::from_secs(60), "the job started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("error: interrupted: "), "{stderr}");
    assert!(stderr.contains("run the same command with --resume"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the partial report");
    let valid_as =
        support::schemas::check(&["agent", "disable", "--json"], &String::from_utf8_lossy(&output.stdout));
    assert_eq!(valid_as.as_deref(), Some("bulk-report"));
    let skipped = report["summary"]["skipped"].as_u64().unwrap();
    assert!(skipped > 0, "work was left: {}", report["summary"]);
    let changed_before = report["summary"]["changed"].as_u64().unwrap();

    args.push("--resume".into());
    let resumed = support::run_in(
        world.home.path(),
        &[("LW_API_SECRET", world.sandbox.secret())],
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let report = resumed.json();
    assert_eq!(report["summary"]["changed"].as_u64(), Some(skipped), "the rest, and only the rest");
    let done_earlier = report["summary"]["done_earlier"].as_u64().unwrap_or(0);
    assert!(
        done_earlier >= changed_before.max(1),
        "the journal's tokens are done earlier: {}",
        report["summary"]
    );
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    assert!(tokens.iter().filter(|t| t.alias.starts_with("sig-")).all(|t| !t.enabled));
    let counts = updates(&world);
    assert!(counts.values().all(|n| *n <= 2), "no token updated more than twice");
    assert!(counts.values().filter(|n| **n == 2).count() <= 1, "only the request in flight at Ctrl-C");
}
