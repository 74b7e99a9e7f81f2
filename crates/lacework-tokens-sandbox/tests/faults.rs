//! Injected faults: each kind, scripted from a test, for one operation or any, for N requests;
//! and the journal that records what happened.

mod support;

use std::time::{Duration, Instant};

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule, SandboxConfig};
use reqwest::Method;
use serde_json::json;
use support::Harness;

const LIST: &str = "/api/v2/AgentAccessTokens";

async fn harness() -> Harness {
    Harness::start(SandboxConfig::default()).await
}

async fn raw_get(h: &Harness, path: &str) -> reqwest::Result<reqwest::Response> {
    h.http.get(format!("{}{path}", h.sandbox.base_url())).bearer_auth(&h.bearer).send().await
}

#[tokio::test]
async fn status_faults_answer_n_times_then_stop() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::Status { status: 503, retry_after: Some(7) }).times(2));
    let first = h.call(Method::GET, LIST, None).await;
    assert_eq!((first.status, first.header("retry-after")), (503, Some("7")));
    assert!(first.header("ratelimit-limit").is_some(), "fault answers carry rate-limit headers too");
    assert_eq!(h.call(Method::GET, LIST, None).await.status, 503);
    assert_eq!(h.call(Method::GET, LIST, None).await.status, 200);

    for status in [429, 500, 502] {
        h.sandbox.inject(FaultRule::new(Fault::Status { status, retry_after: None }));
        assert_eq!(h.call(Method::GET, LIST, None).await.status, status);
    }
}

#[tokio::test]
async fn a_fault_for_one_operation_leaves_the_others_alone() {
    let h = harness().await;
    h.sandbox.inject(
        FaultRule::new(Fault::Status { status: 500, retry_after: None })
            .only(ops::CREATE_AGENT_ACCESS_TOKEN.id),
    );
    assert_eq!(h.call(Method::GET, LIST, None).await.status, 200);
    let create = h.call(Method::POST, LIST, Some(json!({"tokenAlias": "x"}))).await;
    assert_eq!(create.status, 500);
    assert_eq!(h.sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 0, "a status fault replaces processing");
    assert_eq!(h.call(Method::POST, LIST, Some(json!({"tokenAlias": "x"}))).await.status, 201);
    assert_eq!(h.sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 1);
}

#[tokio::test]
async fn a_dropped_connection_answers_nothing_and_processes_nothing() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::DropConnection).only(ops::CREATE_AGENT_ACCESS_TOKEN.id));
    let url = format!("{}{LIST}", h.sandbox.base_url());
    let result = h.http.post(&url).bearer_auth(&h.bearer).json(&json!({"tokenAlias": "x"})).send().await;
    let error = result.expect_err("no answer");
    assert!(!error.is_timeout() && !error.is_status(), "{error:?}");
    let entry = h.sandbox.journal().pop().unwrap();
    assert_eq!(
        (entry.operation, entry.status, entry.processed),
        (Some(ops::CREATE_AGENT_ACCESS_TOKEN.id), None, false)
    );
    assert_eq!(h.call(Method::GET, LIST, None).await.body["data"], json!([]));
}

#[tokio::test]
async fn a_delay_holds_the_answer() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::Delay(Duration::from_millis(300))));
    let started = Instant::now();
    assert_eq!(h.call(Method::GET, LIST, None).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn body_faults_damage_the_answer_after_processing() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::TruncatedBody).only(ops::CREATE_AGENT_ACCESS_TOKEN.id));
    let url = format!("{}{LIST}", h.sandbox.base_url());
    let response =
        h.http.post(&url).bearer_auth(&h.bearer).json(&json!({"tokenAlias": "t"})).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.bytes().await.is_err(), "the body is cut short");
    assert_eq!(h.sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 1, "the create happened");

    h.sandbox.inject(FaultRule::new(Fault::MalformedBody));
    let response = raw_get(&h, LIST).await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "{text}");

    h.sandbox.inject(FaultRule::new(Fault::HugeBody(10 * 1024 * 1024)));
    let response = raw_get(&h, LIST).await.unwrap();
    let body = response.bytes().await.unwrap();
    assert!(body.len() >= 10 * 1024 * 1024 - 64 && body.len() <= 10 * 1024 * 1024, "{}", body.len());
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(value["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn html_pages_and_empty_bodies() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::HtmlPage(502)));
    let response = raw_get(&h, LIST).await.unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(response.text().await.unwrap().contains("<h1>502 Bad Gateway</h1>"));

    h.sandbox.inject(FaultRule::new(Fault::EmptyBody));
    let response = raw_get(&h, LIST).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_journal_records_what_arrived_and_what_happened() {
    let h = harness().await;
    h.sandbox.clear_journal();
    h.create_agent_token(json!({"tokenAlias": "once"})).await;
    let _ = h.call(Method::GET, "/api/v2/AgentAccessTokens/a%2Fb%3F", None).await;
    let journal = h.sandbox.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0].operation, Some(ops::CREATE_AGENT_ACCESS_TOKEN.id));
    assert!(journal[0].took_effect());
    assert_eq!(journal[1].raw_path, "/api/v2/AgentAccessTokens/a%2Fb%3F", "paths are kept as received");
    assert_eq!((journal[1].operation, journal[1].status), (Some(ops::GET_AGENT_ACCESS_TOKEN.id), Some(404)));
    assert_eq!(h.sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 1);
}

#[tokio::test]
async fn cleared_faults_are_forgotten() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::DropConnection).times(5));
    h.sandbox.clear_faults();
    assert_eq!(h.call(Method::GET, LIST, None).await.status, 200);
}

#[tokio::test]
async fn endless_bodies_never_end() {
    let h = harness().await;
    for fault in
        [Fault::EndlessBody(None), Fault::EndlessBody(Some(503)), Fault::SlowBody(Duration::from_millis(1))]
    {
        h.sandbox.inject(FaultRule::new(fault.clone()));
        let mut response = raw_get(&h, LIST).await.unwrap();
        let expected = if fault == Fault::EndlessBody(Some(503)) { 503 } else { 200 };
        assert_eq!(response.status().as_u16(), expected, "{fault:?}");
        assert_eq!(response.content_length(), None, "{fault:?}: no length announced");
        let mut read = 0;
        while read < 256 * 1024 {
            read += response.chunk().await.unwrap().expect("the body goes on").len();
        }
    }
}

#[tokio::test]
async fn next_page_faults_point_back_or_somewhere_new() {
    let h = harness().await;
    h.sandbox.inject(FaultRule::new(Fault::NextPageSelf).times(2));
    let first = h.call(Method::GET, LIST, None).await;
    let own = format!("{}{LIST}", h.sandbox.base_url());
    assert_eq!(first.body["paging"]["urls"]["nextPage"], json!(own));
    let again = h.call(Method::GET, LIST, None).await;
    assert_eq!(again.body["paging"]["urls"]["nextPage"], json!(own));

    h.sandbox.inject(FaultRule::new(Fault::NextPageFresh).times(2));
    let one = h.call(Method::GET, LIST, None).await.body["paging"]["urls"]["nextPage"].clone();
    let two = h.call(Method::GET, LIST, None).await.body["paging"]["urls"]["nextPage"].clone();
    assert_ne!(one, two);
    assert!(one.as_str().unwrap().starts_with(&format!("{own}?page=")), "{one}");
}

#[tokio::test]
async fn control_characters_are_appended_to_aliases() {
    let h = harness().await;
    let create = h.call(Method::POST, LIST, Some(json!({"tokenAlias": "plain"}))).await;
    assert_eq!(create.status, 201);
    h.sandbox.inject(FaultRule::new(Fault::ControlCharacters));
    let list = h.call(Method::GET, LIST, None).await;
    let alias = list.body["data"][0]["tokenAlias"].as_str().unwrap().to_owned();
    assert_eq!(alias, format!("plain{}", lacework_tokens_sandbox::faults::CONTROL_SEQUENCE));
}
