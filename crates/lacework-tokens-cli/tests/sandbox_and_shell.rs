//! What needs no server of the test's own: `--sandbox` (every command against demo data, in
//! one process), shell completions, `--help` and `--version`.

mod support;

use lacework_tokens_api::ops;
use support::run_in;
use tempfile::TempDir;

fn lwtokens(args: &[&str]) -> support::Run {
    let home = TempDir::new().unwrap();
    run_in(home.path(), &[], args)
}

#[test]
fn every_command_runs_against_the_sandbox() {
    golden!("sandbox_agent_list", lwtokens(&["--sandbox", "agent", "list"]).ok());
    let shown = lwtokens(&["--sandbox", "agent", "show", "alias:ci-runners", "--json"]).json();
    assert_eq!(shown["token"].as_str().map(str::len), Some(56), "the full value");
    let created = lwtokens(&["--sandbox", "agent", "create", "demo", "--description", "tried it"]).ok();
    assert!(created.contains("tried it"));
    let updated = lwtokens(&["--sandbox", "agent", "update", "alias:staging", "--alias", "stage"]).ok();
    assert!(updated.contains("stage"));
    let disabled = lwtokens(&["--sandbox", "agent", "disable", "alias:staging", "--json"]).json();
    assert_eq!(disabled["enabled"], false);
    assert!(lwtokens(&["--sandbox", "agent", "enable", "alias:ci-legacy"]).ok().contains("enabled"));
    let bulk = lwtokens(&["--sandbox", "agent", "disable", "--alias-like", "prod-%"]).ok();
    assert!(bulk.ends_with("disabled 2 of 2 agent tokens whose alias matches \"prod-%\"\n"), "{bulk}");
    let found = lwtokens(&["--sandbox", "agent", "search", "--filter", "os:eq:windows"]);
    assert_eq!(found.code, 2, "os is not a search field: {found:?}");
    let found = lwtokens(&["--sandbox", "agent", "search", "--filter", "enabled:eq:false", "--json"]).json();
    assert_eq!(found.as_array().map(Vec::len), Some(2));

    assert!(lwtokens(&["--sandbox", "access", "list"]).ok().contains("dashboards"));
    assert_eq!(
        lwtokens(&["--sandbox", "access", "show", "name:terraform", "--json"]).json()["scope"][0],
        "devices"
    );
    assert!(lwtokens(&["--sandbox", "access", "create", "ci", "--scope", "devices"]).ok().contains("secret"));
    let patched =
        lwtokens(&["--sandbox", "access", "update", "name:terraform", "--status", "inactive", "--json"]);
    assert_eq!(patched.json()["status"], "inactive");
    assert!(lwtokens(&["--sandbox", "access", "delete", "name:dashboards"]).ok().starts_with("deleted"));
    assert!(lwtokens(&["--sandbox", "api-token"]).ok().starts_with('_'));

    // Changes are forgotten with the process.
    assert!(lwtokens(&["--sandbox", "agent", "list"]).ok().contains("staging"));
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let quiet = lwtokens(&["--sandbox", "agent", "list", "--json"]);
    let verbose = lwtokens(&["--sandbox", "-vv", "agent", "list", "--json"]);
    assert!(quiet.stderr.is_empty(), "{quiet:?}");
    assert!(verbose.stderr.contains("operation=\"listAgentAccessTokens\""), "{verbose:?}");
    assert!(!verbose.stdout.contains(ops::LIST_AGENT_ACCESS_TOKENS.id), "stdout is only the result");
    let aliases = |run: &support::Run| {
        run.json().as_array().unwrap().iter().map(|t| t["alias"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(aliases(&quiet), aliases(&verbose));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in
        [("bash", "_lwtokens()"), ("zsh", "#compdef lwtokens"), ("fish", "complete -c lwtokens")]
    {
        let script = lwtokens(&["completions", shell]).ok();
        assert!(script.contains(marker), "{shell}: {marker}");
        for word in ["agent", "access", "api-token", "alias-like", "dry-run", "sandbox"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
}

#[test]
fn help_and_version() {
    // Not redacted: help has no secrets, and its examples look like token hints.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("help", lwtokens(&["--help"]).ok());
        insta::assert_snapshot!("help_agent_disable", lwtokens(&["agent", "disable", "--help"]).ok());
    });
    assert_eq!(lwtokens(&["--version"]).ok(), format!("lwtokens {}\n", env!("CARGO_PKG_VERSION")));
}
