//! Bulk jobs against an account's request budget: what they cost (counted in the sandbox's
//! journal, against the fewest requests the API allows), pacing under a budget the sandbox
//! enforces, and clean stops that a rerun finishes.

mod support;

use std::time::Duration;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::RateLimit;
use support::World;

/// How many tokens whose alias `matches` are enabled (the sandbox creates every seventh bulk
/// token disabled).
fn enabled(world: &World, matches: impl Fn(&str) -> bool) -> usize {
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    tokens.iter().filter(|t| matches(&t.alias) && t.enabled).count()
}

/// Requests the journal holds for `operation`.
fn sent(world: &World, operation: &str) -> usize {
    world.sandbox.journal().iter().filter(|e| e.operation == Some(operation)).count()
}

#[test]
fn disabling_a_thousand_of_twenty_thousand_costs_the_search_pages_and_the_updates() {
    let world = World::start();
    world.sandbox.insert_agent_tokens("", "bulk-", 20_000);
    world.sandbox.set_page_size(300);
    // An account allowed more than the job needs in one window: this test counts, not paces.
    world.sandbox.set_rate_limit(RateLimit {
        limit: 100_000,
        window: Duration::from_secs(3600),
        enforce: false,
    });
    // bulk-1000 ..= bulk-1999
    let to_disable = enabled(&world, |alias| alias.len() == 9 && alias.starts_with("bulk-1"));
    world.sandbox.clear_journal();
    let run = world.lwtokens(&["--budget", "100000/1h", "agent", "disable", "--alias-like", "bulk-1___"]);
    let plan = format!("plan: {to_disable} of 1000 selected tokens to disable, {to_disable} requests");
    assert!(run.stderr.starts_with(&plan), "{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (exchanges, pages, updates) = (
        sent(&world, ops::CREATE_API_TOKEN.id),
        sent(&world, ops::SEARCH_AGENT_ACCESS_TOKENS.id),
        sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id),
    );
    let next_pages =
        world.sandbox.journal().iter().filter(|e| e.raw_path.starts_with("/api/v2/_pages/")).count();
    assert_eq!((exchanges, pages, next_pages, updates), (1, 1, 3, to_disable));
    assert_eq!(
        world.sandbox.journal().len(),
        1 + 4 + to_disable,
        "1.00 of the fewest requests the API allows"
    );
    assert_eq!(sent(&world, ops::GET_AGENT_ACCESS_TOKEN.id), 0, "no list-then-get pairs");

    // Again: everything is already disabled, so only the (cached) bearer and the search are spent.
    world.sandbox.clear_journal();
    world.lwtokens(&["--budget", "100000/1h", "agent", "disable", "--alias-like", "bulk-1___"]).ok();
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), 0, "no update that changes nothing");
    assert_eq!(sent(&world, ops::CREATE_API_TOKEN.id), 0, "the cached bearer is reused");
}

#[test]
fn a_job_four_times_the_window_finishes_paced_without_a_429() {
    let world = World::start();
    world.sandbox.insert_agent_tokens("", "bulk-", 2_000);
    let to_disable = enabled(&world, |alias| alias.starts_with("bulk-"));
    world.sandbox.set_rate_limit(RateLimit { limit: 480, window: Duration::from_secs(1), enforce: true });
    world.sandbox.clear_journal();
    let run = world.lwtokens(&["--budget", "480/1s", "agent", "disable", "--alias-like", "bulk-%"]);
    assert!(run.stderr.contains("paced over later windows"), "{}", run.stderr);
    assert!(run.stderr.contains("waiting"), "the waits are announced: {}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let journal = world.sandbox.journal();
    assert!(journal.iter().all(|e| e.status != Some(429)), "no request above the budget");
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), to_disable);
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    assert!(tokens.iter().filter(|t| t.alias.starts_with("bulk-")).all(|t| !t.enabled));
}

#[test]
fn max_requests_stops_cleanly_and_the_same_command_finishes_the_job() {
    let world = World::start();
    world.sandbox.insert_agent_tokens("", "batch-", 10);
    let to_disable = enabled(&world, |alias| alias.starts_with("batch-"));
    world.sandbox.clear_journal();
    // The exchange, the search and 3 updates.
    let stopped = world.lwtokens(&["agent", "disable", "--alias-like", "batch-%", "--max-requests", "5"]);
    assert_eq!(stopped.code, 3, "{}", stopped.stderr);
    let left = to_disable - 3;
    assert!(
        stopped.stderr.contains(&format!(
            "error: stopped by the request budget (the 5 requests allowed to this run are spent): 3 disabled, \
             {left} left; run the same command with --resume to go on"
        )),
        "{}",
        stopped.stderr
    );
    assert_eq!(world.sandbox.journal().len(), 5, "nothing past the cap was sent");

    // Without --resume, the unfinished job's journal is not overwritten.
    let refused = world.lwtokens(&["agent", "disable", "--alias-like", "batch-%"]).fails(2);
    assert!(refused.contains("add --resume to finish it"), "{refused}");
    world.lwtokens(&["agent", "disable", "--alias-like", "batch-%", "--resume"]).ok();
    assert_eq!(
        sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id),
        to_disable,
        "every token updated exactly once"
    );
    assert_eq!(sent(&world, ops::SEARCH_AGENT_ACCESS_TOKENS.id), 1, "the resumed run does not search again");
}

#[test]
fn no_wait_refuses_a_job_larger_than_the_window_before_it_starts() {
    let world = World::start();
    world.sandbox.insert_agent_tokens("", "batch-", 10);
    let to_disable = enabled(&world, |alias| alias.starts_with("batch-"));
    world.sandbox.clear_journal();
    let refused =
        world.lwtokens(&["--budget", "8/1h", "agent", "disable", "--alias-like", "batch-%", "--no-wait"]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    // 8 a window, the search spent one.
    let expected = format!("error: not started: {to_disable} requests needed, 7 left in this window");
    assert!(refused.stderr.contains(&expected), "{}", refused.stderr);
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), 0);

    let dry =
        world.lwtokens(&["--budget", "8/1h", "agent", "disable", "--alias-like", "batch-%", "--dry-run"]);
    assert!(dry.stderr.contains("paced over later windows"), "{}", dry.stderr);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), 0, "a dry run only plans");
}

#[test]
fn single_commands_fetch_nothing_they_already_have_and_send_no_empty_update() {
    let world = World::start();
    world.sandbox.clear_journal();
    // ci-legacy is disabled in the demo data: the search finds it as it is.
    world.lwtokens(&["agent", "disable", "alias:ci-legacy"]).ok();
    assert_eq!(
        sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id),
        0,
        "disabling a disabled token sends nothing"
    );
    world.lwtokens(&["agent", "enable", "alias:ci-legacy"]).ok();
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), 1);

    let name = world.block_on(world.client.access_tokens().list()).unwrap()[0].name.clone().unwrap();
    world.sandbox.clear_journal();
    let shown = world.lwtokens(&["access", "show", &format!("name:{name}")]).ok();
    assert!(shown.contains(&name));
    assert_eq!(
        (sent(&world, ops::LIST_ACCESS_TOKENS.id), sent(&world, ops::GET_ACCESS_TOKEN.id)),
        (1, 0),
        "no list-then-get"
    );
}
