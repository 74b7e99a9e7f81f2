//! Tests generated from the spec: for every operation, requests built from the spec's schemas.
//!
//! - Valid requests (bodies, ids and headers generated from the schemas, mixed with ids the
//!   sandbox issued) never get a 400 or a 5XX.
//! - Invalid requests, each breaking one constraint of a valid body (wrong type, null, a missing
//!   required member, an unknown member, too long or short, too few or many items, out of
//!   range, outside an enum, a broken format), get a 400 whose body is the spec's error schema
//!   and names the member, and change nothing.
//! - Stateful runs follow the spec's `links`: create, get, update, get (and for access tokens
//!   delete, get 404), for both token kinds, in random interleavings across sub-accounts.
//!
//! Every answer is checked against the spec's schema for its status by the harness, and a
//! handler panic fails the test. `PROPTEST_CASES` sets the number of cases (default 32 per
//! property); `PROPTEST_CASES=2000 cargo test -p lacework-tokens-sandbox --test spec_generated`
//! is a long run.

#[path = "generated/strategies.rs"]
mod strategies;
mod support;

use lacework_tokens_api::ops;
use lacework_tokens_contract::{SPEC, operation, resolve};
use lacework_tokens_sandbox::SandboxConfig;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};
use support::{Answer, Harness};

/// Sub-accounts the runs spread over ("" is the primary account).
const SUB_ACCOUNTS: [&str; 3] = ["", "child-a", "child b"];

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32);
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// The spec's operations as (operationId, method, path template).
fn operations() -> Vec<(&'static str, Method, &'static str)> {
    lacework_tokens_contract::operations()
        .into_iter()
        .map(|(path, method, op)| {
            (op["operationId"].as_str().unwrap(), method.to_uppercase().parse().unwrap(), path)
        })
        .collect()
}

/// The JSON body schema of an operation, if it takes one.
fn body_schema(operation_id: &str) -> Option<&'static Value> {
    let body = resolve(operation(operation_id)?.get("requestBody")?);
    body["content"]["application/json"].get("schema")
}

/// Whether an operation declares the `Account-Name` header.
fn takes_sub_account(operation_id: &str) -> bool {
    let op = operation(operation_id).unwrap();
    op["parameters"].as_array().into_iter().flatten().any(|p| resolve(p)["name"] == "Account-Name")
}

/// The path with each `{parameter}` replaced by `value`, percent-encoded as one segment.
fn path(template: &str, value: &str) -> String {
    let mut url = reqwest::Url::parse("http://x").unwrap();
    {
        let mut segments = url.path_segments_mut().unwrap();
        for segment in template.trim_start_matches('/').split('/') {
            segments.push(if segment.starts_with('{') { value } else { segment });
        }
    }
    url.path().to_owned()
}

/// One generated request.
#[derive(Clone, Debug)]
struct Request {
    id: Option<String>,
    sub_account: Option<&'static str>,
    body: Option<Value>,
    /// Use the real API key (for the exchange) or an id the sandbox issued.
    real: bool,
}

fn valid_request(operation_id: &'static str) -> BoxedStrategy<Request> {
    let body = match body_schema(operation_id) {
        Some(schema) => strategies::valid(schema).prop_map(Some).boxed(),
        None => Just(None).boxed(),
    };
    // Ids: any non-empty string (the spec's schema), except the two that URLs cannot carry.
    let id = any::<String>().prop_filter("a path segment", |s| !s.is_empty() && s != "." && s != "..");
    // Account-Name: the rule table's visible ASCII.
    let sub_account = prop_oneof![Just(None), proptest::sample::select(&SUB_ACCOUNTS[1..]).prop_map(Some)];
    (body, id, sub_account, any::<bool>())
        .prop_map(move |(body, id, sub_account, real)| Request {
            id: Some(id),
            sub_account: sub_account.filter(|_| takes_sub_account(operation_id)),
            body,
            real,
        })
        .boxed()
}

impl Harness {
    /// The path and body of `request`, after making what it needs exist: a token to address
    /// when `real`, the real key in an exchange.
    async fn prepare(
        &self,
        operation_id: &str,
        template: &str,
        request: &Request,
    ) -> (String, Option<Value>) {
        let mut body = request.body.clone();
        // The path parameter says which kind of token the operation addresses.
        let id = if request.real && template.contains("{id}") {
            self.create_agent_token(json!({"tokenAlias": "target"})).await
        } else if request.real && template.contains("{accessTokenId}") {
            let created = self.call(Method::POST, "/api/v2/AccessTokens", Some(json!({"name": "t"}))).await;
            created.body["id"].as_str().unwrap().to_owned()
        } else {
            request.id.clone().unwrap_or_default()
        };
        if operation_id == ops::CREATE_API_TOKEN.id
            && request.real
            && let Some(body) = body.as_mut()
        {
            body["keyId"] = Value::from(self.sandbox.key_id());
        }
        (path(template, &id), body)
    }

    async fn request(&self, operation_id: &str, method: Method, template: &str, request: &Request) -> Answer {
        let (path, body) = self.prepare(operation_id, template, request).await;
        self.send_prepared(operation_id, method, &path, body, request.sub_account).await
    }

    async fn send_prepared(
        &self,
        operation_id: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        sub_account: Option<&str>,
    ) -> Answer {
        if operation_id == ops::CREATE_API_TOKEN.id {
            return self.send(method, path, body, &[("x-lw-uaks", self.sandbox.secret())]).await;
        }
        match sub_account {
            Some(sub) => self.call_as(sub, method, path, body).await,
            None => self.call(method, path, body).await,
        }
    }

    /// Everything stored, as the list operations show it.
    async fn everything(&self) -> Vec<Value> {
        let mut all = vec![Value::from(self.sandbox.bearer_tokens().len())];
        for sub in SUB_ACCOUNTS {
            let agents = self.call_as_or_primary(sub, "/api/v2/AgentAccessTokens").await;
            let access = self.call_as_or_primary(sub, "/api/v2/AccessTokens").await;
            all.push(agents.body["data"].clone());
            all.push(access.body["items"].clone());
        }
        all
    }

    async fn call_as_or_primary(&self, sub: &str, path: &str) -> Answer {
        if sub.is_empty() {
            self.call(Method::GET, path, None).await
        } else {
            self.call_as(sub, Method::GET, path, None).await
        }
    }
}

#[test]
fn valid_requests_are_never_refused_and_never_fail() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(SandboxConfig::default()));
    for (operation_id, method, template) in operations() {
        let mut runner = TestRunner::new(config());
        runner
            .run(&valid_request(operation_id), |request| {
                let answer = rt.block_on(h.request(operation_id, method.clone(), template, &request));
                prop_assert!(
                    answer.status != 400 && answer.status < 500,
                    "{operation_id} {request:?}: a valid request got {} {}",
                    answer.status,
                    answer.body
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{operation_id}: {e}"));
    }
    assert!(h.checked.get() > 0);
}

#[test]
fn each_broken_constraint_is_refused_naming_the_member_and_changes_nothing() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(SandboxConfig::default()));
    let kinds = std::cell::RefCell::new(std::collections::BTreeSet::new());
    for (operation_id, method, template) in operations() {
        let Some(schema) = body_schema(operation_id) else { continue };
        let strategy = (valid_request(operation_id), any::<proptest::sample::Index>());
        let mut runner = TestRunner::new(config());
        runner
            .run(&strategy, |(mut request, _)| {
                let breaks = strategies::breaks(schema, request.body.as_ref().unwrap());
                // The real key would overwrite a broken `keyId`.
                request.real &= operation_id != ops::CREATE_API_TOKEN.id;
                rt.block_on(async {
                    let (path, _) = h.prepare(operation_id, template, &request).await;
                    let before = h.everything().await;
                    for broken in &breaks {
                        kinds
                            .borrow_mut()
                            .insert(broken.what.rsplit('.').next().unwrap_or_default().to_owned());
                        let body = Some(broken.instance.clone());
                        let answer = h
                            .send_prepared(operation_id, method.clone(), &path, body, request.sub_account)
                            .await;
                        let context = || {
                            format!(
                                "{operation_id} with {} ({}): {}",
                                broken.what, broken.instance, answer.body
                            )
                        };
                        prop_assert_eq!(answer.status, 400, "{}", context());
                        prop_assert!(
                            answer.message().contains(&broken.member),
                            "{} does not name {:?}",
                            context(),
                            broken.member
                        );
                    }
                    prop_assert_eq!(
                        before,
                        h.everything().await,
                        "{} {:?}: something was stored",
                        operation_id,
                        request
                    );
                    Ok::<(), TestCaseError>(())
                })
            })
            .unwrap_or_else(|e| panic!("{operation_id}: {e}"));
    }
    let kinds = kinds.into_inner();
    for kind in [
        "wrong type",
        "null",
        "missing required member",
        "unknown member",
        "too short",
        "too long",
        "too few items",
        "too many items",
        "below the minimum",
        "above the maximum",
        "outside the enum",
        "not a date-time",
        "not a regular expression",
    ] {
        assert!(kinds.iter().any(|k| k.starts_with(kind)), "no case broke a constraint by {kind}: {kinds:?}");
    }
}

#[test]
fn header_parameters_are_checked_too() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(SandboxConfig::default()));
    rt.block_on(async {
        for (operation_id, method, template) in operations() {
            if !takes_sub_account(operation_id) {
                continue;
            }
            let path = path(template, "x");
            let body = body_schema(operation_id).map(|_| json!({}));
            let answer = h.call_as("", method, &path, body).await;
            assert_eq!(answer.status, 400, "{operation_id}: an empty Account-Name");
            assert!(answer.message().contains("Account-Name"), "{operation_id}: {}", answer.body);
        }
    });
}

/// The id a link of the spec takes from an answer (`$response.body#/pointer`).
fn linked_id(link: &str, parameter: &str, answer: &Value) -> String {
    let expression = SPEC["components"]["links"][link]["parameters"][parameter].as_str().unwrap();
    let pointer = expression.strip_prefix("$response.body#").unwrap();
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{link}: no {pointer} in {answer}"))
        .to_owned()
}

/// One token's life: its kind, sub-account, and the bodies of its create and update.
#[derive(Clone, Debug)]
struct Life {
    agent: bool,
    sub_account: &'static str,
    create: Value,
    update: Value,
}

fn life() -> impl Strategy<Value = Life> {
    let schema = |name: &str| &SPEC["components"]["schemas"][name];
    prop_oneof![
        (
            proptest::sample::select(&SUB_ACCOUNTS[..]),
            strategies::valid(schema("AgentAccessTokenCreate")),
            strategies::valid(schema("AgentAccessTokenUpdate"))
        )
            .prop_map(|(sub_account, create, update)| Life {
                agent: true,
                sub_account,
                create,
                update
            }),
        (strategies::valid(schema("AccessTokenPost")), strategies::valid(schema("AccessTokenPatch")))
            .prop_map(|(create, update)| Life { agent: false, sub_account: "", create, update }),
    ]
}

fn enabled(value: &Value) -> Option<bool> {
    match value {
        Value::String(s) => Some(s == "1"),
        Value::Number(n) => Some(n.as_i64() == Some(1)),
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

impl Harness {
    async fn on(&self, sub: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
        if sub.is_empty() {
            self.call(method, path, body).await
        } else {
            self.call_as(sub, method, path, body).await
        }
    }

    /// Takes step `step` of `life`, whose earlier steps left `state` (the last answer's body).
    async fn step(&self, life: &Life, step: usize, state: &mut Value) -> Result<(), TestCaseError> {
        let sub = life.sub_account;
        let other = SUB_ACCOUNTS.iter().find(|s| **s != sub).copied().unwrap_or_default();
        if life.agent {
            match step {
                0 => {
                    let answer = self
                        .on(sub, Method::POST, "/api/v2/AgentAccessTokens", Some(life.create.clone()))
                        .await;
                    prop_assert_eq!(answer.status, 201, "{}", answer.body);
                    *state = answer.body;
                }
                1 | 3 => {
                    let id = linked_id("GetAgentAccessTokenById", "id", state);
                    let path = path("/api/v2/AgentAccessTokens/{id}", &id);
                    let answer = self.on(sub, Method::GET, &path, None).await;
                    prop_assert_eq!(answer.status, 200);
                    prop_assert_eq!(&answer.body["data"], &state["data"], "a read shows the last write");
                    let elsewhere = self.on(other, Method::GET, &path, None).await;
                    prop_assert_eq!(elsewhere.status, 404, "another sub-account does not see it");
                }
                _ => {
                    let id = linked_id("UpdateAgentAccessTokenById", "id", state);
                    let path = path("/api/v2/AgentAccessTokens/{id}", &id);
                    let answer = self.on(sub, Method::PATCH, &path, Some(life.update.clone())).await;
                    prop_assert_eq!(answer.status, 200, "{}", answer.body);
                    let data = &answer.body["data"];
                    let alias = life.update.get("tokenAlias").unwrap_or(&state["data"]["tokenAlias"]);
                    prop_assert_eq!(&data["tokenAlias"], alias);
                    let was = enabled(&state["data"]["tokenEnabled"]);
                    prop_assert_eq!(
                        enabled(&data["tokenEnabled"]),
                        life.update.get("tokenEnabled").and_then(enabled).or(was)
                    );
                    *state = answer.body;
                }
            }
        } else {
            let id = || linked_id("GetAccessTokenById", "accessTokenId", state);
            let at = |id: &str| path("/api/v2/AccessTokens/{accessTokenId}", id);
            match step {
                0 => {
                    let answer =
                        self.call(Method::POST, "/api/v2/AccessTokens", Some(life.create.clone())).await;
                    prop_assert_eq!(answer.status, 201, "{}", answer.body);
                    *state = answer.body;
                    state.as_object_mut().unwrap().remove("token");
                }
                1 | 3 => {
                    let answer = self.call(Method::GET, &at(&id()), None).await;
                    prop_assert_eq!(answer.status, 200);
                    prop_assert_eq!(&answer.body, &*state, "a read shows the last write");
                }
                2 => {
                    let id = linked_id("PatchAccessTokenById", "accessTokenId", state);
                    let answer = self.call(Method::PATCH, &at(&id), Some(life.update.clone())).await;
                    prop_assert_eq!(answer.status, 200, "{}", answer.body);
                    for member in ["name", "status"] {
                        let expected = life.update.get(member).unwrap_or(&state[member]);
                        prop_assert_eq!(&answer.body[member], expected);
                    }
                    *state = answer.body;
                }
                4 => {
                    let id = linked_id("DeleteAccessTokenById", "accessTokenId", state);
                    let answer = self.call(Method::DELETE, &at(&id), None).await;
                    prop_assert_eq!(answer.status, 200);
                }
                _ => {
                    let answer = self.call(Method::GET, &at(&id()), None).await;
                    prop_assert_eq!(answer.status, 404, "gone after the delete");
                }
            }
        }
        Ok(())
    }
}

#[test]
fn lives_of_tokens_interleaved_across_sub_accounts() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(SandboxConfig::default()));
    let steps = |life: &Life| if life.agent { 4 } else { 6 };
    let strategy = proptest::collection::vec(life(), 1..5).prop_flat_map(move |lives| {
        let order: Vec<usize> =
            lives.iter().enumerate().flat_map(|(i, l)| std::iter::repeat_n(i, steps(l))).collect();
        (Just(lives), Just(order).prop_shuffle())
    });
    let mut runner = TestRunner::new(config());
    runner
        .run(&strategy, |(lives, order)| {
            rt.block_on(async {
                let mut states = vec![Value::Null; lives.len()];
                let mut next = vec![0; lives.len()];
                for i in order {
                    h.step(&lives[i], next[i], &mut states[i]).await?;
                    next[i] += 1;
                }
                Ok(())
            })
        })
        .unwrap();
}
