//! Bearers reused across runs: what a CI job of many `lwtokens` commands spends on key
//! exchanges (the exchange counts against the account's 480 requests an hour), counted in the
//! sandbox's journal.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::{LWTOKENS, World, run_in};

impl World {
    fn exchanges(&self) -> usize {
        self.sandbox.effects(ops::CREATE_API_TOKEN.id)
    }
}

#[test]
fn ten_runs_in_a_row_exchange_the_key_once() {
    let world = World::start();
    for _ in 0..10 {
        world.lwtokens(&["agent", "list"]).ok();
    }
    assert_eq!(world.exchanges(), 1, "requests spent on exchanges / fewest possible = 1.00");
    assert_eq!(world.sandbox.effects(ops::LIST_AGENT_ACCESS_TOKENS.id), 10);
    let exchanged_for: Vec<_> = world
        .sandbox
        .journal()
        .into_iter()
        .filter(|e| e.operation == Some(ops::CREATE_API_TOKEN.id))
        .map(|e| e.key_id)
        .collect();
    assert_eq!(exchanged_for, [Some(world.sandbox.key_id().to_owned())], "the journal names the key");
}

#[test]
fn ten_runs_started_at_once_exchange_the_key_once() {
    let world = World::start();
    // The first exchange is slow, so the runs overlap whatever the machine's pace: without the
    // lock, every run would find the cache empty and exchange.
    world.sandbox.inject(
        FaultRule::new(Fault::Delay(Duration::from_millis(800))).only(ops::CREATE_API_TOKEN.id).times(1),
    );
    let children: Vec<_> = (0..10)
        .map(|_| {
            Command::new(LWTOKENS)
                .args([
                    "--base-url",
                    world.sandbox.base_url(),
                    "--api-key",
                    world.sandbox.key_id(),
                    "agent",
                    "list",
                ])
                .env_clear()
                .env("HOME", world.home.path())
                .env("LW_API_SECRET", world.sandbox.secret())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert_eq!(world.exchanges(), 1, "requests spent on exchanges / fewest possible = 1.00");
}

#[test]
fn the_cache_can_be_shown_cleared_and_turned_off() {
    let world = World::start();
    world.lwtokens(&["agent", "list"]).ok();
    let shown = world.lwtokens(&["token-cache", "show"]).ok();
    assert!(shown.contains(world.sandbox.key_id()) && shown.contains(world.sandbox.base_url()), "{shown}");
    assert!(shown.contains("expires"), "{shown}");
    for bearer in world.sandbox.bearer_tokens() {
        assert!(!shown.contains(&bearer), "the token is never shown");
    }
    let json = world.lwtokens(&["--json", "token-cache", "show"]).json();
    assert_eq!(json["bearers"][0]["key_id"], world.sandbox.key_id());

    assert!(world.lwtokens(&["token-cache", "clear"]).ok().contains("removed 1 cached bearer token"));
    world.lwtokens(&["agent", "list"]).ok();
    assert_eq!(world.exchanges(), 2, "after clear, the next run exchanges");

    world.lwtokens(&["--no-token-cache", "agent", "list"]).ok();
    let env = [("LW_API_SECRET", world.sandbox.secret()), ("LWTOKENS_NO_TOKEN_CACHE", "1")];
    let args = ["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id(), "agent", "list"];
    run_in(world.home.path(), &env, &args).ok();
    assert_eq!(world.exchanges(), 4, "without the cache, each run exchanges");
}

#[test]
fn a_bearer_from_the_environment_beats_the_profiles_key_and_costs_no_exchange() {
    let world = World::start();
    let profile = format!(
        "[default]\naccount = \"acme\"\napi_key = \"{}\"\napi_secret = \"{}\"\nversion = 2\n",
        world.sandbox.key_id(),
        world.sandbox.secret()
    );
    std::fs::write(world.home.path().join(".lacework.toml"), profile).unwrap();
    let bearer = world.lwtokens(&["--no-token-cache", "api-token"]).ok();
    let bearer = bearer.trim();
    assert_eq!(world.exchanges(), 1);

    let env = [("LW_API_SERVER_URL", world.sandbox.base_url()), ("LW_API_TOKEN", bearer)];
    for _ in 0..3 {
        run_in(world.home.path(), &env, &["agent", "list"]).ok();
    }
    assert_eq!(world.exchanges(), 1, "`export LW_API_TOKEN=$(lwtokens api-token)` saves every exchange");
}
