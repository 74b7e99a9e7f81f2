//! The generated client (`lacework-tokens-api`) end to end against the sandbox: every operation,
//! its success and each error status the spec documents for it, with the credentials added by a
//! `RequestHooks` as the facade does. Every answer, errors included, is checked against the
//! spec's schema for its operation and status.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use lacework_tokens_api::hooks::{BoxFuture, PrepareError};
use lacework_tokens_api::{
    Client, ClientAccessTokensExt, ClientAgentAccessTokensExt, ClientAuthExt, Error, Hooks, RequestHooks,
    ResponseValue, types,
};
use lacework_tokens_api::{operations, ops};
use lacework_tokens_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
use serde_json::json;

/// Adds the API key's secret to the exchange and the current bearer to everything else, and
/// checks every answer against the spec.
struct Credentials {
    secret: Mutex<String>,
    bearer: Mutex<String>,
    /// Answers checked against the spec.
    checked: Mutex<usize>,
}

impl RequestHooks for Credentials {
    fn prepare<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, Result<(), PrepareError>> {
        let header = match operation_id {
            name if name == ops::CREATE_API_TOKEN.name => ("x-lw-uaks", self.secret.lock().unwrap().clone()),
            _ => ("authorization", format!("Bearer {}", self.bearer.lock().unwrap())),
        };
        Box::pin(async move {
            request.headers_mut().insert(header.0, header.1.parse()?);
            Ok(())
        })
    }

    /// Sends the request and checks the answer against the spec before the client decodes it.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            let response = client.execute(request).await?;
            let (status, headers) = (response.status(), response.headers().clone());
            let bytes = response.bytes().await?;
            let body: serde_json::Value = serde_json::from_slice(&bytes).expect("the sandbox answers JSON");
            let operation = operations::by_name(operation_id).expect("an operation of the spec").id;
            lacework_tokens_contract::check_response(operation, status.as_u16(), &body)
                .unwrap_or_else(|e| panic!("{e}"));
            *self.checked.lock().unwrap() += 1;
            let mut rebuilt = http::Response::new(bytes);
            *rebuilt.status_mut() = status;
            *rebuilt.headers_mut() = headers;
            Ok(reqwest::Response::from(rebuilt))
        })
    }
}

/// The status a call ended with; errors must be the spec's `Error`, with a message.
fn status<T>(result: Result<ResponseValue<T>, Error<types::Error>>) -> u16 {
    match result {
        Ok(value) => value.status().as_u16(),
        Err(Error::ErrorResponse(e)) => {
            assert!(e.message.is_some(), "an error body carries a message");
            e.status().as_u16()
        }
        Err(other) => panic!("not an answer the spec documents: {other}"),
    }
}

struct World {
    sandbox: Sandbox,
    client: Client,
    credentials: Arc<Credentials>,
}

impl World {
    async fn start() -> World {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let credentials = Arc::new(Credentials {
            secret: Mutex::new(sandbox.secret().to_owned()),
            bearer: Mutex::default(),
            checked: Mutex::default(),
        });
        let client = Client::new_with_client(
            sandbox.base_url(),
            reqwest::Client::new(),
            Hooks::from_arc(credentials.clone()),
        );
        let world = World { sandbox, client, credentials };
        world.login().await;
        world
    }

    async fn login(&self) {
        let body = types::ApiTokenRequest::builder().key_id(self.sandbox.key_id());
        let token = self.client.create_api_token().body(body).send().await.unwrap().into_inner();
        *self.credentials.bearer.lock().unwrap() = token.token.expose_secret().to_owned();
    }

    async fn agent_token(&self) -> String {
        let body = types::AgentAccessTokenCreate::builder().token_alias("target");
        let created = self.client.create_agent_access_token().body(body).send().await.unwrap();
        created.into_inner().data.access_token.expose_secret().to_owned()
    }

    async fn access_token(&self) -> String {
        let body = types::AccessTokenPost::builder().name("target");
        let created = self.client.create_access_token().body(body).send().await.unwrap();
        created.into_inner().id.unwrap()
    }
}

/// What a call targets: a live agent token and access token, or ids that do not exist.
struct Target {
    agent: String,
    access: String,
    sub_account: Option<&'static str>,
}

type Call = for<'a> fn(&'a World, &'a Target) -> Pin<Box<dyn Future<Output = u16> + 'a>>;

/// Every operation, its success status, and how to call it.
fn operations() -> Vec<(&'static str, u16, Call)> {
    fn agent_props() -> types::AgentAccessTokenPropsInput {
        serde_json::from_value(json!({"description": "d", "os": "linux"})).unwrap()
    }
    vec![
        (ops::CREATE_API_TOKEN.id, 201, |w, _| {
            Box::pin(async move {
                let body = types::ApiTokenRequest::builder()
                    .key_id(w.sandbox.key_id())
                    .expiry_time(std::num::NonZeroU32::new(60));
                status(w.client.create_api_token().body(body).send().await)
            })
        }),
        (ops::CREATE_AGENT_ACCESS_TOKEN.id, 201, |w, t| {
            Box::pin(async move {
                let body =
                    types::AgentAccessTokenCreate::builder().token_alias("qa").props(Some(agent_props()));
                let mut call = w.client.create_agent_access_token().body(body);
                if let Some(sub) = t.sub_account {
                    call = call.account_name(sub);
                }
                status(call.send().await)
            })
        }),
        (ops::LIST_AGENT_ACCESS_TOKENS.id, 200, |w, t| {
            Box::pin(async move {
                let mut call = w.client.list_agent_access_tokens();
                if let Some(sub) = t.sub_account {
                    call = call.account_name(sub);
                }
                status(call.send().await)
            })
        }),
        (ops::SEARCH_AGENT_ACCESS_TOKENS.id, 200, |w, t| {
            Box::pin(async move {
                let body: types::AgentAccessTokenSearch = serde_json::from_value(
                    json!({"filters": [{"field": "tokenAlias", "expression": "eq", "value": "target"}]}),
                )
                .unwrap();
                let mut call = w.client.search_agent_access_tokens().body(body);
                if let Some(sub) = t.sub_account {
                    call = call.account_name(sub);
                }
                status(call.send().await)
            })
        }),
        (ops::GET_AGENT_ACCESS_TOKEN.id, 200, |w, t| {
            Box::pin(async move {
                let mut call = w.client.get_agent_access_token().id(t.agent.as_str());
                if let Some(sub) = t.sub_account {
                    call = call.account_name(sub);
                }
                status(call.send().await)
            })
        }),
        (ops::UPDATE_AGENT_ACCESS_TOKEN.id, 200, |w, t| {
            Box::pin(async move {
                let body =
                    types::AgentAccessTokenUpdate::builder().token_alias(Some("renamed".try_into().unwrap()));
                let mut call = w.client.update_agent_access_token().id(t.agent.as_str()).body(body);
                if let Some(sub) = t.sub_account {
                    call = call.account_name(sub);
                }
                status(call.send().await)
            })
        }),
        (ops::LIST_ACCESS_TOKENS.id, 200, |w, _| {
            Box::pin(async move { status(w.client.list_access_tokens().send().await) })
        }),
        (ops::CREATE_ACCESS_TOKEN.id, 201, |w, _| {
            Box::pin(async move {
                let body = types::AccessTokenPost::builder().name("ci").scope(vec!["devices".to_owned()]);
                status(w.client.create_access_token().body(body).send().await)
            })
        }),
        (ops::GET_ACCESS_TOKEN.id, 200, |w, t| {
            Box::pin(async move {
                status(w.client.get_access_token().access_token_id(t.access.as_str()).send().await)
            })
        }),
        (ops::PATCH_ACCESS_TOKEN.id, 200, |w, t| {
            Box::pin(async move {
                let body =
                    types::AccessTokenPatch::builder().status(Some(types::AccessTokenStatus::Inactive));
                status(
                    w.client.patch_access_token().access_token_id(t.access.as_str()).body(body).send().await,
                )
            })
        }),
        (ops::DELETE_ACCESS_TOKEN.id, 200, |w, t| {
            Box::pin(async move {
                status(w.client.delete_access_token().access_token_id(t.access.as_str()).send().await)
            })
        }),
    ]
}

/// The statuses the spec documents for an operation's errors, as concrete statuses to provoke.
fn documented_errors(operation_id: &str) -> Vec<u16> {
    let op = lacework_tokens_contract::operation(operation_id).unwrap();
    op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .flat_map(|status| match status.as_str() {
            "4XX" => vec![400, 401, 404, 429],
            "5XX" => vec![500, 502, 503],
            code => vec![code.parse().unwrap()],
        })
        .filter(|s| *s >= 400)
        .collect()
}

#[tokio::test]
async fn every_operation_succeeds_and_fails_as_documented() {
    let world = World::start().await;
    let mut exercised = Vec::new();
    for (operation, success, call) in operations() {
        let live = Target {
            agent: world.agent_token().await,
            access: world.access_token().await,
            sub_account: None,
        };
        assert_eq!(call(&world, &live).await, success, "{operation} succeeds");

        for error in documented_errors(operation) {
            let live = Target {
                agent: world.agent_token().await,
                access: world.access_token().await,
                sub_account: None,
            };
            // Provoke each status the natural way where the API has one, else inject it.
            let has_agent_id =
                [ops::GET_AGENT_ACCESS_TOKEN.id, ops::UPDATE_AGENT_ACCESS_TOKEN.id].contains(&operation);
            let has_access_id =
                [ops::GET_ACCESS_TOKEN.id, ops::PATCH_ACCESS_TOKEN.id, ops::DELETE_ACCESS_TOKEN.id]
                    .contains(&operation);
            let target = match error {
                400 if operation.contains("AgentAccessToken") => Target { sub_account: Some(" "), ..live },
                // Any id is valid by the spec, and these operations take no other parameter the
                // generated client could get wrong: their 400 is injected.
                401 if operation == ops::CREATE_API_TOKEN.id => {
                    *world.credentials.secret.lock().unwrap() = "wrong".into();
                    live
                }
                401 => {
                    world.sandbox.expire_bearers();
                    live
                }
                404 if has_agent_id => Target { agent: "0".repeat(56), ..live },
                404 if has_access_id => Target { access: "0".repeat(24), ..live },
                status => {
                    world.sandbox.inject(
                        FaultRule::new(Fault::Status { status, retry_after: Some(1) }).only(operation),
                    );
                    live
                }
            };
            let got = call(&world, &target).await;
            world.sandbox.clear_faults();
            *world.credentials.secret.lock().unwrap() = world.sandbox.secret().to_owned();
            world.login().await;
            assert_eq!(got, error, "{operation} answers {error}");
            exercised.push((operation, error));
        }
    }
    // Each operation was exercised with its success and every documented error status.
    for (operation, _, _) in operations() {
        let errors = exercised.iter().filter(|(op, _)| *op == operation).count();
        assert_eq!(errors, documented_errors(operation).len(), "{operation}");
    }
    assert!(
        *world.credentials.checked.lock().unwrap() > exercised.len() * 2,
        "answers were checked against the spec"
    );
}
