//! The sandbox behaves like the service: auth, sub-accounts, validation, paging, wire forms,
//! rate limits and the journal. Every answer is checked against the spec by the harness.

mod support;

use std::time::Duration;

use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{
    PropsForm, RateLimit, SandboxConfig, TimestampForm, TokenEnabledForm, WireForms,
};
use reqwest::Method;
use serde_json::{Value, json};
use support::Harness;

async fn harness() -> Harness {
    Harness::start(SandboxConfig::default()).await
}

#[tokio::test]
async fn root_answers_200_for_readiness_checks() {
    let h = harness().await;
    let response = h.http.get(h.sandbox.base_url()).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_exchange_checks_key_secret_and_expiry() {
    let h = harness().await;
    let key = h.sandbox.key_id().to_owned();
    let secret = h.sandbox.secret().to_owned();
    let exchange = |body: Value, secret: Option<String>| {
        let h = &h;
        async move {
            let headers: Vec<(&str, String)> = secret.into_iter().map(|s| ("x-lw-uaks", s)).collect();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            h.send(Method::POST, "/api/v2/access/tokens", Some(body), &headers).await
        }
    };
    let ok = exchange(json!({"keyId": key}), Some(secret.clone())).await;
    assert_eq!(ok.status, 201);
    let expires_at = chrono::DateTime::parse_from_rfc3339(ok.body["expiresAt"].as_str().unwrap()).unwrap();
    let lifetime = expires_at.signed_duration_since(chrono::Utc::now()).num_seconds();
    assert!((3590..=3600).contains(&lifetime), "default expiry is 3600 s, got {lifetime}");

    assert_eq!(exchange(json!({"keyId": key}), Some("wrong".into())).await.status, 401);
    assert_eq!(exchange(json!({"keyId": key}), None).await.status, 401);
    assert_eq!(exchange(json!({"keyId": "OTHER"}), Some(secret.clone())).await.status, 401);
    for bad_expiry in [0, 86401, -5] {
        let answer = exchange(json!({"keyId": key, "expiryTime": bad_expiry}), Some(secret.clone())).await;
        assert_eq!(answer.status, 400, "expiryTime {bad_expiry}: {answer:?}");
    }
    let max = exchange(json!({"keyId": key, "expiryTime": 86400}), Some(secret.clone())).await;
    assert_eq!(max.status, 201);
    // JSON Schema reads 60.0 as the integer 60, so the spec allows it.
    let float = exchange(json!({"keyId": key, "expiryTime": 60.0}), Some(secret.clone())).await;
    assert_eq!(float.status, 201, "{float:?}");
    let answer = exchange(json!({"keyId": key, "extra": 1}), Some(secret)).await;
    assert_eq!(answer.status, 400, "no other fields");
}

#[tokio::test]
async fn every_other_endpoint_needs_a_valid_unexpired_bearer() {
    let h = harness().await;
    for (method, path) in [
        (Method::GET, "/api/v2/AgentAccessTokens"),
        (Method::POST, "/api/v2/AgentAccessTokens"),
        (Method::GET, "/api/v2/AgentAccessTokens/abc"),
        (Method::GET, "/api/v2/AccessTokens"),
        (Method::DELETE, "/api/v2/AccessTokens/abc"),
    ] {
        let none = h.send(method.clone(), path, None, &[]).await;
        assert_eq!(none.status, 401, "{method} {path} without a bearer");
        let wrong = h.send(method.clone(), path, None, &[("authorization", "Bearer not-issued")]).await;
        assert_eq!(wrong.status, 401, "{method} {path} with an unknown bearer");
        let no_scheme = h.send(method.clone(), path, None, &[("authorization", &h.bearer)]).await;
        assert_eq!(no_scheme.status, 401, "{method} {path}: the `Bearer ` prefix is required");
    }
    assert_eq!(h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await.status, 200);
    h.sandbox.expire_bearers();
    let expired = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    assert_eq!((expired.status, expired.message()), (401, "the bearer token has expired"));
}

#[tokio::test]
async fn agent_tokens_are_created_listed_read_and_updated_field_by_field() {
    let h = harness().await;
    let created = h
        .call(
            Method::POST,
            "/api/v2/AgentAccessTokens",
            Some(json!({"tokenAlias": "qa", "props": {"description": "QA group", "os": "linux", "subscription": "standard"}})),
        )
        .await;
    assert_eq!(created.status, 201);
    let token = created.body["data"]["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 56);
    assert_eq!(created.body["data"]["tokenEnabled"], "1", "enabled when tokenEnabled is absent");
    assert_eq!(created.body["data"]["version"], "0.1");

    // A rename alone changes nothing else.
    let path = format!("/api/v2/AgentAccessTokens/{token}");
    let renamed = h.call(Method::PATCH, &path, Some(json!({"tokenAlias": "Eng"}))).await;
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.body["data"]["tokenAlias"], "Eng");
    assert_eq!(renamed.body["data"]["tokenEnabled"], "1");
    assert_eq!(renamed.body["data"]["props"], created.body["data"]["props"]);

    for (form, enabled) in [(json!(0), "0"), (json!("1"), "1"), (json!(false), "0"), (json!(true), "1")] {
        let answer = h.call(Method::PATCH, &path, Some(json!({"tokenEnabled": form}))).await;
        assert_eq!(answer.body["data"]["tokenEnabled"], enabled, "tokenEnabled sent as {form}");
    }
    let described = h.call(Method::PATCH, &path, Some(json!({"props": {"description": "Eng group"}}))).await;
    let props: Value = serde_json::from_str(described.body["data"]["props"].as_str().unwrap()).unwrap();
    assert_eq!(props["DESCRIPTION"], "Eng group");
    assert_eq!(props["OS"], "linux", "other props are kept");

    let fetched = h.call(Method::GET, &path, None).await;
    assert_eq!(fetched.body["data"], described.body["data"]);
    let listed = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    assert_eq!(listed.body["data"], json!([described.body["data"]]));
    assert!(listed.body.get("paging").is_none(), "one page: no paging block");

    let disabled = h.create_agent_token(json!({"tokenAlias": "off", "tokenEnabled": 0})).await;
    let answer = h.call(Method::GET, &format!("/api/v2/AgentAccessTokens/{disabled}"), None).await;
    assert_eq!(answer.body["data"]["tokenEnabled"], "0");
}

#[tokio::test]
async fn access_tokens_live_and_die() {
    let h = harness().await;
    let created = h
        .call(
            Method::POST,
            "/api/v2/AccessTokens",
            Some(json!({"name": "ci", "scope": ["devices"], "expirationDate": "2030-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(created.status, 201);
    let secret = created.body["token"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    assert_eq!(created.body["status"], "active");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v2/AccessTokens/{id}");

    let fetched = h.call(Method::GET, &path, None).await;
    assert_eq!(fetched.status, 200);
    assert!(fetched.body.get("token").is_none(), "the secret is returned once, at creation");
    assert_eq!(fetched.body["userId"].as_str().unwrap().len(), 24);

    let patched = h.call(Method::PATCH, &path, Some(json!({"name": "ci-2", "status": "inactive"}))).await;
    assert_eq!(
        (patched.body["name"].as_str(), patched.body["status"].as_str()),
        (Some("ci-2"), Some("inactive"))
    );
    for bad in [
        json!({"name": ""}),
        json!({"name": "x".repeat(256)}),
        json!({"scope": []}),
        json!({"status": "paused"}),
    ] {
        let answer = h.call(Method::PATCH, &path, Some(bad.clone())).await;
        assert_eq!((answer.status, answer.body["type"].as_str()), (400, Some("BadRequest")), "{bad}");
    }
    let at_limit = h.call(Method::PATCH, &path, Some(json!({"name": "x".repeat(255)}))).await;
    assert_eq!(at_limit.status, 200);

    // The spec allows any id: one that was never issued is not found, not malformed.
    let unknown = h.call(Method::GET, "/api/v2/AccessTokens/not-an-id", None).await;
    assert_eq!((unknown.status, unknown.body["type"].as_str()), (404, Some("NotFound")));

    let listed = h.call(Method::GET, "/api/v2/AccessTokens", None).await;
    assert_eq!(listed.body["count"], 1);
    let deleted = h.call(Method::DELETE, &path, None).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!({"success": true})));
    for method in [Method::GET, Method::DELETE, Method::PATCH] {
        let body = (method == Method::PATCH).then(|| json!({"name": "x"}));
        let answer = h.call(method.clone(), &path, body).await;
        assert_eq!(
            (answer.status, answer.body["type"].as_str()),
            (404, Some("NotFound")),
            "{method} after delete"
        );
    }
}

#[tokio::test]
async fn sub_accounts_keep_their_data_apart() {
    let h = harness().await;
    let primary = h.create_agent_token(json!({"tokenAlias": "primary"})).await;
    let answer = h
        .call_as("child", Method::POST, "/api/v2/AgentAccessTokens", Some(json!({"tokenAlias": "child"})))
        .await;
    let child = answer.body["data"]["accessToken"].as_str().unwrap().to_owned();

    let aliases = |answer: &support::Answer| -> Vec<String> {
        answer.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["tokenAlias"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(aliases(&h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await), ["primary"]);
    assert_eq!(aliases(&h.call_as("child", Method::GET, "/api/v2/AgentAccessTokens", None).await), ["child"]);
    assert_eq!(
        h.call_as("child", Method::GET, &format!("/api/v2/AgentAccessTokens/{primary}"), None).await.status,
        404
    );
    assert_eq!(h.call(Method::GET, &format!("/api/v2/AgentAccessTokens/{child}"), None).await.status, 404);
    let journal = h.sandbox.journal();
    assert_eq!(journal.iter().filter(|e| e.sub_account.as_deref() == Some("child")).count(), 3);
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_message_and_no_effect() {
    let h = harness().await;
    let url = format!("{}/api/v2/AgentAccessTokens", h.sandbox.base_url());
    let auth = format!("Bearer {}", h.bearer);
    let raw = |body: Vec<u8>| {
        h.http.post(&url).header("authorization", &auth).header("content-type", "application/json").body(body)
    };

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("malformed JSON", b"{\"tokenAlias\": ".to_vec()),
        ("not JSON at all", b"\xff\xfe\x00garbage".to_vec()),
        ("empty body", Vec::new()),
        ("wrong type", br#"{"tokenAlias": 42}"#.to_vec()),
        ("empty alias", br#"{"tokenAlias": ""}"#.to_vec()),
        ("forbidden extra field", br#"{"tokenAlias": "x", "owner": "me"}"#.to_vec()),
        ("bad enum", br#"{"tokenAlias": "x", "props": {"os": "plan9"}}"#.to_vec()),
        ("tokenEnabled 2", br#"{"tokenAlias": "x", "tokenEnabled": 2}"#.to_vec()),
        ("over 1 MB", format!(r#"{{"tokenAlias": "{}"}}"#, "x".repeat(1024 * 1024)).into_bytes()),
    ];
    for (what, body) in cases {
        let answer = support::into_answer(raw(body).send().await.unwrap()).await;
        h.check(&Method::POST, "/api/v2/AgentAccessTokens", &answer);
        assert_eq!(answer.status, 400, "{what}: {answer:?}");
        assert!(!answer.message().is_empty(), "{what}: an error body says what was wrong");
    }
    assert_eq!(h.sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 0, "nothing was created");

    let unknown = h.call(Method::GET, "/api/v2/AgentAccessTokens/0123456789abcdef", None).await;
    assert_eq!(unknown.status, 404);
    assert!(!unknown.message().contains("0123456789abcdef"), "the id (a secret) is not echoed");
    let wrong_method = h.call(Method::PUT, "/api/v2/AgentAccessTokens", None).await;
    assert_eq!(wrong_method.status, 405);
    let no_route = h.call(Method::GET, "/api/v2/Nothing", None).await;
    assert_eq!(no_route.status, 404);
    let bad_sub_account =
        h.send(Method::GET, "/api/v2/AgentAccessTokens", None, &[("account-name", " ")]).await;
    assert_eq!(bad_sub_account.status, 400);
}

#[tokio::test]
async fn lists_and_searches_page_through_next_page_urls() {
    let h = harness().await;
    h.sandbox.set_page_size(2);
    h.sandbox.insert_agent_tokens("", "bulk-", 5);
    for (method, path, body) in [
        (Method::GET, "/api/v2/AgentAccessTokens", None),
        (
            Method::POST,
            "/api/v2/AgentAccessTokens/search",
            Some(json!({"filters": [{"field": "tokenAlias", "expression": "like", "value": "bulk-%"}]})),
        ),
    ] {
        let mut answer = h.call(method, path, body).await;
        let mut pages = vec![];
        loop {
            pages.push(answer.body["data"].as_array().unwrap().len());
            assert_eq!(answer.body["paging"]["totalRows"], 5);
            match answer.body["paging"]["urls"]["nextPage"].as_str() {
                Some(next) => answer = h.call(Method::GET, next, None).await,
                None => break,
            }
        }
        assert_eq!(pages, [2, 2, 1], "{path}");
    }
    // A page is read once, and only with the bearer's key.
    let first = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    let next = first.body["paging"]["urls"]["nextPage"].as_str().unwrap().to_owned();
    assert_eq!(h.send(Method::GET, &next, None, &[]).await.status, 401);
    assert_eq!(h.call(Method::GET, &next, None).await.status, 200);
    assert_eq!(h.call(Method::GET, &next, None).await.status, 404);
}

#[tokio::test]
async fn every_wire_form_is_served_and_valid() {
    let h = harness().await;
    let token = h
        .create_agent_token(json!({"tokenAlias": "forms", "tokenEnabled": 0, "props": {"description": "d"}}))
        .await;
    for forms in WireForms::all() {
        h.sandbox.set_forms(forms);
        let answer = h.call(Method::GET, &format!("/api/v2/AgentAccessTokens/{token}"), None).await;
        let data = &answer.body["data"];
        match forms.token_enabled {
            TokenEnabledForm::String => assert_eq!(data["tokenEnabled"], "0"),
            TokenEnabledForm::Integer => assert_eq!(data["tokenEnabled"], 0),
        }
        let created = data["createdTime"].as_str().unwrap();
        match forms.timestamps {
            TimestampForm::Milliseconds => {
                assert_eq!(created.len(), "2020-12-16T16:43:37.915Z".len(), "{created}")
            }
            TimestampForm::Seconds => {
                assert_eq!(created.len(), "2020-12-16T16:43:37Z".len(), "{created}")
            }
        }
        match forms.props {
            PropsForm::JsonString => {
                let props: Value = serde_json::from_str(data["props"].as_str().unwrap()).unwrap();
                assert_eq!(props["DESCRIPTION"], "d");
                assert!(props["CREATED_TIME"].is_i64());
            }
            PropsForm::Object => {
                assert_eq!(data["props"]["description"], "d");
                assert_eq!(data["props"]["createdTime"], created);
            }
        }
        // And the generated wire type decodes it.
        serde_json::from_value::<lacework_tokens_api::types::AgentAccessToken>(data.clone()).unwrap();
    }
}

#[tokio::test]
async fn rate_limits_are_reported_always_and_enforced_on_request() {
    let h = harness().await;
    let answer = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    assert_eq!(answer.header("ratelimit-limit"), Some("480"));
    assert_eq!(answer.header("ratelimit-remaining"), Some("479"));
    assert!(answer.header("ratelimit-reset").unwrap().parse::<u64>().unwrap() <= 3600);
    // Another functionality has its own window.
    let access = h.call(Method::GET, "/api/v2/AccessTokens", None).await;
    assert_eq!(access.header("ratelimit-remaining"), Some("479"));

    h.sandbox.set_rate_limit(RateLimit { limit: 3, window: Duration::from_secs(60), enforce: true });
    let statuses = {
        let mut statuses = vec![];
        for _ in 0..3 {
            statuses.push(h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await.status);
        }
        statuses
    };
    assert_eq!(statuses, [200, 200, 429], "two left of three after the first call");
    let refused = h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(refused.message(), "Rate limit exceeded");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let sandbox = lacework_tokens_sandbox::Sandbox::start(SandboxConfig::default()).await.unwrap();
    let url = sandbox.base_url().to_owned();
    let http = reqwest::Client::new();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);
    sandbox.shutdown().await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn hostile_requests_get_json_errors_and_the_server_stays_up() {
    let h = harness().await;
    let long_id = "a".repeat(20_000);
    for path in [
        "/api/v2/AgentAccessTokens/%ff%fe".to_owned(),
        "/api/v2/AgentAccessTokens/%zz".to_owned(),
        "/api/v2/AccessTokens/%ff".to_owned(),
        format!("/api/v2/AgentAccessTokens/{long_id}"),
        "/api/v2/AgentAccessTokens/..%2F..%2Fetc".to_owned(),
    ] {
        let answer = h.call(Method::GET, &path, None).await;
        assert!(matches!(answer.status, 400 | 404), "{path}: {answer:?}");
        assert!(!answer.message().is_empty(), "{path}: a JSON error body");
    }
    let auth = format!("Bearer {}", h.bearer);
    let non_ascii = reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap();
    let response = h
        .http
        .get(format!("{}/api/v2/AgentAccessTokens", h.sandbox.base_url()))
        .header("authorization", &auth)
        .header("account-name", non_ascii)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let answer =
        h.send(Method::POST, "/api/v2/AgentAccessTokens/search", None, &[("authorization", &auth)]).await;
    assert_eq!(answer.status, 400, "an empty search body is not JSON");
    let response = h
        .http
        .post(format!("{}/api/v2/AgentAccessTokens/search", h.sandbox.base_url()))
        .header("authorization", &auth)
        .body(nested)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(h.call(Method::GET, "/api/v2/AgentAccessTokens", None).await.status, 200, "still serving");
}
