//! No secret (API secret, bearer token, agent token, access token secret) appears in Debug,
//! Display, error messages, logs or tracing spans, at TRACE level, on success and failure paths.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use lacework_tokens::search::Field;
use lacework_tokens::{ExposeSecret, RetryPolicy};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule};
use support::{World, builder};

/// Where the test's tracing output goes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_any_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let world = World::start().await;
    let client = builder(&world.sandbox)
        .retry_policy(RetryPolicy {
            initial_backoff: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let mut printed = Vec::new();
    let tokens = client.agent_tokens();
    let token = tokens.create("secret-test").description("d").send().await.unwrap();
    let other = tokens.create("other").send().await.unwrap();
    printed.push(format!("{token:?} {other:?} {client:?}"));
    printed.push(format!("{:?}", tokens.list().await.unwrap()));
    printed.push(format!(
        "{:?}",
        tokens.search().filter(Field::Token.eq(token.token.expose_secret())).send_rows().await
    ));
    let access = client.access_tokens().create("ci").send().await.unwrap();
    printed.push(format!("{access:?}"));
    let bearer = client.issue_bearer_token(None).await.unwrap();
    printed.push(format!("{bearer:?}"));

    // Failures: every error's Display and Debug.
    world.sandbox.inject(FaultRule::new(Fault::DropConnection).times(4).only(ops::GET_AGENT_ACCESS_TOKEN.id));
    let dropped = tokens.get(token.id()).await.unwrap_err();
    world.sandbox.inject(FaultRule::new(Fault::MalformedBody).only(ops::GET_AGENT_ACCESS_TOKEN.id));
    let malformed = tokens.get(token.id()).await.unwrap_err();
    world.sandbox.inject(FaultRule::new(Fault::HtmlPage(500)).only(ops::UPDATE_AGENT_ACCESS_TOKEN.id));
    let html = tokens.update(token.id()).alias("x").send().await.unwrap_err();
    // A read whose answer breaks off is tried again; a create is not (it happened).
    world.sandbox.inject(FaultRule::new(Fault::TruncatedBody).only(ops::CREATE_AGENT_ACCESS_TOKEN.id));
    let truncated = tokens.create("cut-short").send().await.unwrap_err();
    let missing = tokens.get("0".repeat(56).as_str()).await.unwrap_err();
    let issued = world.sandbox.bearer_tokens();
    world.sandbox.expire_bearers();
    let wrong_key = builder(&world.sandbox)
        .api_key(world.sandbox.key_id(), "wrong-secret-value-1234567890".to_owned())
        .build()
        .unwrap();
    let refused = wrong_key.agent_tokens().get(token.id()).await.unwrap_err();
    for error in [&dropped, &malformed, &html, &truncated, &missing, &refused] {
        printed.push(format!("{error} {error:?}"));
    }
    assert!(matches!(dropped, lacework_tokens::Error::Transport { .. }), "{dropped:?}");
    assert!(matches!(malformed, lacework_tokens::Error::Decode { .. }), "{malformed:?}");
    assert_eq!(html.status().map(|s| s.as_u16()), Some(500), "an HTML error page keeps its status: {html:?}");

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("lacework.request"), "spans were captured:\n{log}");
    assert!(log.contains("operation=\"getAgentAccessToken\""), "spans name the operation");
    printed.push(log);

    let mut secrets = vec![
        world.sandbox.secret().to_owned(),
        "wrong-secret-value-1234567890".to_owned(),
        token.token.expose_secret().to_owned(),
        other.token.expose_secret().to_owned(),
        access.secret.as_ref().unwrap().expose_secret().to_owned(),
        bearer.token.expose_secret().to_owned(),
    ];
    assert_eq!(issued.len(), 2, "the client's bearer and the one issued for the caller");
    secrets.extend(issued);
    let output = printed.join("\n");
    for secret in &secrets {
        assert!(!output.contains(secret.as_str()), "a secret appears in the output:\n{output}");
        // Nor a telling part of one.
        assert!(!output.contains(&secret[..16.min(secret.len())]), "part of a secret appears in the output");
    }
}
