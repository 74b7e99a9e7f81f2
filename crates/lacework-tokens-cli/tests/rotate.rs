//! `agent rotate`: the replacement is created once, shown once, and the old token is disabled
//! only with --disable-old and only after the replacement exists, also under injected faults
//! between the steps (counted in the sandbox's journal).

mod support;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::World;

/// Requests the journal holds for `operation`.
fn sent(world: &World, operation: &str) -> usize {
    world.sandbox.journal().iter().filter(|e| e.operation == Some(operation)).count()
}

/// The tokens with `alias`: (value, enabled, description).
fn with_alias(world: &World, alias: &str) -> Vec<(String, bool, Option<String>)> {
    let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    tokens
        .into_iter()
        .filter(|t| t.alias == alias)
        .map(|t| (t.token.expose_secret().to_owned(), t.enabled, t.description))
        .collect()
}

#[test]
fn rotation_creates_the_replacement_then_disables_the_old_one() {
    let world = World::start();
    let old = world.agent_token("ci-runners");
    world.sandbox.clear_journal();
    let run = world.lwtokens(&["agent", "rotate", "alias:ci-runners", "--disable-old"]).ok();
    let tokens = with_alias(&world, "ci-runners");
    assert_eq!(tokens.len(), 2);
    let new = tokens.iter().find(|t| t.0 != old).unwrap();
    assert!(run.contains(&new.0), "the new value is shown once:\n{run}");
    assert!(!run.contains(&old), "the old value is not shown");
    assert!(new.1, "the replacement is enabled");
    assert_eq!(new.2.as_deref(), Some("Ephemeral CI runners"), "the description is kept");
    assert!(!tokens.iter().find(|t| t.0 == old).unwrap().1, "the old one is disabled");
    assert_eq!(
        (sent(&world, ops::CREATE_AGENT_ACCESS_TOKEN.id), sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id)),
        (1, 1)
    );
    let order: Vec<_> = world.sandbox.journal().iter().filter_map(|e| e.operation).collect();
    let create = order.iter().position(|o| *o == ops::CREATE_AGENT_ACCESS_TOKEN.id).unwrap();
    let update = order.iter().position(|o| *o == ops::UPDATE_AGENT_ACCESS_TOKEN.id).unwrap();
    assert!(create < update, "the old token is disabled after the replacement exists");

    // Without --disable-old, the old one stays enabled; an alias naming several tokens is listed.
    let ambiguous = world.lwtokens(&["agent", "rotate", "alias:ci-runners"]).fails(2);
    assert!(ambiguous.contains("2 agent tokens have the alias \"ci-runners\""), "{ambiguous}");
    assert!(ambiguous.contains("enabled") && ambiguous.contains("disabled") && ambiguous.contains("created"));
}

#[test]
fn a_failed_create_changes_nothing_and_is_not_repeated() {
    let world = World::start();
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 503, retry_after: Some(0) })
            .only(ops::CREATE_AGENT_ACCESS_TOKEN.id),
    );
    world.sandbox.clear_journal();
    let message = world.lwtokens(&["agent", "rotate", "alias:ci-runners", "--disable-old"]).fails(1);
    assert!(message.contains("rotation failed creating the replacement"), "{message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(sent(&world, ops::CREATE_AGENT_ACCESS_TOKEN.id), 1, "a create is sent at most once");
    assert_eq!(sent(&world, ops::UPDATE_AGENT_ACCESS_TOKEN.id), 0, "the old one is not disabled");
    assert!(with_alias(&world, "ci-runners").iter().all(|t| t.1));
}

#[test]
fn a_failed_disable_reports_that_the_replacement_exists() {
    let world = World::start();
    let old = world.agent_token("ci-runners");
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None })
            .only(ops::UPDATE_AGENT_ACCESS_TOKEN.id),
    );
    world.sandbox.clear_journal();
    let run = world.lwtokens(&["agent", "rotate", "alias:ci-runners", "--disable-old"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("rotation failed disabling the old token"), "{}", run.stderr);
    assert!(run.stderr.contains("the replacement exists and the old token is still enabled"));
    let tokens = with_alias(&world, "ci-runners");
    assert_eq!(tokens.len(), 2, "one replacement");
    let new = tokens.iter().find(|t| t.0 != old).unwrap();
    assert!(run.stdout.contains(&new.0), "the new value is still delivered");
    assert!(!run.stderr.contains(&old) && !run.stderr.contains(&new.0), "no value in the error");
    assert_eq!(sent(&world, ops::CREATE_AGENT_ACCESS_TOKEN.id), 1);
}

#[test]
fn the_output_file_is_private_and_never_overwritten_without_force() {
    let world = World::start();
    let file = world.home.path().join("new-token");
    let path = file.to_str().unwrap();
    let run = world.lwtokens(&["agent", "rotate", "alias:dev-laptops", "--output-file", path]).ok();
    let value = std::fs::read_to_string(&file).unwrap();
    let value = value.trim_end();
    assert_eq!(value.len(), 56, "the value, then a newline");
    assert!(!run.contains(value), "printed only to the file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    world.sandbox.clear_journal();
    let refused =
        world.lwtokens(&["agent", "rotate", "alias:prod-linux-fleet", "--output-file", path]).fails(2);
    assert!(refused.contains("exists: add --force to replace it"), "{refused}");
    assert!(world.sandbox.journal().is_empty(), "refused before any request");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim_end(), value, "left as it was");

    // A rotation that fails leaves the file, and the secret in it, as it was, even with --force.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None })
            .only(ops::CREATE_AGENT_ACCESS_TOKEN.id)
            .times(10),
    );
    let args = ["agent", "rotate", "alias:prod-linux-fleet", "--output-file", path, "--force"];
    world.lwtokens(&args).fails(1);
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim_end(), value, "kept after a failed rotation");
    let leftovers = std::fs::read_dir(world.home.path()).unwrap().filter(|e| {
        let name = e.as_ref().unwrap().file_name();
        name.to_string_lossy().starts_with(".tmp")
    });
    assert_eq!(leftovers.count(), 0, "no temporary file left behind");
    world.sandbox.clear_faults();

    world.lwtokens(&args).ok();
    assert_ne!(std::fs::read_to_string(&file).unwrap().trim_end(), value, "replaced with --force");
}

/// The access tokens named `name`: (id, status).
fn access_named(world: &World, name: &str) -> Vec<(String, Option<lacework_tokens::Status>)> {
    let tokens = world.block_on(world.client.access_tokens().list()).unwrap();
    tokens
        .into_iter()
        .filter(|t| t.name.as_deref() == Some(name))
        .map(|t| (t.id.to_string(), t.status))
        .collect()
}

#[test]
fn access_rotation_deactivates_or_deletes_the_old_token_after_the_new_one_exists() {
    use lacework_tokens::Status;
    let world = World::start();
    let old = world.access_token_id("terraform");
    world.sandbox.clear_journal();
    let run = world.lwtokens(&["access", "rotate", "name:terraform", "--deactivate-old", "--json"]);
    let json = run.json();
    let order: Vec<_> = world
        .sandbox
        .journal()
        .iter()
        .filter_map(|e| e.operation)
        .filter(|o| *o != ops::CREATE_API_TOKEN.id)
        .collect();
    assert_eq!(
        order,
        [ops::LIST_ACCESS_TOKENS.id, ops::CREATE_ACCESS_TOKEN.id, ops::PATCH_ACCESS_TOKEN.id],
        "create, then retire"
    );
    let tokens = access_named(&world, "terraform");
    assert_eq!(tokens.len(), 2, "one replacement");
    assert_eq!(tokens.iter().find(|t| t.0 == old).unwrap().1, Some(Status::Inactive));
    assert_eq!(json["secret"].as_str().map(str::len), Some(64), "the new secret, once: {json}");

    // A failed delete leaves the old token and reports the replacement.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None }).only(ops::DELETE_ACCESS_TOKEN.id),
    );
    let dashboards = world.access_token_id("dashboards");
    let failed = world.lwtokens(&["access", "rotate", "name:dashboards", "--delete-old"]);
    assert_eq!(failed.code, 1, "{failed:?}");
    assert!(failed.stderr.contains("rotation failed retiring the old token"), "{}", failed.stderr);
    assert!(failed.stderr.contains("the replacement exists"), "{}", failed.stderr);
    let tokens = access_named(&world, "dashboards");
    assert_eq!(tokens.len(), 2);
    assert!(tokens.iter().any(|t| t.0 == dashboards), "the old one is still there");

    // A failed create retires nothing.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None }).only(ops::CREATE_ACCESS_TOKEN.id),
    );
    world.sandbox.clear_journal();
    let message = world.lwtokens(&["access", "rotate", &old, "--delete-old"]);
    let message = message.fails(1);
    assert!(message.contains("rotation failed creating the replacement"), "{message}");
    assert_eq!(
        world.sandbox.journal().iter().filter(|e| e.operation == Some(ops::DELETE_ACCESS_TOKEN.id)).count(),
        0
    );
}
