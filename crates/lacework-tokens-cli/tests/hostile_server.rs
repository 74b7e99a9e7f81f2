//! Hostile servers, as the command line meets them: text from a server never reaches the
//! terminal unescaped (tables, the progress bar, `-v` logs, `error:` lines, the bearer of
//! `api-token`) while `--json` stays exact; and a loopback base URL never goes through a proxy,
//! while other hosts go through the environment's proxies as reqwest users expect.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::faults::CONTROL_SEQUENCE;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::{World, run_in};

/// What a terminal would act on.
fn assert_terminal_safe(text: &str) {
    for c in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!text.contains(c), "{c:?} reaches the terminal: {text:?}");
    }
}

#[test]
fn tables_show_control_characters_escaped_and_json_keeps_them() {
    let world = World::start();
    world.sandbox.inject(FaultRule::new(Fault::ControlCharacters).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let table = world.lwtokens(&["agent", "list"]).ok();
    assert_terminal_safe(&table);
    assert!(table.contains(r"\u{1b}]0;owned\u{7}\r\u{1b}[2K"), "{table}");

    world.sandbox.inject(FaultRule::new(Fault::ControlCharacters).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let json = world.lwtokens(&["--json", "agent", "list"]).json();
    let alias = json[0]["alias"].as_str().unwrap();
    assert!(alias.ends_with(CONTROL_SEQUENCE), "JSON is exact: {alias:?}");
}

#[test]
fn bulk_results_and_verbose_logs_show_control_characters_escaped() {
    let world = World::start();
    world.sandbox.inject(FaultRule::new(Fault::ControlCharacters).only(ops::SEARCH_AGENT_ACCESS_TOKENS.id));
    // The updates fail one by one (a 400 does not stop the run), so each is logged at -v.
    world.sandbox.inject(
        FaultRule::new(Fault::Status { status: 400, retry_after: None })
            .times(100)
            .only(ops::UPDATE_AGENT_ACCESS_TOKEN.id),
    );
    let run = world.lwtokens(&["-v", "agent", "disable", "--alias-like", "%"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_terminal_safe(&run.stdout);
    assert_terminal_safe(&run.stderr);
    assert!(run.stdout.contains(r"\u{1b}"), "{}", run.stdout);
    assert!(run.stderr.contains("switch failed") && run.stderr.contains(r"\u{1b}"), "{}", run.stderr);
}

#[test]
fn a_bearer_with_control_characters_is_a_server_error_not_a_usage_error() {
    let world = World::start();
    world.sandbox.inject(FaultRule::new(Fault::ControlCharacters).only(ops::CREATE_API_TOKEN.id));
    let line = world.lwtokens(&["api-token"]).fails(1);
    assert_terminal_safe(&line);
    assert!(line.contains(ops::CREATE_API_TOKEN.id) && line.contains("bearer token"), "{line}");
}

/// A proxy that records what it is sent and refuses every request.
struct FakeProxy {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start() -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            for mut socket in listener.incoming().flatten() {
                let mut buffer = [0u8; 8192];
                let n = socket.read(&mut buffer).unwrap_or(0);
                log.lock().unwrap().push(String::from_utf8_lossy(&buffer[..n]).into_owned());
                let _ = socket.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            }
        });
        FakeProxy { url, received }
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

#[test]
fn a_loopback_base_url_never_goes_through_a_proxy() {
    let world = World::start();
    let proxy = FakeProxy::start();
    let args = ["--base-url", world.sandbox.base_url(), "--api-key", world.sandbox.key_id(), "agent", "list"];
    let mut env = vec![("LW_API_SECRET", world.sandbox.secret())];
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        env.push((name, proxy.url.as_str()));
    }
    run_in(world.home.path(), &env, &args).ok();
    assert!(proxy.received().is_empty(), "the proxy saw: {:?}", proxy.received());
}

#[test]
fn other_hosts_go_through_the_environments_proxy_unless_no_proxy_says_otherwise() {
    let world = World::start();
    let proxy = FakeProxy::start();
    let secret = "proxy-test.secret+/=";
    let args = ["--base-url", "https://acme.lacework.invalid", "--api-key", "KEY", "agent", "list"];
    let env = [("LW_API_SECRET", secret), ("HTTPS_PROXY", proxy.url.as_str())];
    let line = run_in(world.home.path(), &env, &args).fails(1);
    assert!(!line.contains(secret), "{line}");
    // The key exchange, tried as the retry policy says (the proxy refuses each tunnel).
    let received = proxy.received();
    assert!(!received.is_empty());
    for request in &received {
        assert!(request.starts_with("CONNECT acme.lacework.invalid:443 "), "a tunnel: {received:?}");
        assert!(!request.contains(secret), "the proxy sees no secret: {received:?}");
    }

    let env = [("LW_API_SECRET", secret), ("HTTPS_PROXY", proxy.url.as_str()), ("NO_PROXY", ".invalid")];
    run_in(world.home.path(), &env, &args).fails(1);
    assert_eq!(proxy.received().len(), received.len(), "NO_PROXY is honoured");
}
