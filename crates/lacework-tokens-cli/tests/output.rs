//! What people see: table cells capped (JSON keeps whole values), `-v` naming where the client
//! connects, and `RUST_LOG` working as Rust users expect.

mod support;

use support::{World, run_in};

#[test]
fn a_huge_alias_is_cut_in_tables_and_whole_in_json() {
    let world = World::start();
    let alias = format!("huge-{}", "x".repeat(10_000));
    world.block_on(world.client.agent_tokens().create(alias.clone()).send()).unwrap();
    let table = world.lwtokens(&["agent", "list"]).ok();
    let longest = table.lines().map(|line| line.chars().count()).max().unwrap();
    assert!(longest < 400, "a table line is {longest} characters long");
    assert!(table.contains("huge-xxx") && table.contains('…'), "{table}");
    let json = world.lwtokens(&["--json", "agent", "list"]).json();
    let aliases: Vec<&str> = json.as_array().unwrap().iter().map(|t| t["alias"].as_str().unwrap()).collect();
    assert!(aliases.contains(&alias.as_str()), "JSON keeps the whole alias");
}

#[test]
fn verbose_names_the_host_and_rust_log_is_honoured() {
    let world = World::start();
    let verbose = world.lwtokens(&["-v", "agent", "list"]);
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    assert!(
        verbose.stderr.contains("connecting") && verbose.stderr.contains(world.sandbox.base_url()),
        "{}",
        verbose.stderr
    );
    assert!(verbose.stderr.contains(world.sandbox.key_id()), "{}", verbose.stderr);

    let args = ["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id(), "agent", "list"];
    let env = [("LW_API_SECRET", world.sandbox.secret()), ("RUST_LOG", "lwtokens=debug")];
    let logged = run_in(world.home.path(), &env, &args);
    assert_eq!(logged.code, 0, "{}", logged.stderr);
    assert!(logged.stderr.contains("connecting"), "RUST_LOG turns the log on without -v: {}", logged.stderr);
    assert!(!logged.stderr.contains(world.sandbox.secret()), "no secret in the log");
}

#[test]
fn a_connection_error_names_the_host() {
    let home = tempfile::TempDir::new().unwrap();
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base_url = format!("http://127.0.0.1:{port}");
    let args =
        ["--base-url", base_url.as_str(), "--api-token", "a-bearer-of-my-own-0123456789", "agent", "list"];
    let error = run_in(home.path(), &[], &args).fails(1);
    assert!(error.contains("transport error (connection to 127.0.0.1)"), "{error}");
    assert!(!error.contains("a-bearer-of-my-own"), "{error}");
}
