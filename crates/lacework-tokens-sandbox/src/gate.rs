//! What every request passes through before and after its handler: sub-account and bearer
//! checks, rate limits, injected faults, `RateLimit-*` headers, the journal and the log line.
//! Handlers see only requests that passed, with the [`Caller`] in their extensions.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::error::ApiError;
use crate::faults::{CONTROL_SEQUENCE, Fault};
use crate::journal::JournalEntry;
use crate::operations::{self, Operation};
use crate::ratelimit::Standing;
use crate::state::Shared;

/// Who is calling: set by the gate on every request that needs a bearer.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The API key the bearer was issued for.
    pub key_id: String,
    /// The sub-account (`Account-Name`), "" for the primary account.
    pub sub_account: String,
}

/// Set by the key exchange on its answer: the API key it issued a bearer for, for the journal.
#[derive(Clone, Debug)]
pub struct ExchangedKey(pub String);

/// Marks a response whose connection must be closed without sending it (see `server`).
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

/// The middleware.
pub async fn gate(State(shared): State<Arc<Shared>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let operation = route.as_deref().and_then(|r| operations::operation(&method, r));
    let raw_path = request.uri().path_and_query().map_or_else(String::new, |p| p.as_str().to_owned());
    let mut entry = JournalEntry {
        operation: operation.map(|o| o.id),
        method: method.to_string(),
        raw_path,
        sub_account: None,
        key_id: None,
        fault: None,
        processed: false,
        status: None,
    };

    let mut response = match admit(&shared, &mut request, route.as_deref(), operation) {
        Err(refusal) => refusal.into_response(),
        Ok((standing, fault)) => {
            let caller = request.extensions().get::<Caller>();
            entry.sub_account = caller.map(|c| c.sub_account.clone());
            entry.key_id = caller.map(|c| c.key_id.clone());
            entry.fault = fault.clone();
            let mut response = match fault {
                Some(fault) if !fault.processes_request() => injected(&fault),
                _ if standing.refused => too_many_requests(&standing),
                fault => {
                    if let Some(Fault::Delay(delay)) = fault {
                        tokio::time::sleep(delay).await;
                    }
                    entry.processed = true;
                    let requested = format!("{}{}", shared.base_url, entry.raw_path);
                    mangle(next.run(request).await, entry.fault.as_ref(), &requested).await
                }
            };
            set_rate_limit_headers(response.headers_mut(), &standing);
            response
        }
    };
    if let Some(ExchangedKey(key_id)) = response.extensions().get::<ExchangedKey>() {
        entry.key_id = Some(key_id.clone());
    }
    if response.extensions().get::<DropConnection>().is_none() {
        entry.status = Some(response.status().as_u16());
    } else {
        // Nothing of this response will be sent; keep it small.
        *response.body_mut() = Body::empty();
    }
    tracing::info!(
        "{} {} -> {} {} {:.1}ms{}",
        entry.method,
        route.as_deref().unwrap_or("(no route)"),
        entry.status.map_or_else(|| "dropped".to_owned(), |s| s.to_string()),
        entry.operation.unwrap_or("-"),
        started.elapsed().as_secs_f64() * 1000.0,
        entry.fault.as_ref().map_or_else(String::new, |f| format!(" fault={f:?}")),
    );
    shared.record(entry);
    response
}

/// Checks the sub-account and the bearer, and counts the request against its rate limit.
fn admit(
    shared: &Shared,
    request: &mut Request,
    route: Option<&str>,
    operation: Option<Operation>,
) -> Result<(Standing, Option<Fault>), ApiError> {
    let typed = |e: ApiError| {
        if operation.is_some_and(Operation::typed_errors) { e.typed() } else { e }
    };
    let sub_account = match request.headers().get("account-name") {
        None => String::new(),
        Some(value) => match value.to_str() {
            Ok(name) if !name.trim().is_empty() => name.to_owned(),
            _ => return Err(typed(ApiError::bad_request("Account-Name must be a visible ASCII name"))),
        },
    };
    let needs_bearer = operations::needs_bearer(request.method(), route, operation);
    let mut inner = shared.lock();
    let user = if needs_bearer {
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| typed(ApiError::unauthorized("missing `Authorization: Bearer <token>` header")))?;
        let key_id = match inner.store.bearers.get(bearer) {
            Some(b) if b.expires > Instant::now() => b.key_id.clone(),
            Some(_) => return Err(typed(ApiError::unauthorized("the bearer token has expired"))),
            None => return Err(typed(ApiError::unauthorized("invalid bearer token"))),
        };
        request.extensions_mut().insert(Caller { key_id: key_id.clone(), sub_account });
        key_id
    } else {
        "anonymous".to_owned()
    };
    let functionality =
        operation.map_or_else(|| operations::functionality_of(route.unwrap_or("")), |o| o.functionality);
    let rate_limit = inner.settings.rate_limit;
    let standing = inner.limiter.count(&rate_limit, &user, functionality, Instant::now());
    let fault = inner.faults.take(operation.map(|o| o.id));
    Ok((standing, fault))
}

fn too_many_requests(standing: &Standing) -> Response {
    let mut response = ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        kind: None,
        message: "Rate limit exceeded".to_owned(),
    }
    .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(standing.reset_secs));
    response
}

fn set_rate_limit_headers(headers: &mut HeaderMap, standing: &Standing) {
    headers.insert("ratelimit-limit", HeaderValue::from(standing.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(standing.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(standing.reset_secs));
}

/// The answer to a request whose fault replaces processing.
fn injected(fault: &Fault) -> Response {
    let status = |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match *fault {
        Fault::Status { status: code, retry_after } => {
            let message = status(code).canonical_reason().unwrap_or("Injected fault").to_owned();
            let mut response = ApiError { status: status(code), kind: None, message }.into_response();
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Fault::HtmlPage(code) => {
            let title = format!("{} {}", code, status(code).canonical_reason().unwrap_or("Error"));
            let page =
                format!("<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n");
            (status(code), [(header::CONTENT_TYPE, "text/html")], page).into_response()
        }
        Fault::EndlessBody(Some(code)) => {
            (status(code), [(header::CONTENT_TYPE, "application/json")], Body::from_stream(endless(None)))
                .into_response()
        }
        _ => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
    }
}

/// Damages a processed request's answer as its fault says; `requested` is the full URL the
/// request was sent to.
async fn mangle(response: Response, fault: Option<&Fault>, requested: &str) -> Response {
    let Some(fault) = fault.filter(|f| f.processes_request() && !matches!(f, Fault::Delay(_))) else {
        return response;
    };
    if let Fault::EndlessBody(_) | Fault::SlowBody(_) = fault {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let pause = match fault {
            Fault::SlowBody(pause) => Some(*pause),
            _ => None,
        };
        return Response::from_parts(parts, Body::from_stream(endless(pause)));
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match fault {
        Fault::TruncatedBody => {
            // Promise the whole body, send half, then fail the stream: the connection is cut.
            // The pause lets the headers and the half go out before the cut.
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let half = bytes.slice(..bytes.len() / 2);
            let first = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
            let cut = futures_util::stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Err(std::io::Error::other("truncated on purpose"))
            });
            Body::from_stream(first.chain(cut))
        }
        Fault::MalformedBody => Body::from("{\"data\": [{\"accessToken\": \"47d1\", \"tokenAlias\": "),
        Fault::EmptyBody => Body::empty(),
        Fault::HugeBody(size) => Body::from(padded(&bytes, *size)),
        Fault::NextPageSelf => Body::from(with_next_page(&bytes, requested.to_owned())),
        Fault::NextPageFresh => {
            let path = requested.split('?').next().unwrap_or(requested);
            Body::from(with_next_page(&bytes, format!("{path}?page={}", crate::random::hex(8))))
        }
        Fault::ControlCharacters => Body::from(with_control_characters(&bytes)),
        _ => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// A body that never ends: the start of an agent-token list, then 1 KB of tokens per chunk,
/// forever (a pause before each chunk when given).
fn endless(
    pause: Option<std::time::Duration>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let item = r#"{"accessToken":"0000000000000000","tokenAlias":"endless","tokenEnabled":"1"},"#;
    let chunk = Bytes::from(item.repeat(1024 / item.len() + 1));
    let start = futures_util::stream::once(async { Ok(Bytes::from_static(b"{\"data\":[")) });
    let rest = futures_util::stream::unfold((), move |()| {
        let chunk = chunk.clone();
        async move {
            match pause {
                Some(pause) => tokio::time::sleep(pause).await,
                // Let other tasks run: an endless body must not starve the server.
                None => tokio::task::yield_now().await,
            }
            Some((Ok(chunk), ()))
        }
    });
    start.chain(rest)
}

/// A JSON answer whose `paging.urls.nextPage` is `url` (and whose `paging.totalRows` is its
/// row count if it had none), or the body as it was if it is not a JSON object.
fn with_next_page(json: &[u8], url: String) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice::<serde_json::Value>(json) else {
        return json.to_vec();
    };
    let rows = map.get("data").and_then(|d| d.as_array()).map_or(0, Vec::len);
    let paging = map.entry("paging").or_insert_with(|| serde_json::json!({}));
    if let Some(paging) = paging.as_object_mut() {
        paging.entry("rows").or_insert(rows.into());
        paging.entry("totalRows").or_insert(rows.into());
        paging.insert("urls".to_owned(), serde_json::json!({ "nextPage": url }));
    }
    serde_json::to_vec(&map).unwrap_or_default()
}

/// A JSON answer with [`CONTROL_SEQUENCE`] appended to every alias, name, description and
/// bearer string, at any depth.
fn with_control_characters(json: &[u8]) -> Vec<u8> {
    fn visit(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match value {
                        serde_json::Value::String(text)
                            if matches!(key.as_str(), "tokenAlias" | "name" | "description" | "token") =>
                        {
                            text.push_str(CONTROL_SEQUENCE);
                        }
                        other => visit(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(visit),
            _ => {}
        }
    }
    match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(mut value) => {
            visit(&mut value);
            serde_json::to_vec(&value).unwrap_or_default()
        }
        Err(_) => json.to_vec(),
    }
}

/// A JSON body padded with an extra field to `size` bytes (or left as is if already larger).
fn padded(json: &[u8], size: usize) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(mut map)) => {
            let base = json.len() + r#","padding":"""#.len();
            map.insert("padding".to_owned(), serde_json::Value::from("x".repeat(size.saturating_sub(base))));
            serde_json::to_vec(&map).unwrap_or_default()
        }
        _ => json.to_vec(),
    }
}
