//! `lwtokens agent ...` against a sandbox: every command, its table and its JSON kept as golden
//! files, and what it changed read back through the facade.

mod support;

use support::World;

#[test]
fn list_show_and_search() {
    let world = World::start();
    golden!("agent_list", world.lwtokens(&["agent", "list"]).ok());
    golden!("agent_list_json", world.lwtokens(&["agent", "list", "--json"]).ok());

    // By value, by alias and by the start of the value, as a list prints it.
    let staging = world.agent_token("staging");
    let by_value = world.lwtokens(&["agent", "show", &staging]).ok();
    assert!(by_value.contains(&staging), "show prints the full token:\n{by_value}");
    golden!("agent_show", by_value);
    let by_alias = world.lwtokens(&["agent", "show", "alias:staging", "--json"]);
    assert_eq!(by_alias.json()["token"], staging.as_str());
    golden!("agent_show_json", by_alias.stdout);
    let hint = format!("{}…", &staging[..8]);
    assert!(world.lwtokens(&["agent", "show", &hint]).ok().contains(&staging));
    let dots = format!("{}...", &staging[..10]);
    assert!(world.lwtokens(&["agent", "show", &dots]).ok().contains(&staging));

    golden!("agent_search_alias_like", world.lwtokens(&["agent", "search", "--alias-like", "prod-%"]).ok());
    golden!(
        "agent_search_filters_json",
        world.lwtokens(&["agent", "search", "--filter", "enabled:eq:false", "--json"]).ok()
    );
    let window = "created:between:2024-04-01T00:00:00Z,2024-06-30T00:00:00Z";
    let found =
        world.lwtokens(&["agent", "search", "--filter", window, "--filter", "alias:not_like:ci-%"]).ok();
    golden!("agent_search_created_between", found);
    let none = world.lwtokens(&["agent", "search", "--alias-like", "nothing-%"]).ok();
    assert_eq!(none, "no agent tokens\n");
    assert_eq!(world.lwtokens(&["agent", "search", "--alias-like", "nothing-%", "--json"]).ok(), "[]\n");
}

#[test]
fn create_update_enable_and_disable_one_token() {
    let world = World::start();
    let created = world
        .lwtokens(&[
            "agent",
            "create",
            "qa",
            "--description",
            "QA group",
            "--os",
            "linux",
            "--subscription",
            "standard",
        ])
        .ok();
    golden!("agent_create", created);
    let qa = world.agent_token("qa");
    assert!(created.contains(&qa), "create prints the full token");

    let off = world.lwtokens(&["agent", "create", "qa-off", "--disabled", "--os", "windows", "--json"]);
    let (json, value) = (off.json(), world.agent_token("qa-off"));
    assert_eq!((json["enabled"].as_bool(), json["token"].as_str()), (Some(false), Some(value.as_str())));
    golden!("agent_create_json", off.stdout);

    // Only what is given is sent: a rename keeps the token enabled.
    let renamed = world.lwtokens(&["agent", "update", &qa, "--alias", "qa-linux"]).ok();
    golden!("agent_update", renamed);
    assert!(!renamed.contains(&qa), "update prints the token shortened");
    let described = world.lwtokens(&[
        "agent",
        "update",
        "alias:qa-linux",
        "--description",
        "QA Linux",
        "--disable",
        "--json",
    ]);
    golden!("agent_update_json", described.ok());
    let token = world.block_on(world.client.agent_tokens().get(qa.as_str())).unwrap();
    assert_eq!(
        (token.alias.as_str(), token.description.as_deref(), token.enabled),
        ("qa-linux", Some("QA Linux"), false)
    );

    golden!("agent_enable", world.lwtokens(&["agent", "enable", &qa]).ok());
    assert!(world.block_on(world.client.agent_tokens().get(qa.as_str())).unwrap().enabled);
    golden!("agent_disable_json", world.lwtokens(&["agent", "disable", "alias:qa-linux", "--json"]).ok());
    assert!(!world.block_on(world.client.agent_tokens().get(qa.as_str())).unwrap().enabled);
}

#[test]
fn bulk_disable_and_enable_by_alias_pattern() {
    let world = World::start();
    let enabled = |alias: &str| {
        let tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
        tokens.iter().find(|t| t.alias == alias).unwrap().enabled
    };

    let dry = world.lwtokens(&["agent", "disable", "--alias-like", "ci-%", "--dry-run"]).ok();
    golden!("agent_disable_bulk_dry_run", dry);
    assert!(enabled("ci-runners"), "a dry run changes nothing");

    let report = world.lwtokens(&["agent", "disable", "--alias-like", "ci-%"]);
    // The plan, and no progress bar: stderr is not a terminal.
    assert_eq!(
        report.stderr,
        "plan: 1 of 2 selected tokens to disable, 1 request; budget 480 per 1h, 477 left in this window: fits\n"
    );
    golden!("agent_disable_bulk", report.ok());
    assert!(!enabled("ci-runners") && !enabled("ci-legacy"));
    assert!(enabled("staging"), "only matches are touched");

    golden!(
        "agent_enable_bulk_json",
        world.lwtokens(&["agent", "enable", "--alias-like", "ci-%", "--json"]).ok()
    );
    assert!(enabled("ci-runners") && enabled("ci-legacy"));

    let none = world.lwtokens(&["agent", "enable", "--alias-like", "nothing-%"]).ok();
    assert_eq!(none, "no agent token's alias matches \"nothing-%\"\n");
}
