//! Hostile servers and hostile files: what a server on the other end (the sandbox with its
//! hostile faults, or a scripted server that echoes what it is sent) can make the client do.
//! Each test asserts the bound that holds, the error that says so, and that no secret is in it.

#[path = "support/hostile_server.rs"]
mod hostile_server;
mod support;

use std::time::Duration;

use hostile_server::{Answer, HostileServer};
use lacework_tokens::budget::LocalBudget;
use lacework_tokens::{Client, ClientBuilder, DEFAULT_MAX_BODY_SIZE, Error, RetryPolicy};
use lacework_tokens_api::ops;
use lacework_tokens_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

/// The sandbox's API secret: a JWT-like value the token-shaped heuristic alone would not mask.
const SECRET: &str = "pa.ss+wo/rd=Hostile.v1";
/// A caller's bearer of the same kind.
const BEARER: &str = "ey.Jh+bG/ci=Oi.JIUz";

async fn sandbox() -> Sandbox {
    let config = SandboxConfig { secret: Some(SECRET.to_owned()), ..Default::default() };
    let sandbox = Sandbox::start(config).await.unwrap();
    sandbox.insert_agent_tokens("", "hostile-", 3);
    sandbox
}

/// A client of `sandbox` whose retries do not wait.
fn client(sandbox: &Sandbox) -> ClientBuilder {
    support::builder(sandbox)
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(1), ..RetryPolicy::default() })
}

/// How many requests of `operation` the sandbox received.
fn requests(sandbox: &Sandbox, operation: &str) -> usize {
    sandbox.journal().iter().filter(|e| e.operation == Some(operation)).count()
}

/// The error as a caller could print or log it, checked for the secrets.
fn printed(error: &Error) -> String {
    let text = format!("{error} | {error:?}");
    assert!(!text.contains(SECRET), "the secret leaked: {text}");
    assert!(!text.contains(BEARER), "the bearer leaked: {text}");
    text
}

// 1. Bodies are capped while they are read.

#[tokio::test]
async fn an_endless_answer_is_cut_at_the_cap_and_not_asked_again() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Fault::EndlessBody(None)).times(10).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let error = client(&sandbox).build().unwrap().agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(
        matches!(
            error,
            Error::TooLarge { operation, limit: DEFAULT_MAX_BODY_SIZE, error_answer: false, .. }
                if operation == ops::LIST_AGENT_ACCESS_TOKENS.id
        ),
        "{error:?}"
    );
    assert!(text.contains(&DEFAULT_MAX_BODY_SIZE.to_string()) && text.contains("max_body_size"), "{text}");
    assert_eq!(
        requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id),
        1,
        "a body over the cap is not asked again"
    );

    // The cap is the caller's to set.
    let small = client(&sandbox).max_body_size(64 * 1024).build().unwrap();
    let error = small.agent_tokens().list().await.unwrap_err();
    assert!(matches!(error, Error::TooLarge { limit: 65_536, .. }), "{error:?}");
    assert_eq!(requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id), 2);
}

#[tokio::test]
async fn an_endless_error_answer_is_cut_at_64_kib_and_not_retried() {
    let sandbox = sandbox().await;
    // A 503 is retried, unless its body is over the cap.
    sandbox.inject(
        FaultRule::new(Fault::EndlessBody(Some(503))).times(10).only(ops::LIST_AGENT_ACCESS_TOKENS.id),
    );
    let error = client(&sandbox).build().unwrap().agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    match &error {
        Error::TooLarge { status, limit, error_answer: true, .. } => {
            assert_eq!((status.as_u16(), *limit), (503, 64 * 1024));
        }
        other => panic!("{other:?}"),
    }
    assert!(text.contains("65536") && text.contains("error answers"), "{text}");
    assert_eq!(requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id), 1);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_trickling_answer_is_cut_at_the_cap_while_it_arrives() {
    let sandbox = sandbox().await;
    // 1 KB every 2 ms, without end: the cap ends the read, not the 30 s timeout.
    sandbox.inject(FaultRule::new(Fault::SlowBody(Duration::from_millis(2))).times(10));
    let client = client(&sandbox).max_body_size(16 * 1024).build().unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    printed(&error);
    // The first request is the key exchange: its answer trickles too.
    assert!(
        matches!(error, Error::TooLarge { operation, limit: 16_384, .. } if operation == ops::CREATE_API_TOKEN.id),
        "{error:?}"
    );
    assert_eq!(sandbox.journal().len(), 1, "nothing after the exchange, and no repeat of it");
}

#[tokio::test]
async fn an_announced_length_over_the_cap_is_refused_unread() {
    let sandbox = sandbox().await;
    let client = client(&sandbox).max_body_size(1024 * 1024).build().unwrap();
    client.agent_tokens().list().await.unwrap();
    sandbox.inject(FaultRule::new(Fault::HugeBody(2 * 1024 * 1024)).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let error = client.agent_tokens().list().await.unwrap_err();
    assert!(matches!(error, Error::TooLarge { limit: 1_048_576, .. }), "{error:?}");
    sandbox.inject(FaultRule::new(Fault::HugeBody(512 * 1024)).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    assert_eq!(client.agent_tokens().list().await.unwrap().len(), 3, "under the cap is fine");
}

// 2. Paged calls end.

#[tokio::test]
async fn a_next_page_that_points_back_ends_the_call() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Fault::NextPageSelf).times(1000).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let error = client(&sandbox).build().unwrap().agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(matches!(error, Error::Decode { operation: "nextPage", .. }), "{error:?}");
    assert!(text.contains("already fetched") && text.contains("paging.urls.nextPage"), "{text}");
    assert_eq!(requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id), 2, "the first page and one repeat");
}

#[tokio::test]
async fn a_next_page_url_that_echoes_the_bearer_is_shown_without_it() {
    for next in [
        format!("http://elsewhere.invalid/page?t={BEARER}"),
        format!("/{}/page?t={BEARER}", "x".repeat(9_000)),
    ] {
        let body = serde_json::json!({"data": [], "paging": {"rows": 0, "totalRows": 9, "urls": {"nextPage": next}}});
        let server = HostileServer::start(move |_| Answer {
            status: 200,
            headers: "content-type: application/json\r\n".to_owned(),
            body: body.to_string(),
        });
        let client = Client::builder().base_url(&server.base_url).bearer_token(BEARER).build().unwrap();
        let error = client.agent_tokens().list().await.unwrap_err();
        let text = printed(&error);
        assert!(matches!(error, Error::Decode { operation: "nextPage", .. }), "{text}");
    }
}

#[tokio::test]
async fn more_pages_than_total_rows_allows_end_the_call() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Fault::NextPageFresh).times(1000).only(ops::LIST_AGENT_ACCESS_TOKENS.id));
    let error = client(&sandbox).build().unwrap().agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(text.contains("more than 2 pages") && text.contains("totalRows 3"), "{text}");
    assert_eq!(
        requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id),
        2,
        "3 rows fill one page, plus one of slack"
    );

    // Honest paging, one row a page, is not cut short.
    sandbox.clear_faults();
    sandbox.set_page_size(1);
    let client = client(&sandbox).build().unwrap();
    assert_eq!(client.agent_tokens().list().await.unwrap().len(), 3);
}

// 3. A bearer with control characters is the server's fault, refused where it arrives.

#[tokio::test]
async fn a_bearer_with_control_characters_is_refused_as_a_server_error() {
    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Fault::ControlCharacters).times(2).only(ops::CREATE_API_TOKEN.id));
    let client = client(&sandbox).build().unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(
        matches!(&error, Error::Decode { operation, path, .. } if *operation == ops::CREATE_API_TOKEN.id && path == "token"),
        "a server error, not the caller's configuration: {error:?}"
    );
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert_eq!(requests(&sandbox, ops::LIST_AGENT_ACCESS_TOKENS.id), 0, "the bearer was never sent");
    let issued = client.issue_bearer_token(None).await.unwrap_err();
    assert!(matches!(issued, Error::Decode { .. }), "{issued:?}");
}

// 4. The exact secret and bearer are redacted, whatever characters they hold.

#[tokio::test]
async fn an_echoed_secret_is_redacted_exactly() {
    for server in [HostileServer::echoing_json(400), HostileServer::echoing_text(500)] {
        let client = Client::builder().base_url(&server.base_url).api_key("KEY", SECRET).build().unwrap();
        let error = client.agent_tokens().list().await.unwrap_err();
        let text = printed(&error);
        assert!(text.to_ascii_lowercase().contains("x-lw-uaks: [redacted]"), "the echo arrived: {text}");
        assert_eq!(server.requests(), 1);
    }
}

#[tokio::test]
async fn a_secret_echoed_in_a_later_call_is_redacted_too() {
    // The server keeps the secret from the exchange and shows it in a list's error.
    let server = HostileServer::start(|head| {
        let (status, body) = if head.starts_with("POST /api/v2/access/tokens ") {
            (201, r#"{"token":"_0123456789abcdef","expiresAt":"2099-01-01T00:00:00Z"}"#.to_owned())
        } else {
            (400, serde_json::json!({ "message": format!("your secret was {SECRET}") }).to_string())
        };
        Answer { status, headers: "content-type: application/json\r\n".to_owned(), body }
    });
    let client = Client::builder().base_url(&server.base_url).api_key("KEY", SECRET).build().unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(text.contains("your secret was [redacted]"), "{text}");
}

#[tokio::test]
async fn an_echoed_bearer_is_redacted_exactly() {
    for server in [HostileServer::echoing_json(400), HostileServer::echoing_text(500)] {
        let client = Client::builder().base_url(&server.base_url).bearer_token(BEARER).build().unwrap();
        let error = client.agent_tokens().get("abc").await.unwrap_err();
        let text = printed(&error);
        assert!(
            text.to_ascii_lowercase().contains("authorization: bearer [redacted]"),
            "the echo arrived: {text}"
        );
    }
}

// 6. The smaller ones.

#[tokio::test]
async fn tab_and_non_ascii_are_refused_in_the_secret_and_the_bearer() {
    for bad in ["with\ttab-secret", "non-ascii-sécret", "with\rcr-secret"] {
        let refused =
            Client::builder().base_url("http://127.0.0.1:9").api_key("KEY", bad).build().unwrap_err();
        let text = refused.to_string();
        assert!(
            matches!(&refused, Error::InvalidInput { field, .. } if field == "api_secret"),
            "{refused:?}"
        );
        assert!(!text.contains(bad) && text.contains("visible ASCII"), "{text}");
        let refused = Client::builder().base_url("http://127.0.0.1:9").bearer_token(bad).build().unwrap_err();
        assert!(
            matches!(&refused, Error::InvalidInput { field, .. } if field == "bearer token"),
            "{refused:?}"
        );
        assert!(!refused.to_string().contains(bad));
    }
}

#[tokio::test]
async fn a_retry_after_too_large_to_read_is_too_long_not_absent() {
    let server = HostileServer::start(|_| Answer {
        status: 429,
        headers: "retry-after: 99999999999999999999999999\r\ncontent-type: application/json\r\n".to_owned(),
        body: r#"{"message":"slow down"}"#.to_owned(),
    });
    let client = Client::builder().base_url(&server.base_url).bearer_token(BEARER).build().unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    printed(&error);
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(server.requests(), 1, "no quick retries");
}

#[tokio::test]
async fn waits_too_long_for_the_clock_do_not_panic_a_paced_client() {
    // Each fits a u64 of seconds, and no `Instant` can be that far ahead.
    let server = HostileServer::start(|_| Answer {
        status: 429,
        headers: "retry-after: 10000000000000000000\r\nratelimit-limit: 480\r\nratelimit-remaining: 0\r\n\
                  ratelimit-reset: 10000000000000000000\r\ncontent-type: application/json\r\n"
            .to_owned(),
        body: r#"{"message":"slow down"}"#.to_owned(),
    });
    let budget = std::sync::Arc::new(
        LocalBudget::new(480, Duration::from_secs(3600)).max_wait(Duration::from_secs(1)),
    );
    let client = Client::builder()
        .base_url(&server.base_url)
        .bearer_token(BEARER)
        .request_budget(budget)
        .build()
        .unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    printed(&error);
    assert!(matches!(error, Error::RateLimited { .. } | Error::OverBudget { .. }), "{error:?}");
    assert_eq!(server.requests(), 1, "no quick retries");
    let again = client.agent_tokens().list().await.unwrap_err();
    assert!(
        matches!(again, Error::OverBudget { .. }),
        "the budget waits out the window, or stops: {again:?}"
    );
    assert_eq!(server.requests(), 1, "nothing sent into a spent window");
}

#[tokio::test]
async fn an_exchange_answering_200_instead_of_201_is_accepted() {
    let server = HostileServer::start(|head| {
        let body = if head.starts_with("POST /api/v2/access/tokens ") {
            r#"{"token":"_0123456789abcdef","expiresAt":"2099-01-01T00:00:00Z"}"#
        } else {
            r#"{"data":[]}"#
        };
        Answer {
            status: 200,
            headers: "content-type: application/json\r\n".to_owned(),
            body: body.to_owned(),
        }
    });
    let client = Client::builder().base_url(&server.base_url).api_key("KEY", SECRET).build().unwrap();
    assert!(client.agent_tokens().list().await.unwrap().is_empty());
    assert_eq!(server.requests(), 2, "one exchange, one list");
}

#[tokio::test]
async fn another_success_status_than_the_spec_lists_is_a_decode_error_not_an_api_error() {
    let server = HostileServer::start(|_| Answer {
        status: 202,
        headers: "content-type: application/json\r\n".to_owned(),
        body: r#"{"data":[]}"#.to_owned(),
    });
    let client = Client::builder().base_url(&server.base_url).bearer_token(BEARER).build().unwrap();
    let error = client.agent_tokens().list().await.unwrap_err();
    let text = printed(&error);
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(text.contains("202 Accepted, a success status the spec does not list"), "{text}");
}

#[tokio::test]
async fn an_id_too_long_for_a_url_is_the_callers_error_sent_nowhere() {
    let sandbox = sandbox().await;
    let client = client(&sandbox).build().unwrap();
    let long = "a".repeat(70_000);
    let error = client.agent_tokens().get(long.as_str()).await.unwrap_err();
    let text = printed(&error);
    assert!(matches!(&error, Error::InvalidInput { field, .. } if field == "request path"), "{error:?}");
    assert!(text.contains("65534"), "{text}");
    assert!(!error.is_retryable());
    assert_eq!(requests(&sandbox, ops::GET_AGENT_ACCESS_TOKEN.id), 0);
    // The client is none the worse: the next call goes through.
    assert_eq!(client.agent_tokens().list().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_create_is_not_repeated_after_a_401() {
    let sandbox = sandbox().await;
    let client = client(&sandbox).build().unwrap();
    client.agent_tokens().list().await.unwrap();
    sandbox.expire_bearers();
    let error = client.agent_tokens().create("after-401").send().await.unwrap_err();
    let text = printed(&error);
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    assert!(text.contains("not repeated"), "{text}");
    assert_eq!(requests(&sandbox, ops::CREATE_AGENT_ACCESS_TOKEN.id), 1, "sent once");
    assert_eq!(sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 0);
    // A fresh bearer was fetched for what follows: the next create needs no other exchange.
    assert_eq!(sandbox.effects(ops::CREATE_API_TOKEN.id), 2);
    client.agent_tokens().create("after-401").send().await.unwrap();
    assert_eq!(sandbox.effects(ops::CREATE_API_TOKEN.id), 2);
    assert_eq!(sandbox.effects(ops::CREATE_AGENT_ACCESS_TOKEN.id), 1);
}

#[cfg(unix)]
#[test]
fn a_config_file_others_can_read_or_write_is_used_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let home = std::env::temp_dir().join(format!("lwtokens-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join(".lacework.toml");
    std::fs::write(
        &file,
        format!("[default]\naccount = \"acme\"\napi_key = \"KEY\"\napi_secret = \"{SECRET}\"\n"),
    )
    .unwrap();
    let no_env = |_: &str| None;
    let mut warnings = Vec::new();
    for mode in [0o600, 0o644, 0o620] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        captured.0.lock().unwrap().clear();
        let settings = lacework_tokens::config::gather(&no_env, Some(&home), None).unwrap();
        assert_eq!(settings.account.map(|a| a.value).as_deref(), Some("acme"), "used, not refused");
        warnings.push(String::from_utf8(captured.0.lock().unwrap().clone()).unwrap());
    }
    std::fs::remove_dir_all(&home).unwrap();
    assert_eq!(warnings[0], "", "a private file: no warning");
    assert!(
        warnings[1].contains("WARN") && warnings[1].contains("readable by other users"),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[2].contains("writable by other users") && warnings[2].contains("chmod 600"),
        "{}",
        warnings[2]
    );
    assert!(warnings.iter().all(|w| !w.contains(SECRET)));
}
