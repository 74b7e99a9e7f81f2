//! A sandbox with an HTTP client in front of it for the integration tests. Every answer that
//! passes through [`Harness::call`] is checked against the spec: its status must be documented
//! for its operation and its body must satisfy that status's schema. A test during which a
//! handler panicked fails when its harness is dropped (the sandbox counts caught panics).
#![allow(dead_code)]

use lacework_tokens_api::OPERATIONS;
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `message` of an error body.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

pub struct Harness {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub bearer: String,
    /// Answers checked against the spec so far.
    pub checked: std::cell::Cell<usize>,
}

impl Harness {
    pub async fn start(config: SandboxConfig) -> Harness {
        let sandbox = Sandbox::start(config).await.expect("the sandbox starts");
        let http = reqwest::Client::new();
        let mut harness = Harness { sandbox, http, bearer: String::new(), checked: Default::default() };
        harness.bearer = harness.exchange().await;
        harness
    }

    /// Exchanges the sandbox's key for a fresh bearer.
    pub async fn exchange(&self) -> String {
        let body = json!({"keyId": self.sandbox.key_id(), "expiryTime": 3600});
        let answer = self
            .send(Method::POST, "/api/v2/access/tokens", Some(body), &[("x-lw-uaks", self.sandbox.secret())])
            .await;
        assert_eq!(answer.status, 201, "{answer:?}");
        answer.body["token"].as_str().unwrap().to_owned()
    }

    /// A request with the bearer.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let auth = format!("Bearer {}", self.bearer);
        self.send(method, path, body, &[("authorization", &auth)]).await
    }

    /// A request with the bearer, for a sub-account.
    pub async fn call_as(
        &self,
        sub_account: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {}", self.bearer);
        self.send(method, path, body, &[("authorization", &auth), ("account-name", sub_account)]).await
    }

    /// A request with exactly these headers; the answer is checked against the spec.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.sandbox.base_url())
        };
        let mut request = self.http.request(method.clone(), url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = into_answer(request.send().await.expect("the sandbox answers")).await;
        self.check(&method, path, &answer);
        answer
    }

    /// Checks an answer against the spec, for the operation its method and path route to.
    pub fn check(&self, method: &Method, path: &str, answer: &Answer) {
        let path = path.strip_prefix(self.sandbox.base_url()).unwrap_or(path);
        let path = path.split('?').next().unwrap_or_default();
        if let Some(operation) = operation_of(method, path) {
            lacework_tokens_contract::check_response(operation, answer.status, &answer.body)
                .unwrap_or_else(|e| panic!("{method} {path}: {e}\nbody: {}", answer.body));
            self.checked.set(self.checked.get() + 1);
        } else if path.starts_with("/api/v2/_pages/") && answer.status == 200 {
            // A next page has the shape of the first page: a list or search result.
            let schema = json!({"$ref": "#/components/schemas/AgentAccessTokenSearchResult"});
            lacework_tokens_contract::check(&schema, &answer.body)
                .unwrap_or_else(|e| panic!("next page: {e}"));
            self.checked.set(self.checked.get() + 1);
        }
    }

    /// Creates an agent token and returns its value.
    pub async fn create_agent_token(&self, body: Value) -> String {
        let answer = self.call(Method::POST, "/api/v2/AgentAccessTokens", Some(body)).await;
        assert_eq!(answer.status, 201, "{answer:?}");
        answer.body["data"]["accessToken"].as_str().unwrap().to_owned()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(self.sandbox.panics(), 0, "a sandbox handler panicked during this test");
        }
    }
}

pub async fn into_answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a whole body");
    let body =
        if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    Answer { status, headers, body }
}

/// The operationId that `method` and a concrete `path` route to, by the generated table.
pub fn operation_of(method: &Method, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    OPERATIONS.iter().find_map(|op| {
        let template: Vec<&str> = op.path.split('/').collect();
        let matches = op.method == method.as_str()
            && template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| t.starts_with('{') && !s.is_empty() || t == s);
        matches.then_some(op.id)
    })
}
