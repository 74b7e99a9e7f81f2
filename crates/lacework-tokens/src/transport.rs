//! Sending one request: the headers every request carries, retries under the [`RetryPolicy`],
//! one repeat with a fresh bearer after a 401 (never for a create), a tracing span per attempt,
//! rate-limit bookkeeping, a cap on every body read (enforced while reading), and error bodies
//! that are not JSON turned into ones that are (so that their status survives the generated
//! client's decoding).

use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Request, Response, ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use std::sync::Arc;

use crate::auth::Auth;
use crate::budget::{BudgetKey, RequestBudget};
use crate::call::with_context;
use crate::error::{Error, scrub};
use crate::operation;
use crate::rate_limit::{LastRateLimit, RateLimitInfo, requested_wait};
use crate::retry::{RetryPolicy, is_retryable_status};

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
    /// The largest body of a success answer read (see `ClientBuilder::max_body_size`).
    pub max_body: usize,
    /// The API key's secret or the caller's bearer: redacted exactly from every call's errors,
    /// including calls that do not send it (a server may echo what it saw earlier).
    pub configured_secret: Option<HeaderValue>,
}

/// The largest body of an error answer read: enough for any error message.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// The longest URL sent: the limit of the HTTP layer (`http::Uri`) below reqwest. A longer one
/// (an id of 60 KB, say) is refused as the caller's input rather than failing as a transport
/// error, so that one such id does not look like a network failure.
pub(crate) const MAX_URL_LENGTH: usize = u16::MAX as usize - 1;

/// How an attempt failed.
enum Failure {
    /// No answer, or an answer that broke off.
    Transport(reqwest::Error),
    /// An answer whose body is over its cap: final, never retried.
    Refused(Error),
}

/// How many 429s in a row a paced call sits out before giving up: each is followed by a wait
/// for the window the server names, so more mean the server's count disagrees with its headers.
const MAX_PACED_REFUSALS: u32 = 5;

impl Transport {
    /// The budget (if any) and the window `operation` counts against.
    fn budget_for(&self, operation: &'static str) -> Option<(&dyn RequestBudget, BudgetKey)> {
        let (budget, base_url) = self.budget.as_ref()?;
        Some((
            budget.as_ref(),
            BudgetKey { base_url: base_url.clone(), family: operation::family(operation) },
        ))
    }

    /// Waits until the budget (if any) lets one request of `operation` go.
    pub async fn admit(&self, operation: &'static str) -> Result<(), Error> {
        let Some((budget, key)) = self.budget_for(operation) else { return Ok(()) };
        budget.acquire(&key).await.map_err(|stop| Error::OverBudget { family: key.family.as_str(), stop })
    }

    /// Keeps what an answer said about the window: as the last reading, and for the budget.
    fn record_rate_limit(&self, operation: &'static str, response: &Response) {
        let info = RateLimitInfo::from_headers(response.headers());
        self.last_rate_limit.record(info);
        let Some((budget, key)) = self.budget_for(operation) else { return };
        if let Some(info) = info {
            budget.observe(&key, info);
        }
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = requested_wait(response.headers()).unwrap_or(Duration::from_secs(1));
            budget.refused(&key, wait);
        }
    }

    /// Sends `request` for `operation` (progenitor's snake-case operationId), retrying what is
    /// safe to retry. With `auth`, a 401 is answered by one fresh bearer and one repeat (for a
    /// create, by the fresh bearer only: see `RetryPolicy`).
    pub async fn send(
        &self,
        mut request: Request,
        operation: &'static str,
        auth: Option<&Auth>,
    ) -> reqwest::Result<Response> {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        if let Some(secret) = &self.configured_secret {
            crate::call::remember_secret(secret);
        }
        if request.url().as_str().len() > MAX_URL_LENGTH {
            let error = Error::invalid(
                "request path",
                format!(
                    "the URL would be {} bytes long, over the {MAX_URL_LENGTH} an HTTP request can carry \
                     (is an id too long?)",
                    request.url().as_str().len()
                ),
            );
            return Err(refuse(error).await);
        }
        let repeatable = operation::may_repeat(operation);
        let mut attempt = 0;
        let mut reauthenticated = false;
        let mut paced_refusals = 0;
        loop {
            attempt += 1;
            let spare = request.try_clone();
            let result = match self.attempt(request, operation, attempt).await {
                Ok(response) => Ok(response),
                Err(Failure::Transport(e)) => Err(e),
                Err(Failure::Refused(error)) => return Err(refuse(error).await),
            };
            let Some(next) = spare else { return self.finish(result).await };
            let wait = match &result {
                Ok(response) if response.status() == StatusCode::UNAUTHORIZED && !reauthenticated => {
                    let Some(auth) = auth else { return self.finish(result).await };
                    let rejected = next.headers().get(header::AUTHORIZATION).cloned();
                    let refreshed = auth.refresh_after_rejection(rejected.as_ref()).await;
                    if !repeatable {
                        // A create is not repeated after a 401 (see `RetryPolicy`): a gateway may
                        // have passed it on before refusing. The fresh bearer serves the next call.
                        let error = match refreshed {
                            Err(e) => e,
                            // The caller's own bearer: nothing fresh to offer.
                            Ok(None) => return self.finish(result).await,
                            Ok(Some(_)) => Error::Unauthorized {
                                message: "the bearer token was refused when creating; the create was \
                                          not repeated, in case it reached the API. A fresh bearer is \
                                          ready: list the tokens to check, then create again"
                                    .to_owned(),
                            },
                        };
                        with_context(|ctx| ctx.error = Some(error));
                        return self.finish(result).await;
                    }
                    match refreshed {
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
    ) -> Result<Response, Failure> {
        let span = tracing::info_span!(
            "lacework.request",
            operation = operation::id(operation),
            method = %request.method(),
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        crate::call::remember_secrets(request.headers());
        async move {
            // Timing is for the span alone: skip the clock when nobody listens.
            let span = tracing::Span::current();
            let started = (!span.is_disabled()).then(Instant::now);
            let result = self.buffered(self.http.execute(request).await, operation).await;
            if let Some(started) = started {
                span.record("duration_ms", started.elapsed().as_secs_f64() * 1000.0);
            }
            match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    self.record_rate_limit(operation, response);
                    with_context(|ctx| ctx.status = Some(response.status()));
                    tracing::debug!("answered");
                }
                Err(Failure::Transport(e)) => tracing::debug!(error = failure_kind(e), "failed"),
                Err(Failure::Refused(_)) => tracing::debug!(error = "body over its cap", "refused"),
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
        // Already read, and capped at MAX_ERROR_BODY, by `buffered`.
        let body = response.bytes().await.map(Vec::from).unwrap_or_default();
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

impl Transport {
    /// The response with its whole body read, so that a body that breaks off is a failure of
    /// this attempt (and a read can be tried again) rather than of the decoding that follows.
    /// The body is capped while it is read ([`Transport::max_body`] for success answers,
    /// [`MAX_ERROR_BODY`] for errors): a server that sends without end costs no more memory
    /// than the cap. Status, version and headers move across as they are; the URL is carried
    /// over (reqwest would otherwise parse a dummy one).
    async fn buffered(
        &self,
        result: reqwest::Result<Response>,
        operation: &'static str,
    ) -> Result<Response, Failure> {
        let mut response = result.map_err(Failure::Transport)?;
        let (status, version, url) = (response.status(), response.version(), response.url().clone());
        let error_answer = status.is_client_error() || status.is_server_error();
        let limit = if error_answer { MAX_ERROR_BODY } else { self.max_body };
        let too_large = || {
            let operation = operation::id(operation);
            Failure::Refused(Error::TooLarge { operation, status, limit, error_answer })
        };
        let headers = std::mem::take(response.headers_mut());
        let bytes = match response.content_length() {
            Some(length) if length > limit as u64 => return Err(too_large()),
            // The length is known and within the cap, and the HTTP layer reads no more than it
            // announces: reqwest's own read (no copy for a single-chunk body) is bounded.
            Some(_) => response.bytes().await.map_err(Failure::Transport)?,
            None => {
                let mut body = Vec::new();
                while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                body.into()
            }
        };
        // The key exchange is specified as 201 Created; a 200 with the same body is as good
        // (the exchange creates nothing the caller could duplicate), so it is taken as such.
        let status =
            if operation == lacework_tokens_api::ops::CREATE_API_TOKEN.name && status == StatusCode::OK {
                StatusCode::CREATED
            } else {
                status
            };
        let mut rebuilt = http::Response::builder().status(status).version(version).url(url);
        if let Some(slot) = rebuilt.headers_mut() {
            *slot = headers;
        }
        Ok(Response::from(rebuilt.body(bytes).expect("status and version come from a valid response")))
    }
}

/// Leaves `error` in the running call's context for it to report, and returns a stand-in
/// transport error for the generated client (which can only be handed a `reqwest::Error`).
async fn refuse(error: Error) -> reqwest::Error {
    let message = error.to_string();
    with_context(|ctx| ctx.error = Some(error));
    let failing =
        futures_util::stream::once(async move { Err::<Vec<u8>, _>(std::io::Error::other(message)) });
    let response = Response::from(http::Response::new(reqwest::Body::wrap_stream(failing)));
    match response.bytes().await {
        Err(e) => e,
        Ok(_) => unreachable!("a body whose only chunk is an error fails to read"),
    }
}

/// Whether a request that failed without an answer may be sent again. A connection that never
/// opened carried nothing, so even a create may; anything later (a timeout, a connection cut,
/// an answer that broke off) may have reached the server, so only what is safe to repeat is.
fn retryable_failure(e: &reqwest::Error, repeatable: bool) -> bool {
    e.is_connect() || (repeatable && (e.is_timeout() || e.is_request() || e.is_body() || e.is_decode()))
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
