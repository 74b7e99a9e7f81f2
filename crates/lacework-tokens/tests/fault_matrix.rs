//! Every operation under every fault the sandbox can inject, once: no panic, the exact expected
//! outcome (success after a retry, or a specific error), no create sent twice, and no secret in
//! the error. Prints a summary table and asserts all of it.
//!
//! The faults hit the first attempt only, as a passing failure would. What is expected follows
//! the retry policy: reads, updates, patches, deletes and the key exchange are retried on 429,
//! 502, 503, connection failures, timeouts and answers that break off; creates are retried only
//! when the connection never opened, so any fault that may have reached the server is the
//! caller's to see.

mod support;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use lacework_tokens::search::Field;
use lacework_tokens::{Client, Error, ExposeSecret, RetryPolicy};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
use support::builder;

/// How a call ended, reduced to what the matrix compares.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Api(u16),
    RateLimited,
    Transport,
    Timeout,
    Decode,
    TooLarge,
    Other(String),
}

impl Outcome {
    fn of(result: &Result<(), Error>) -> Outcome {
        match result {
            Ok(()) => Outcome::Ok,
            Err(Error::Api { status, .. }) => Outcome::Api(status.as_u16()),
            Err(Error::RateLimited { .. }) => Outcome::RateLimited,
            Err(Error::Transport { timeout: true, .. }) => Outcome::Timeout,
            Err(Error::Transport { .. }) => Outcome::Transport,
            Err(Error::Decode { .. }) => Outcome::Decode,
            Err(Error::TooLarge { .. }) => Outcome::TooLarge,
            Err(other) => Outcome::Other(format!("{other:?}")),
        }
    }
}

/// The client's per-request timeout in the matrix: short, to keep the delay cells quick (the
/// 10 MB cells get twenty times as long).
const TIMEOUT: Duration = Duration::from_secs(1);

fn faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("429 + Retry-After", Fault::Status { status: 429, retry_after: Some(1) }),
        ("500", Fault::Status { status: 500, retry_after: None }),
        ("502", Fault::Status { status: 502, retry_after: None }),
        ("503", Fault::Status { status: 503, retry_after: None }),
        ("dropped connection", Fault::DropConnection),
        ("delay past timeout", Fault::Delay(TIMEOUT * 2)),
        ("truncated body", Fault::TruncatedBody),
        ("malformed JSON", Fault::MalformedBody),
        ("HTML error page (502)", Fault::HtmlPage(502)),
        ("empty body", Fault::EmptyBody),
        ("10 MB body", Fault::HugeBody(10 * 1024 * 1024)),
        ("endless body", Fault::EndlessBody(None)),
        ("endless 503 body", Fault::EndlessBody(Some(503))),
        ("control characters", Fault::ControlCharacters),
    ]
}

/// What `fault` on the first attempt of `operation` must end in.
fn expected(fault: &Fault, operation: &str, creates: bool) -> Outcome {
    match fault {
        Fault::EndlessBody(_) => Outcome::TooLarge,
        // A bearer with control characters is refused; in other answers they are data.
        Fault::ControlCharacters if operation == ops::CREATE_API_TOKEN.id => Outcome::Decode,
        Fault::ControlCharacters => Outcome::Ok,
        Fault::Status { status: 500, .. } => Outcome::Api(500),
        Fault::MalformedBody | Fault::EmptyBody => Outcome::Decode,
        Fault::HugeBody(_) => Outcome::Ok,
        _ if !creates => Outcome::Ok,
        Fault::Status { status: 429, .. } => Outcome::RateLimited,
        Fault::Status { status, .. } | Fault::HtmlPage(status) => Outcome::Api(*status),
        Fault::DropConnection | Fault::TruncatedBody => Outcome::Transport,
        Fault::Delay(_) => Outcome::Timeout,
        other => Outcome::Other(format!("{other:?} is not in the matrix")),
    }
}

/// Ids an operation can act on, made before the fault is planned.
struct Targets {
    agent: String,
    access: String,
}

type Call =
    for<'a> fn(&'a Client, &'a Targets) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

fn operations() -> Vec<(&'static str, Call)> {
    vec![
        (ops::CREATE_API_TOKEN.id, |c, _| {
            Box::pin(async move { c.issue_bearer_token(None).await.map(drop) })
        }),
        (ops::CREATE_AGENT_ACCESS_TOKEN.id, |c, _| {
            Box::pin(async move { c.agent_tokens().create("m").send().await.map(drop) })
        }),
        (ops::LIST_AGENT_ACCESS_TOKENS.id, |c, _| {
            Box::pin(async move { c.agent_tokens().list().await.map(drop) })
        }),
        (ops::SEARCH_AGENT_ACCESS_TOKENS.id, |c, _| {
            Box::pin(
                async move { c.agent_tokens().search().filter(Field::Alias.eq("t")).send().await.map(drop) },
            )
        }),
        (ops::GET_AGENT_ACCESS_TOKEN.id, |c, t| {
            Box::pin(async move { c.agent_tokens().get(t.agent.as_str()).await.map(drop) })
        }),
        (ops::UPDATE_AGENT_ACCESS_TOKEN.id, |c, t| {
            Box::pin(
                async move { c.agent_tokens().update(t.agent.as_str()).alias("u").send().await.map(drop) },
            )
        }),
        (ops::LIST_ACCESS_TOKENS.id, |c, _| {
            Box::pin(async move { c.access_tokens().list().await.map(drop) })
        }),
        (ops::CREATE_ACCESS_TOKEN.id, |c, _| {
            Box::pin(async move { c.access_tokens().create("m").send().await.map(drop) })
        }),
        (ops::GET_ACCESS_TOKEN.id, |c, t| {
            Box::pin(async move { c.access_tokens().get(&t.access).await.map(drop) })
        }),
        (ops::PATCH_ACCESS_TOKEN.id, |c, t| {
            Box::pin(async move { c.access_tokens().patch(&t.access).name("p").send().await.map(drop) })
        }),
        (ops::DELETE_ACCESS_TOKEN.id, |c, t| {
            Box::pin(async move { c.access_tokens().delete(&t.access).await })
        }),
    ]
}

/// One cell: a fresh sandbox and client, targets made, the fault planned, the call made.
async fn cell(operation: &'static str, call: Call, fault: Fault) -> (Outcome, usize, String, Vec<String>) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(5), ..RetryPolicy::default() };
    // A 10 MB answer must not time out on a slow machine: only the delay cells need a short timeout.
    let timeout =
        if matches!(fault, Fault::HugeBody(_) | Fault::EndlessBody(_)) { TIMEOUT * 20 } else { TIMEOUT };
    let client = builder(&sandbox).timeout(timeout).retry_policy(policy).build().unwrap();
    let agent = client.agent_tokens().create("t").send().await.unwrap();
    let access = client.access_tokens().create("t").send().await.unwrap();
    let targets =
        Targets { agent: agent.token.expose_secret().to_owned(), access: access.token.id.to_string() };
    let mut secrets = vec![sandbox.secret().to_owned(), targets.agent.clone()];
    secrets.extend(access.secret.as_ref().map(|s| s.expose_secret().to_owned()));

    sandbox.clear_journal();
    let delayed = matches!(fault, Fault::Delay(_));
    sandbox.inject(FaultRule::new(fault).only(operation));
    let result = call(&client, &targets).await;
    // A delayed request the client gave up on is still being handled: wait until it is done.
    let deadline = tokio::time::Instant::now() + TIMEOUT * 4;
    let delayed_done =
        || sandbox.journal().iter().any(|e| e.operation == Some(operation) && e.fault.is_some());
    while delayed && !delayed_done() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = sandbox.journal().iter().filter(|e| e.operation == Some(operation)).count();
    secrets.extend(sandbox.bearer_tokens());
    let printed = match &result {
        Ok(()) => String::new(),
        Err(e) => format!("{e} {e:?}"),
    };
    sandbox.shutdown().await;
    (Outcome::of(&result), sent, printed, secrets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_under_every_fault() {
    let mut table: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (fault_name, fault) in faults() {
        for (operation, call) in operations() {
            let creates = operation.starts_with("create") && operation != ops::CREATE_API_TOKEN.id;
            let want = expected(&fault, operation, creates);
            // Run the cell as its own task: a panic anywhere in the client shows as a failed join.
            let cell = tokio::spawn(cell(operation, call, fault.clone())).await;
            let row = table.entry(fault_name).or_default();
            row.0 += 1;
            let Ok((got, sent, printed, secrets)) = cell else {
                failures.push(format!("{operation} / {fault_name}: panicked"));
                continue;
            };
            row.1 += 1;
            let mut problems = Vec::new();
            if got != want {
                problems.push(format!("ended {got:?}, expected {want:?}"));
            }
            if creates && sent != 1 {
                problems.push(format!("the create was sent {sent} times"));
            }
            if let Some(secret) = secrets.iter().find(|s| !s.is_empty() && printed.contains(s.as_str())) {
                problems.push(format!("the error shows a secret ({} characters)", secret.len()));
            }
            if problems.is_empty() {
                row.2 += 1;
            } else {
                failures.push(format!("{operation} / {fault_name}: {}", problems.join("; ")));
            }
        }
    }
    println!("\n{:<24} {:>8} {:>8} {:>12}", "fault", "injected", "survived", "as expected");
    for (fault, (injected, survived, as_expected)) in &table {
        println!("{fault:<24} {injected:>8} {survived:>8} {as_expected:>12}");
    }
    let total: (usize, usize, usize) =
        table.values().fold((0, 0, 0), |acc, row| (acc.0 + row.0, acc.1 + row.1, acc.2 + row.2));
    println!("{:<24} {:>8} {:>8} {:>12}\n", "all", total.0, total.1, total.2);
    assert_eq!(total.0, faults().len() * operations().len());
    assert!(failures.is_empty(), "cells that did not go as expected:\n{}", failures.join("\n"));
    assert_eq!((total.1, total.2), (total.0, total.0));
}
