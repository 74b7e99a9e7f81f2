//! No secret (the API key's secret, a bearer token, an agent token's value, an access token's
//! secret) appears in what `lwtokens` prints, at any verbosity, on success or failure, unless
//! the command exists to print that very secret: `agent show` and `agent create` their token,
//! `access create` its secret, `api-token` its bearer.

mod support;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::{Run, World, run_in};

/// One run's output and the secrets it may print (and, when it succeeds, must).
struct Printed {
    what: String,
    output: String,
    succeeded: bool,
    allowed: Vec<String>,
}

#[test]
fn no_secret_reaches_any_output_unless_the_command_prints_it() {
    let world = World::start();
    let secret = world.sandbox.secret().to_owned();
    let staging = world.agent_token("staging");
    let mut printed: Vec<Printed> = Vec::new();
    let mut record = |args: &[&str], run: Run, allowed: Vec<String>| {
        printed.push(Printed {
            what: args.join(" "),
            output: format!("{}\n{}", run.stdout, run.stderr),
            succeeded: run.code == 0,
            allowed,
        });
    };

    for verbosity in [None, Some("-v"), Some("-vv")] {
        let with = |args: &[&'static str]| -> Vec<&'static str> {
            verbosity.into_iter().chain(args.iter().copied()).collect()
        };
        for args in [
            with(&["agent", "list"]),
            with(&["agent", "list", "--json"]),
            with(&["agent", "search", "--alias-like", "%"]),
            with(&["agent", "search", "--filter", "token:like:%", "--json"]),
            with(&["agent", "update", "alias:staging", "--description", "staging hosts"]),
            with(&["agent", "disable", "alias:staging"]),
            with(&["agent", "enable", "alias:staging", "--json"]),
            with(&["agent", "disable", "--alias-like", "ci-%", "--dry-run"]),
            with(&["agent", "enable", "--alias-like", "ci-%", "--json"]),
            with(&["access", "list"]),
            with(&["access", "show", "name:terraform", "--json"]),
            with(&["access", "update", "name:dashboards", "--status", "inactive"]),
        ] {
            let run = world.lwtokens(&args);
            assert_eq!(run.code, 0, "{args:?}: {run:?}");
            record(&args, run, vec![]);
        }

        // The commands that exist to print a secret print only theirs.
        let show = with(&["agent", "show", "alias:staging"]);
        record(&show, world.lwtokens(&show), vec![staging.clone()]);
        let hint = format!("{}…", &staging[..8]);
        let by_hint: Vec<&str> =
            verbosity.into_iter().chain(["agent", "show", hint.as_str(), "--json"]).collect();
        record(&by_hint, world.lwtokens(&by_hint), vec![staging.clone()]);
        let create = with(&["agent", "create", "new-one", "--json"]);
        let run = world.lwtokens(&create);
        let value = run.json()["token"].as_str().unwrap().to_owned();
        record(&create, run, vec![value]);
        let access = with(&["access", "create", "pipeline", "--json"]);
        let run = world.lwtokens(&access);
        let access_secret = run.json()["secret"].as_str().unwrap().to_owned();
        record(&access, run, vec![access_secret]);
        let issue = with(&["api-token"]);
        let run = world.lwtokens(&issue);
        let bearer = run.stdout.trim().to_owned();
        record(&issue, run, vec![bearer]);

        // Failures: a missing token (its value is in the URL path), a server error, a dropped
        // connection, an answer that does not decode, a wrong secret, and bad usage with a secret
        // on the command line.
        let missing = "0123456789abcdef".repeat(4)[..56].to_owned();
        let args: Vec<&str> = verbosity.into_iter().chain(["agent", "show", missing.as_str()]).collect();
        record(&args, world.lwtokens(&args), vec![]);
        world.sandbox.inject(FaultRule::new(Fault::HtmlPage(500)).only(ops::UPDATE_AGENT_ACCESS_TOKEN.id));
        let args: Vec<&str> = verbosity.into_iter().chain(["agent", "disable", staging.as_str()]).collect();
        record(&args, world.lwtokens(&args), vec![]);
        world
            .sandbox
            .inject(FaultRule::new(Fault::DropConnection).times(4).only(ops::GET_AGENT_ACCESS_TOKEN.id));
        let args: Vec<&str> = verbosity.into_iter().chain(["agent", "show", staging.as_str()]).collect();
        record(&args, world.lwtokens(&args), vec![staging.clone()]);
        world.sandbox.inject(FaultRule::new(Fault::MalformedBody).only(ops::GET_AGENT_ACCESS_TOKEN.id));
        record(&args, world.lwtokens(&args), vec![staging.clone()]);
        let wrong: Vec<&str> = ["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id()]
            .into_iter()
            .chain(verbosity)
            .chain(["--api-secret", "_wrong-secret-value-0123456789", "agent", "list"])
            .collect();
        record(&wrong, run_in(world.home.path(), &[], &wrong), vec![]);
        let usage: Vec<&str> = verbosity
            .into_iter()
            .chain(["--api-secret", secret.as_str(), "--bogus", "agent", "list"])
            .collect();
        record(&usage, run_in(world.home.path(), &[], &usage), vec![]);
        let config: Vec<&str> =
            verbosity.into_iter().chain(["--api-secret", secret.as_str(), "agent", "list"]).collect();
        record(&config, run_in(world.home.path(), &[], &config), vec![]);
    }

    let mut secrets = vec![secret, "_wrong-secret-value-0123456789".to_owned()];
    secrets.extend(world.sandbox.bearer_tokens());
    let agent_tokens = world.block_on(world.client.agent_tokens().list()).unwrap();
    secrets.extend(agent_tokens.iter().map(|t| t.token.expose_secret().to_owned()));
    secrets.extend(printed.iter().flat_map(|p| p.allowed.clone()));
    assert!(secrets.len() > 30, "bearers, agent tokens and access secrets were all collected");

    let verbose = printed.iter().filter(|p| p.what.starts_with("-vv")).map(|p| p.output.len()).sum::<usize>();
    assert!(verbose > 10_000, "-vv printed the client's traces");
    for p in &printed {
        for secret in secrets.iter().filter(|s| !p.allowed.contains(s)) {
            let head = &secret[..16];
            assert!(
                !p.output.contains(head),
                "`lwtokens {}` printed (part of) a secret:\n{}",
                p.what,
                p.output
            );
        }
        for allowed in p.allowed.iter().filter(|_| p.succeeded) {
            assert!(p.output.contains(allowed.as_str()), "`lwtokens {}` prints its own secret", p.what);
        }
    }
}
