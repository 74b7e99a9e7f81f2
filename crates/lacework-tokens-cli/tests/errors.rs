//! Failures: bad flags and bad configuration exit 2, a failing API call exits 1, each with one
//! line on stderr that says what was wrong. The messages are kept as golden files.

mod support;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::{World, run_in};
use tempfile::TempDir;

/// `$ lwtokens ARGS` followed by what it printed on stderr, for a golden file.
fn transcript(runs: &[(&[&str], String)]) -> String {
    let quoted = |arg: &&str| {
        if arg.is_empty() || arg.contains(char::is_whitespace) { format!("'{arg}'") } else { arg.to_string() }
    };
    let line = |args: &[&str]| args.iter().map(quoted).collect::<Vec<_>>().join(" ");
    runs.iter().map(|(args, stderr)| format!("$ lwtokens {}\n{stderr}\n", line(args))).collect()
}

/// Writes a config file readable by its owner only, as it should be (others would get a warning).
fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn bad_flags_exit_2_with_one_line() {
    let home = TempDir::new().unwrap();
    let cases: &[&[&str]] = &[
        &["--bogus", "agent", "list"],
        &["agent", "create"],
        &["agent", "create", "qa", "--os", "macos"],
        &["agent", "update", "0123456789abcdef"],
        &["agent", "update", "0123456789abcdef", "--enable", "--disable"],
        &["agent", "disable"],
        &["agent", "disable", "0123456789abcdef", "--alias-like", "ci-%"],
        &["agent", "enable", "0123456789abcdef", "--dry-run"],
        &["agent", "show", "alias:"],
        &["agent", "show", "47d…"],
        &["agent", "search", "--filter", "alias:like"],
        &["agent", "search", "--filter", "owner:eq:me"],
        &["agent", "search", "--filter", "alias:matches:x"],
        &["agent", "search", "--filter", "created:between:2024-01-01T00:00:00Z"],
        &["access", "create", "ci", "--expires", "2020-01-01"],
        &["access", "create", "ci", "--expires", "soon"],
        &["access", "update", "5f3c1a", "--status", "paused"],
        &["access", "update", "5f3c1a"],
        &["access", "show", "name:"],
        &["api-token", "--expiry-seconds", "0"],
        &["api-token", "-d", "86401"],
        &["completions", "tcsh"],
        &["--sandbox", "--api-key", "K", "agent", "list"],
        &["--account", "acme", "--base-url", "https://acme.lacework.net", "agent", "list"],
        &["--api-token", "t", "--api-key", "k", "agent", "list"],
    ];
    let runs: Vec<_> = cases.iter().map(|args| (*args, run_in(home.path(), &[], args).fails(2))).collect();
    golden!("usage_errors", transcript(&runs));
}

#[test]
fn a_group_without_its_command_prints_its_help_and_exits_2() {
    let home = TempDir::new().unwrap();
    let run = run_in(home.path(), &[], &["agent"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Usage: lwtokens agent") && run.stderr.contains("disable"), "{run:?}");
}

#[test]
fn bad_configuration_exits_2_naming_the_setting() {
    let home = TempDir::new().unwrap();
    let home_path = home.path().to_str().unwrap().to_owned();
    let run = |env: &[(&str, &str)], args: &[&str]| {
        run_in(home.path(), env, args).fails(2).replace(&home_path, "$HOME")
    };
    let list = &["agent", "list"][..];
    let key = [("LW_API_KEY", "KEY"), ("LW_API_SECRET", "_0123456789abcdef")];
    let mut runs = vec![
        ("(nothing configured) agent list".to_owned(), run(&[], list)),
        ("LW_ACCOUNT=acme agent list".to_owned(), run(&[("LW_ACCOUNT", "acme")], list)),
        (
            "LW_ACCOUNT=acme LW_API_KEY=KEY agent list".to_owned(),
            run(&[("LW_ACCOUNT", "acme"), ("LW_API_KEY", "KEY")], list),
        ),
        (
            "LW_ACCOUNT=acme --api-key KEY agent list".to_owned(),
            run(&[("LW_ACCOUNT", "acme")], &["--api-key", "KEY", "agent", "list"]),
        ),
        ("--account 'a b' agent list".to_owned(), run(&key, &["--account", "a b", "agent", "list"])),
        (
            "LW_API_SERVER_URL=http://example.com agent list".to_owned(),
            run(&[key[0], key[1], ("LW_API_SERVER_URL", "http://example.com")], list),
        ),
        (
            "--profile prod agent list (no file)".to_owned(),
            run(&key, &["--profile", "prod", "agent", "list"]),
        ),
        (
            "--account acme --api-token T api-token".to_owned(),
            run(&[], &["--account", "acme", "--api-token", "T", "api-token"]),
        ),
    ];
    write_private(&home.path().join(".lacework.toml"), "[default]\naccount = \"acme\"\n\n[prod\n");
    runs.push(("agent list (a broken ~/.lacework.toml)".to_owned(), run(&[], list)));
    write_private(&home.path().join(".lacework.toml"), "[default]\naccount = \"acme\"\n");
    runs.push((
        "LW_PROFILE=prod agent list".to_owned(),
        run(&[key[0], key[1], ("LW_PROFILE", "prod")], list),
    ));
    let text: String = runs.iter().map(|(case, stderr)| format!("$ {case}\n{stderr}\n")).collect();
    golden!("config_errors", text);
}

#[test]
fn input_the_facade_or_the_lookup_refuses_exits_2() {
    let world = World::start();
    world.lwtokens(&["agent", "create", "twin"]).ok();
    world.lwtokens(&["agent", "create", "twin"]).ok();
    let cases: &[&[&str]] = &[
        &["agent", "create", " "],
        // Every text filter is allowed by the spec (any operator on any field, any operand), so no
        // `--filter` that parses is refused by the facade any more.
        &["agent", "show", "alias:twin"],
        &["access", "create", ""],
    ];
    let runs: Vec<_> = cases.iter().map(|args| (*args, world.lwtokens(args).fails(2))).collect();
    golden!("input_errors", transcript(&runs));
}

#[test]
fn a_failing_api_call_exits_1() {
    let world = World::start();
    let missing = "0".repeat(56);
    let mut runs = Vec::new();
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None })
            .only(ops::LIST_AGENT_ACCESS_TOKENS.id),
    );
    runs.push((&["agent", "list"][..], world.lwtokens(&["agent", "list"]).fails(1)));
    let show: &[&str] = &["agent", "show", &missing];
    runs.push((show, world.lwtokens(show).fails(1)));
    runs.push((
        &["agent", "show", "alias:nobody"][..],
        world.lwtokens(&["agent", "show", "alias:nobody"]).fails(1),
    ));
    runs.push((
        &["access", "show", "ffffffffffffffffffffffff"][..],
        world.lwtokens(&["access", "show", "ffffffffffffffffffffffff"]).fails(1),
    ));
    runs.push((
        &["access", "delete", "name:nobody"][..],
        world.lwtokens(&["access", "delete", "name:nobody"]).fails(1),
    ));
    // The runs above cached a bearer for this key; the wrong secret shows only in an exchange.
    let wrong_secret = run_in(
        world.home.path(),
        &[("LW_API_SECRET", "_wrongwrongwrongwrong"), ("LWTOKENS_NO_TOKEN_CACHE", "1")],
        &["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id(), "agent", "list"],
    );
    let wrong_secret = wrong_secret.fails(1).replace(world.sandbox.key_id(), "SANDBOX_KEY");
    runs.push((&["agent", "list", "(wrong secret)"][..], wrong_secret));
    golden!("api_errors", transcript(&runs));
}

#[test]
fn a_bulk_run_with_failures_reports_each_and_exits_1() {
    let world = World::start();
    // One token's update fails: the run goes on with the next.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None })
            .only(ops::UPDATE_AGENT_ACCESS_TOKEN.id),
    );
    let run = world.lwtokens(&["agent", "disable", "--alias-like", "prod-%"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "plan: 2 of 2 selected tokens to disable, 2 requests; budget 480 per 1h, 479 left in this window: fits\n\
         error: 1 of 2 agent tokens could not be disabled; run the same command with --resume to try \
         them again\n"
    );
    golden!("bulk_with_a_failure", run.stdout);

    // The service is down: the run stops instead of failing on every token.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 503, retry_after: Some(0) })
            .times(20)
            .only(ops::UPDATE_AGENT_ACCESS_TOKEN.id),
    );
    let run = world.lwtokens(&["agent", "enable", "--alias-like", "%", "--json"]);
    assert_eq!(run.code, 1, "{run:?}");
    // prod-windows-fleet (disabled above), ci-legacy and dev-laptops: the first fails, two wait.
    assert_eq!(
        run.stderr,
        "error: 3 of 6 agent tokens could not be enabled; run the same command with --resume to try them \
         again\n"
    );
    golden!("bulk_stopped_json", run.stdout);
}
