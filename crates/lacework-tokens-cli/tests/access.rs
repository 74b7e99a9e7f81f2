//! `lwtokens access ...` and `lwtokens api-token` against a sandbox: every command, its table and
//! its JSON kept as golden files, and what it changed read back through the facade.

mod support;

use lacework_tokens::Status;
use support::World;

#[test]
fn list_show_create_update_and_delete() {
    let world = World::start();
    golden!("access_list", world.lwtokens(&["access", "list"]).ok());
    golden!("access_list_json", world.lwtokens(&["access", "list", "--json"]).ok());

    let terraform = world.access_token_id("terraform");
    let shown = world.lwtokens(&["access", "show", &terraform]).ok();
    assert_eq!(world.lwtokens(&["access", "show", "name:terraform"]).ok(), shown, "by id or by name");
    golden!("access_show", shown);
    golden!("access_show_json", world.lwtokens(&["access", "show", &terraform, "--json"]).ok());

    let created = world.lwtokens(&["access", "create", "pipeline", "--scope", "devices,devices.state"]);
    assert_eq!(created.stderr, "note: the secret is shown only this once; store it now\n");
    let created = created.ok();
    assert!(created.lines().any(|line| line.starts_with("secret ")), "the secret is printed:\n{created}");
    golden!("access_create", created);
    let created =
        world.lwtokens(&["access", "create", "ci", "--scope", "devices", "--expires", "30d", "--json"]);
    let json = created.json();
    assert_eq!(json["secret"].as_str().map(str::len), Some(64), "{created:?}");
    let expires = chrono::DateTime::parse_from_rfc3339(json["expires_at"].as_str().unwrap()).unwrap();
    assert!((expires.to_utc() - chrono::Utc::now() - chrono::Duration::days(30)).num_seconds().abs() < 60);
    golden!("access_create_json", created.stdout);

    let ci = world.access_token_id("ci");
    let updated = world.lwtokens(&["access", "update", &ci, "--name", "ci-2", "--status", "inactive"]).ok();
    assert!(!updated.contains("secret"), "the secret is printed only by create:\n{updated}");
    golden!("access_update", updated);
    golden!(
        "access_update_json",
        world.lwtokens(&["access", "update", &ci, "--status", "active", "--json"]).ok()
    );
    let token = world.block_on(world.client.access_tokens().get(&ci)).unwrap();
    assert_eq!((token.name.as_deref(), token.status), (Some("ci-2"), Some(Status::Active)));

    golden!("access_delete", world.lwtokens(&["access", "delete", &ci]).ok());
    let pipeline = world.access_token_id("pipeline");
    golden!("access_delete_json", world.lwtokens(&["access", "delete", &pipeline, "--json"]).ok());
    let left = world.block_on(world.client.access_tokens().list()).unwrap();
    assert_eq!(
        left.iter().map(|t| t.name.as_deref().unwrap()).collect::<Vec<_>>(),
        ["terraform", "dashboards"]
    );
}

#[test]
fn api_token_prints_a_working_bearer() {
    let world = World::start();
    let bearer = world.lwtokens(&["api-token", "--expiry-seconds", "120"]).ok();
    let bearer = bearer.strip_suffix('\n').expect("one line");
    assert!(
        world.sandbox.bearer_tokens().iter().any(|issued| issued == bearer),
        "a bearer the server issued"
    );
    golden!("api_token", format!("{bearer}\n"));

    // It works as LW_API_TOKEN.
    let env = [("LW_API_SERVER_URL", world.sandbox.base_url()), ("LW_API_TOKEN", bearer)];
    let listed = support::run_in(world.home.path(), &env, &["agent", "list"]).ok();
    assert!(listed.contains("prod-linux-fleet"));

    let issued = world.lwtokens(&["api-token", "-d", "60", "--json"]);
    let json = issued.json();
    let expires = chrono::DateTime::parse_from_rfc3339(json["expires_at"].as_str().unwrap()).unwrap();
    assert!((expires.to_utc() - chrono::Utc::now()).num_seconds() <= 60);
    golden!("api_token_json", issued.stdout);
}
