//! Sending one request: the headers every request carries, retries under the [`RetryPolicy`],
//! one repeat with a fresh bearer after a 401, a tracing span per attempt, rate-limit
//! bookkeeping, and error bodies that are not JSON turned into ones that are (so that their
//! status survives the generated client's decoding).

use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use std::sync::Arc;

use crate::auth::Auth;
use crate::budget::{ApiFamily, BudgetKey, RequestBudget};
use crate::call::with_context;
use crate::error::Error;
use crate::error::scrub;
use crate::rate_limit::{LastRateLimit, requested_wait};
use crate::retry::{RetryPolicy, creates_something, is_retryable_status};

/// What every request of one client shares.
#[derive(Debug)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub retry: RetryPolicy,
    /// `User-Agent` and `Account-Name`, validated when the client was built.
    pub headers: HeaderMap,
    pub last_rate_limit: LastRateLimit,
    /// The budget every request is paced by, and the base URL its windows are kept under.
    pub budget: Option<(Arc<dyn RequestBudget>, String)>,
}

/// The largest error body read to build an error message; the rest is not needed.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// How many 429s in a row a paced call sits out before giving up: each is followed by a wait
/// for the window the server names, so more mean the server's count disagrees with its headers.
const MAX_PACED_REFUSALS: u32 = 5;

impl Transport {
    /// Waits until the budget (if any) lets one request of `operation` go.
    pub async fn admit(&self, operation: &'static str) -> Result<(), Error> {
        let Some((budget, base_url)) = &self.budget else { return Ok(()) };
        let key = BudgetKey { base_url: base_url.clone(), family: ApiFamily::of(operation) };
        budget.acquire(&key).await.map_err(|stop| Error::OverBudget { family: key.family.as_str(), stop })
    }

    /// Tells the budget (if any) what an answer said about the window.
    fn inform_budget(&self, operation: &'static str, response: &Response) {
        let Some((budget, base_url)) = &self.budget else { return };
        let key = BudgetKey { base_url: base_url.clone(), family: ApiFamily::of(operation) };
        if let Some(info) = crate::rate_limit::RateLimitInfo::from_headers(response.headers()) {
            budget.observe(&key, info);
        }
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = requested_wait(response.headers()).unwrap_or(Duration::from_secs(1));
            budget.refused(&key, wait);
        }
    }

    /// Sends `request` for `operation` (progenitor's snake-case operationId), retrying what is
    /// safe to retry. With `auth`, a 401 is answered by one fresh bearer and one repeat.
    pub async fn send(
        &self,
        mut request: Request,
        operation: &'static str,
        auth: Option<&Auth>,
    ) -> reqwest::Result<Response> {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        let repeatable = !creates_something(operation);
        let mut attempt = 0;
        let mut reauthenticated = false;
        let mut paced_refusals = 0;
        loop {
            attempt += 1;
            let spare = request.try_clone();
            let result = self.attempt(request, operation, attempt).await;
            let Some(next) = spare else { return self.finish(result).await };
            let wait = match &result {
                Ok(response) if response.status() == StatusCode::UNAUTHORIZED && !reauthenticated => {
                    let Some(auth) = auth else { return self.finish(result).await };
                    let rejected = next.headers().get(header::AUTHORIZATION).cloned();
                    match auth.refresh_after_rejection(rejected.as_ref()).await {
                        Ok(Some(bearer)) => {
                            reauthenticated = true;
                            if let Err(e) = self.admit(operation).await {
                                with_context(|ctx| ctx.error = Some(e));
                                return self.finish(result).await;
                            }
                            request = next;
                            request.headers_mut().insert(header::AUTHORIZATION, bearer);
                            continue;
                        }
                        Ok(None) => return self.finish(result).await,
                        Err(e) => {
                            with_context(|ctx| ctx.error = Some(e));
                            return self.finish(result).await;
                        }
                    }
                }
                // Paced: a 429 is the budget's business (it waits for the window the server
                // names) rather than the retry policy's. A create is still not repeated: the
                // budget has learned the window, so the caller's next call waits instead.
                Ok(response)
                    if response.status() == StatusCode::TOO_MANY_REQUESTS
                        && repeatable
                        && self.budget.is_some()
                        && paced_refusals < MAX_PACED_REFUSALS =>
                {
                    paced_refusals += 1;
                    if let Err(e) = self.admit(operation).await {
                        with_context(|ctx| ctx.error = Some(e));
                        return self.finish(result).await;
                    }
                    request = next;
                    continue;
                }
                Ok(response) if is_retryable_status(response.status().as_u16()) && repeatable => {
                    match requested_wait(response.headers()) {
                        Some(wait) if wait > self.retry.max_retry_after => return self.finish(result).await,
                        Some(wait) => wait,
                        None => self.retry.backoff(attempt),
                    }
                }
                Err(e) if retryable_failure(e, repeatable) => self.retry.backoff(attempt),
                _ => return self.finish(result).await,
            };
            if attempt >= self.retry.max_attempts {
                return self.finish(result).await;
            }
            let reached_server = match &result {
                Ok(response) => matches!(response.status().as_u16(), 502 | 504),
                Err(e) => !e.is_connect(),
            };
            if reached_server {
                with_context(|ctx| ctx.maybe_applied = true);
            }
            tracing::debug!(operation, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            if let Err(e) = self.admit(operation).await {
                with_context(|ctx| ctx.error = Some(e));
                return self.finish(result).await;
            }
            request = next;
        }
    }

    /// One HTTP exchange, in its own span. The span never holds the URL: agent tokens travel in
    /// paths.
    async fn attempt(
        &self,
        request: Request,
        operation: &'static str,
        attempt: u32,
    ) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "lacework.request",
            operation = spec_operation_id(operation),
            method = %request.method(),
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        async move {
            // Timing is for the span alone: skip the clock when nobody listens.
            let span = tracing::Span::current();
            let started = (!span.is_disabled()).then(Instant::now);
            let result = buffered(self.http.execute(request).await).await;
            if let Some(started) = started {
                span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
            }
            match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    self.last_rate_limit.record(response.headers());
                    self.inform_budget(operation, response);
                    with_context(|ctx| ctx.status = Some(response.status()));
                    tracing::debug!("answered");
                }
                Err(e) => tracing::debug!(error = failure_kind(e), "failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// The result handed back to the generated client: error answers whose body is not a JSON
    /// object get one, so they decode as error responses with their status.
    async fn finish(&self, result: reqwest::Result<Response>) -> reqwest::Result<Response> {
        let response = result?;
        if !response.status().is_client_error() && !response.status().is_server_error() {
            return Ok(response);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_ERROR_BODY).await;
        let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let body = error_body_as_json(status, media, body);
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.headers_mut() = headers;
        rebuilt.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        rebuilt.headers_mut().remove(header::CONTENT_LENGTH);
        Ok(Response::from(rebuilt))
    }
}

/// An error answer's body in the spec's `Error` shape: itself if it has that shape, else
/// `{"message": ...}` saying what came instead (scrubbed), so that the generated client decodes
/// it as the error it is, with its status. (Any JSON object is not enough: `{"message": 5}` is
/// one, and would be reported as an undecodable answer without its status.)
pub(crate) fn error_body_as_json(status: StatusCode, content_type: Option<&str>, body: Vec<u8>) -> Vec<u8> {
    if serde_json::from_slice::<lacework_tokens_api::types::Error>(&body).is_ok() {
        return body;
    }
    let what = if body.is_empty() {
        "an empty body".to_owned()
    } else {
        let media = content_type.unwrap_or("no content type");
        format!(
            "a {} body that is not an API error: {}",
            scrub(media),
            scrub(&String::from_utf8_lossy(&body))
        )
    };
    let message = format!("{} {} with {what}", status.as_u16(), status.canonical_reason().unwrap_or(""));
    serde_json::to_vec(&serde_json::json!({ "message": message })).unwrap_or_default()
}

/// The response with its whole body read, so that a body that breaks off is a failure of this
/// attempt (and a read can be tried again) rather than of the decoding that follows. Status,
/// version and headers move across as they are; the URL is carried over (reqwest would
/// otherwise parse a dummy one).
async fn buffered(result: reqwest::Result<Response>) -> reqwest::Result<Response> {
    let mut response = result?;
    let (status, version, url) = (response.status(), response.version(), response.url().clone());
    let headers = std::mem::take(response.headers_mut());
    let bytes = response.bytes().await?;
    let mut rebuilt = http::Response::builder().status(status).version(version).url(url);
    if let Some(slot) = rebuilt.headers_mut() {
        *slot = headers;
    }
    Ok(Response::from(rebuilt.body(bytes).expect("status and version come from a valid response")))
}

/// Whether a request that failed without an answer may be sent again. A connection that never
/// opened carried nothing, so even a create may; anything later (a timeout, a connection cut,
/// an answer that broke off) may have reached the server, so only what is safe to repeat is.
fn retryable_failure(e: &reqwest::Error, repeatable: bool) -> bool {
    e.is_connect() || (repeatable && (e.is_timeout() || e.is_request() || e.is_body() || e.is_decode()))
}

/// Reads at most `limit` bytes of a body; a body that breaks off yields what arrived.
async fn read_capped(mut response: Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())]),
            _ => break,
        }
    }
    body
}

/// The spec's operationId for progenitor's snake-case name, for spans and errors.
pub(crate) fn spec_operation_id(operation: &'static str) -> &'static str {
    match operation {
        "create_api_token" => "createApiToken",
        "create_agent_access_token" => "createAgentAccessToken",
        "list_agent_access_tokens" => "listAgentAccessTokens",
        "search_agent_access_tokens" => "searchAgentAccessTokens",
        "get_agent_access_token" => "getAgentAccessToken",
        "update_agent_access_token" => "updateAgentAccessToken",
        "list_access_tokens" => "listAccessTokens",
        "create_access_token" => "createAccessToken",
        "get_access_token" => "getAccessToken",
        "patch_access_token" => "patchAccessToken",
        "delete_access_token" => "deleteAccessToken",
        "next_page" => "nextPage",
        other => other,
    }
}

/// What kind of failure a transport error is, without its text (which holds the URL).
fn failure_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    }
}

#[cfg(test)]
mod tests {
    use lacework_tokens_api::types;

    use super::*;

    fn rewritten(status: u16, media: Option<&str>, body: &str) -> types::Error {
        let status = StatusCode::from_u16(status).unwrap();
        serde_json::from_slice(&error_body_as_json(status, media, body.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn error_bodies_always_decode_as_errors_with_what_came() {
        let kept = rewritten(404, Some("application/json"), r#"{"type":"NotFound","message":"gone"}"#);
        assert_eq!((kept.type_.as_deref(), kept.message.as_deref()), (Some("NotFound"), Some("gone")));
        let html = rewritten(502, Some("text/html"), "<h1>502 Bad Gateway</h1>");
        assert_eq!(
            html.message.as_deref(),
            Some("502 Bad Gateway with a text/html body that is not an API error: <h1>502 Bad Gateway</h1>")
        );
        assert_eq!(
            rewritten(503, None, "").message.as_deref(),
            Some("503 Service Unavailable with an empty body")
        );
        // Found by the fuzz tests: a JSON object in another shape used to lose the status.
        let odd = rewritten(400, Some("application/json"), r#"{"message": 5}"#);
        assert!(odd.message.unwrap().contains("not an API error"));
    }
}
