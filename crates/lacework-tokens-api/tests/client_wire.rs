//! The generated client on the wire, against a real HTTP server on 127.0.0.1: for every operation,
//! the method, path (ids percent-encoded), headers and JSON body it sends, and how it maps 2xx,
//! 4xx and 5xx answers. Credentials are added by a `RequestHooks`, as the facade does.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use lacework_tokens_api::hooks::{BoxFuture, PrepareError};
use lacework_tokens_api::ops;
use lacework_tokens_api::{
    Client, ClientAccessTokensExt, ClientAgentAccessTokensExt, ClientAuthExt, Error, Hooks, RequestHooks,
    ResponseValue, types,
};
use serde_json::{Value, json};

/// What the server received.
#[derive(Debug)]
struct Received {
    method: Method,
    path_and_query: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("test headers are ASCII"))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the client sent JSON")
    }
}

#[derive(Clone, Default)]
struct Recorder {
    received: Arc<Mutex<Vec<Received>>>,
    replies: Arc<Mutex<VecDeque<(StatusCode, String)>>>,
}

async fn record(
    State(recorder): State<Recorder>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let path_and_query = uri.path_and_query().map_or_else(String::new, ToString::to_string);
    recorder.received.lock().unwrap().push(Received { method, path_and_query, headers, body });
    let (status, body) = recorder.replies.lock().unwrap().pop_front().expect("a reply was queued");
    (status, [("content-type", "application/json")], body)
}

struct TestServer {
    base_url: String,
    recorder: Recorder,
}

impl TestServer {
    async fn start() -> Self {
        let recorder = Recorder::default();
        let app = axum::Router::new().fallback(record).with_state(recorder.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base_url, recorder }
    }

    fn reply(&self, status: u16, body: Value) {
        let status = StatusCode::from_u16(status).unwrap();
        self.recorder.replies.lock().unwrap().push_back((status, body.to_string()));
    }

    fn take_received(&self) -> Vec<Received> {
        std::mem::take(&mut *self.recorder.received.lock().unwrap())
    }

    fn client(&self) -> Client {
        Client::new_with_client(&self.base_url, reqwest::Client::new(), Hooks::new(TestCredentials))
    }
}

const BEARER: &str = "bearer-for-tests";
const KEY_SECRET: &str = "key-secret-for-tests";

/// Adds the credentials the spec's security schemes ask for, as the facade's hooks do.
struct TestCredentials;

impl RequestHooks for TestCredentials {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        let (name, value) = match operation_id {
            "create_api_token" => ("x-lw-uaks", KEY_SECRET.to_owned()),
            _ => ("authorization", format!("Bearer {BEARER}")),
        };
        request.headers_mut().insert(name, value.parse().unwrap());
        Box::pin(async { Ok(()) })
    }
}

/// How a call ended, reduced to what these tests compare.
#[derive(Debug, PartialEq)]
enum Outcome {
    Success(u16, Value),
    ErrorResponse(u16, Option<String>),
    Unexpected(u16),
    Custom(String),
    Other(String),
}

fn outcome<T: serde::Serialize>(result: Result<ResponseValue<T>, Error<types::Error>>) -> Outcome {
    match result {
        Ok(value) => {
            Outcome::Success(value.status().as_u16(), serde_json::to_value(value.into_inner()).unwrap())
        }
        Err(Error::ErrorResponse(e)) => Outcome::ErrorResponse(e.status().as_u16(), e.into_inner().message),
        Err(Error::UnexpectedResponse(response)) => Outcome::Unexpected(response.status().as_u16()),
        Err(Error::Custom(message)) => Outcome::Custom(message),
        Err(other) => Outcome::Other(other.to_string()),
    }
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid wire value")
}

type Call = Box<dyn for<'a> Fn(&'a Client) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>>;

/// One operation: what the client must send, a success answer, and how to call it.
struct Case {
    operation: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    sub_account: bool,
    success: (u16, Value),
    call: Call,
}

const ID: &str = "47d102752b57caa18b";

fn agent_token() -> Value {
    json!({
        "accessToken": ID, "createdTime": "2020-12-16T16:43:37.915Z",
        "props": "{\"CREATED_TIME\":1598530228648}", "tokenAlias": "Ops Agent",
        "tokenEnabled": "1", "version": "0.1"
    })
}

fn access_token() -> Value {
    json!({
        "id": "5f3c1e2d9b8a7c6d5e4f3a2b", "accessTokenId": "5f3c1e2d9b8a7c6d5e4f3a2b",
        "userId": "5d2e1f0a9b8c7d6e5f4a3b2c", "name": "ci", "creationDate": "2020-12-16T16:43:37.915Z",
        "scope": ["devices"], "status": "active"
    })
}

fn cases() -> Vec<Case> {
    let create_body = json!({"tokenAlias": "qa", "props": {"description": "QA group"}});
    let update_body = json!({"tokenAlias": "Eng", "tokenEnabled": 1, "props": {"description": "Eng group"}});
    let search_body = json!({
        "filters": [{"expression": "eq", "field": "tokenAlias", "value": "Eng"}],
        "returns": ["tokenAlias", "tokenEnabled"]
    });
    let exchange_body = json!({"keyId": "ACME_KEY", "expiryTime": 3600});
    let access_post = json!({"name": "ci", "scope": ["devices"], "status": "active"});
    let access_patch = json!({"name": "ci-2", "status": "inactive"});
    vec![
        Case {
            operation: ops::CREATE_API_TOKEN.id,
            method: Method::POST,
            path: "/api/v2/access/tokens",
            body: Some(exchange_body.clone()),
            sub_account: false,
            success: (201, json!({"token": "the-new-bearer", "expiresAt": "2020-12-16T17:43:37.915Z"})),
            call: Box::new(move |c| {
                let body: types::ApiTokenRequest = from_json(exchange_body.clone());
                Box::pin(async move { outcome(c.create_api_token().body(body).send().await) })
            }),
        },
        Case {
            operation: ops::CREATE_AGENT_ACCESS_TOKEN.id,
            method: Method::POST,
            path: "/api/v2/AgentAccessTokens",
            body: Some(create_body.clone()),
            sub_account: true,
            success: (201, json!({"data": agent_token()})),
            call: Box::new(move |c| {
                let body: types::AgentAccessTokenCreate = from_json(create_body.clone());
                Box::pin(async move {
                    outcome(c.create_agent_access_token().account_name("child").body(body).send().await)
                })
            }),
        },
        Case {
            operation: ops::LIST_AGENT_ACCESS_TOKENS.id,
            method: Method::GET,
            path: "/api/v2/AgentAccessTokens",
            body: None,
            sub_account: true,
            success: (
                200,
                json!({"data": [agent_token()], "paging": {"rows": 1, "totalRows": 1, "urls": {"nextPage": "http://127.0.0.1:1/next?page=2"}}}),
            ),
            call: Box::new(|c| {
                Box::pin(
                    async move { outcome(c.list_agent_access_tokens().account_name("child").send().await) },
                )
            }),
        },
        Case {
            operation: ops::SEARCH_AGENT_ACCESS_TOKENS.id,
            method: Method::POST,
            path: "/api/v2/AgentAccessTokens/search",
            body: Some(search_body.clone()),
            sub_account: true,
            success: (200, json!({"data": [{"tokenAlias": "Eng", "tokenEnabled": 1}]})),
            call: Box::new(move |c| {
                let body: types::AgentAccessTokenSearch = from_json(search_body.clone());
                Box::pin(async move {
                    outcome(c.search_agent_access_tokens().account_name("child").body(body).send().await)
                })
            }),
        },
        Case {
            operation: ops::GET_AGENT_ACCESS_TOKEN.id,
            method: Method::GET,
            path: "/api/v2/AgentAccessTokens/47d102752b57caa18b",
            body: None,
            sub_account: true,
            success: (200, json!({"data": agent_token()})),
            call: Box::new(|c| {
                Box::pin(async move {
                    outcome(c.get_agent_access_token().id(ID).account_name("child").send().await)
                })
            }),
        },
        Case {
            operation: ops::UPDATE_AGENT_ACCESS_TOKEN.id,
            method: Method::PATCH,
            path: "/api/v2/AgentAccessTokens/47d102752b57caa18b",
            body: Some(update_body.clone()),
            sub_account: true,
            success: (200, json!({"data": agent_token()})),
            call: Box::new(move |c| {
                let body: types::AgentAccessTokenUpdate = from_json(update_body.clone());
                Box::pin(async move {
                    outcome(
                        c.update_agent_access_token().id(ID).account_name("child").body(body).send().await,
                    )
                })
            }),
        },
        Case {
            operation: ops::LIST_ACCESS_TOKENS.id,
            method: Method::GET,
            path: "/api/v2/AccessTokens",
            body: None,
            sub_account: false,
            success: (200, json!({"items": [access_token()], "count": 1})),
            call: Box::new(|c| Box::pin(async move { outcome(c.list_access_tokens().send().await) })),
        },
        Case {
            operation: ops::CREATE_ACCESS_TOKEN.id,
            method: Method::POST,
            path: "/api/v2/AccessTokens",
            body: Some(access_post.clone()),
            sub_account: false,
            success: (
                201,
                json!({"id": "5f3c1e2d9b8a7c6d5e4f3a2b", "name": "ci", "status": "active", "token": "its-secret"}),
            ),
            call: Box::new(move |c| {
                let body: types::AccessTokenPost = from_json(access_post.clone());
                Box::pin(async move { outcome(c.create_access_token().body(body).send().await) })
            }),
        },
        Case {
            operation: ops::GET_ACCESS_TOKEN.id,
            method: Method::GET,
            path: "/api/v2/AccessTokens/5f3c1e2d9b8a7c6d5e4f3a2b",
            body: None,
            sub_account: false,
            success: (200, access_token()),
            call: Box::new(|c| {
                Box::pin(async move {
                    outcome(c.get_access_token().access_token_id("5f3c1e2d9b8a7c6d5e4f3a2b").send().await)
                })
            }),
        },
        Case {
            operation: ops::PATCH_ACCESS_TOKEN.id,
            method: Method::PATCH,
            path: "/api/v2/AccessTokens/5f3c1e2d9b8a7c6d5e4f3a2b",
            body: Some(access_patch.clone()),
            sub_account: false,
            success: (200, access_token()),
            call: Box::new(move |c| {
                let body: types::AccessTokenPatch = from_json(access_patch.clone());
                Box::pin(async move {
                    outcome(
                        c.patch_access_token()
                            .access_token_id("5f3c1e2d9b8a7c6d5e4f3a2b")
                            .body(body)
                            .send()
                            .await,
                    )
                })
            }),
        },
        Case {
            operation: ops::DELETE_ACCESS_TOKEN.id,
            method: Method::DELETE,
            path: "/api/v2/AccessTokens/5f3c1e2d9b8a7c6d5e4f3a2b",
            body: None,
            sub_account: false,
            success: (200, json!({"success": true})),
            call: Box::new(|c| {
                Box::pin(async move {
                    outcome(c.delete_access_token().access_token_id("5f3c1e2d9b8a7c6d5e4f3a2b").send().await)
                })
            }),
        },
    ]
}

#[test]
fn the_cases_cover_every_operation_of_the_spec() {
    let mut covered: Vec<&str> = cases().iter().map(|c| c.operation).collect();
    covered.sort_unstable();
    assert_eq!(covered, lacework_tokens_contract::operation_ids());
}

#[tokio::test]
async fn every_operation_sends_method_path_headers_and_body_and_decodes_its_success() {
    let server = TestServer::start().await;
    let client = server.client();
    for case in cases() {
        let (status, body) = case.success.clone();
        server.reply(status, body.clone());
        let outcome = (case.call)(&client).await;

        let [received] = <[Received; 1]>::try_from(server.take_received()).expect("exactly one request");
        let op = case.operation;
        assert_eq!(received.method, case.method, "{op}: method");
        assert_eq!(received.path_and_query, case.path, "{op}: path");
        assert_eq!(received.header("accept"), Some("application/json"), "{op}: accept");
        if op == ops::CREATE_API_TOKEN.id {
            assert_eq!(received.header("x-lw-uaks"), Some(KEY_SECRET), "{op}: key secret");
            assert_eq!(received.header("authorization"), None, "{op}: no bearer on the exchange");
        } else {
            assert_eq!(
                received.header("authorization"),
                Some(format!("Bearer {BEARER}").as_str()),
                "{op}: bearer"
            );
            assert_eq!(received.header("x-lw-uaks"), None, "{op}: the key secret goes only to the exchange");
        }
        let expected_sub_account = case.sub_account.then_some("child");
        assert_eq!(received.header("account-name"), expected_sub_account, "{op}: Account-Name");
        match &case.body {
            Some(expected) => {
                assert_eq!(received.header("content-type"), Some("application/json"), "{op}: content-type");
                assert_eq!(&received.json(), expected, "{op}: body");
            }
            None => assert!(received.body.is_empty(), "{op}: no body expected, got {:?}", received.body),
        }
        // The decoded value serializes back to what the server sent: nothing lost or renamed.
        assert_eq!(outcome, Outcome::Success(status, body), "{op}: decoded success");
    }
}

#[tokio::test]
async fn every_operation_maps_client_and_server_errors() {
    let server = TestServer::start().await;
    let client = server.client();
    for case in cases() {
        // 400 and 500-range answers are documented for every operation (as 4XX/400 and 5XX).
        for (status, body, message) in [
            (400, json!({"message": "Bad request"}), "Bad request"),
            (400, json!({"type": "BadRequest", "message": "name too long"}), "name too long"),
            (503, json!({"message": "Service unavailable"}), "Service unavailable"),
            (500, json!({"ok": false, "message": "boom", "data": {"message": "boom"}}), "boom"),
        ] {
            server.reply(status, body);
            let outcome = (case.call)(&client).await;
            assert_eq!(
                outcome,
                Outcome::ErrorResponse(status, Some(message.to_owned())),
                "{}",
                case.operation
            );
        }
    }
    server.take_received();
}

#[tokio::test]
async fn documented_specific_statuses_and_ranges_are_told_apart() {
    let server = TestServer::start().await;
    let client = server.client();
    // Lacework operations document the 4XX range, so 404 and 429 are error responses...
    server.reply(404, json!({"message": "Not found"}));
    let got = outcome(client.get_agent_access_token().id(ID).send().await);
    assert_eq!(got, Outcome::ErrorResponse(404, Some("Not found".into())));
    // ...the access-token operations list their statuses, so an unlisted one is unexpected...
    server.reply(404, json!({"message": "Not found"}));
    assert_eq!(outcome_of_list_access_tokens(&client).await, Outcome::Unexpected(404));
    server.reply(404, json!({"type": "NotFound", "message": "accessToken not found"}));
    let got = outcome(client.get_access_token().access_token_id("x").send().await);
    assert_eq!(got, Outcome::ErrorResponse(404, Some("accessToken not found".into())));
    // ...and a redirect is never a success.
    server.reply(302, json!({}));
    assert_eq!(outcome_of_list_access_tokens(&client).await, Outcome::Unexpected(302));
}

async fn outcome_of_list_access_tokens(client: &Client) -> Outcome {
    outcome(client.list_access_tokens().send().await)
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_path_segment() {
    let server = TestServer::start().await;
    let client = server.client();
    let hostile = "a/b?c=d#e %f é";
    let encoded = "a%2Fb%3Fc=d%23e%20%25f%20%C3%A9";

    server.reply(200, json!({"data": agent_token()}));
    let _ = client.get_agent_access_token().id(hostile).send().await;
    server.reply(200, access_token());
    let _ = client.delete_access_token().access_token_id(hostile).send().await;

    let paths: Vec<String> = server.take_received().into_iter().map(|r| r.path_and_query).collect();
    assert_eq!(
        paths,
        [format!("/api/v2/AgentAccessTokens/{encoded}"), format!("/api/v2/AccessTokens/{encoded}")]
    );
}

#[tokio::test]
async fn a_plain_client_sends_no_credentials() {
    let server = TestServer::start().await;
    let client = Client::plain(&server.base_url);
    server.reply(401, json!({"message": "Unauthorized"}));
    let outcome = outcome(client.list_agent_access_tokens().send().await);
    assert_eq!(outcome, Outcome::ErrorResponse(401, Some("Unauthorized".into())));
    let [received] = <[Received; 1]>::try_from(server.take_received()).unwrap();
    assert_eq!(received.header("authorization"), None);
}

/// Refuses every request, as a facade does when it cannot get a bearer.
struct Refuse;

impl RequestHooks for Refuse {
    fn prepare<'a>(
        &'a self,
        _: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        Box::pin(async move { Err(format!("no bearer for {operation_id}").into()) })
    }
}

#[tokio::test]
async fn a_prepare_error_stops_the_request_before_it_is_sent() {
    let server = TestServer::start().await;
    let client = Client::new_with_client(&server.base_url, reqwest::Client::new(), Hooks::new(Refuse));
    let outcome = outcome(client.list_agent_access_tokens().send().await);
    assert_eq!(outcome, Outcome::Custom("no bearer for list_agent_access_tokens".into()));
    assert!(server.take_received().is_empty());
}

/// Answers every request itself, as a retrying or tracing execute hook wraps the real one.
struct CannedExecute;

impl RequestHooks for CannedExecute {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        // Send the request twice: a retry must be able to re-send the body intact.
        let again = request.try_clone().expect("JSON bodies are buffered, so cloneable");
        Box::pin(async move {
            let _first = client.execute(request).await?;
            client.execute(again).await
        })
    }
}

#[tokio::test]
async fn an_execute_hook_wraps_sending_and_can_resend_the_body() {
    let server = TestServer::start().await;
    let client = Client::new_with_client(&server.base_url, reqwest::Client::new(), Hooks::new(CannedExecute));
    server.reply(503, json!({"message": "try again"}));
    server.reply(201, json!({"data": agent_token()}));
    let body: types::AgentAccessTokenCreate = from_json(json!({"tokenAlias": "qa"}));
    let outcome = outcome(client.create_agent_access_token().body(body).send().await);
    assert!(matches!(outcome, Outcome::Success(201, _)), "{outcome:?}");
    let bodies: Vec<Value> = server.take_received().iter().map(Received::json).collect();
    assert_eq!(bodies, [json!({"tokenAlias": "qa"}), json!({"tokenAlias": "qa"})]);
}

#[test]
fn debug_output_hides_secrets_in_wire_types_and_hooks() {
    let token: types::ApiToken =
        from_json(json!({"token": "bearer-secret-123", "expiresAt": "2020-12-16T17:43:37Z"}));
    let agent: types::AgentAccessToken = from_json(agent_token());
    let access: types::AccessToken = from_json(json!({"token": "access-secret-456"}));
    let hooks = Hooks::new(TestCredentials);
    let printed = format!("{token:?} {agent:?} {access:?} {hooks:?}");
    for secret in ["bearer-secret-123", ID, "access-secret-456", KEY_SECRET, BEARER] {
        assert!(!printed.contains(secret), "{secret} appears in {printed}");
    }
    assert!(printed.contains("[redacted]"));
}
