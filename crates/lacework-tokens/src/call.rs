//! One call of an operation: the context its hooks share while it runs, and the translation of
//! the generated client's outcome into this crate's models and [`Error`].
//!
//! The generated client lets hooks fail only with a string, and loses the status of an answer
//! whose body does not decode. So each call runs inside a task-local [`CallContext`]: the hooks
//! leave the typed error they met (a failed key exchange, say) and the last status there, and
//! [`run`] picks them up. The context also holds the secrets the call's requests carried (the
//! API key's secret, the bearer), so that text from the server is cleared of them exactly, on
//! top of [`scrub`]'s guess, wherever it goes into an error.

use std::cell::RefCell;
use std::future::Future;

use lacework_tokens_api::{ResponseValue, types};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use crate::error::{Error, scrub};
use crate::rate_limit::{RateLimitInfo, requested_wait};

/// What the hooks of one call leave for it.
#[derive(Default)]
pub(crate) struct CallContext {
    /// A typed error met in a hook; it wins over what the generated client reports.
    pub error: Option<Error>,
    /// The status of the last answer received.
    pub status: Option<StatusCode>,
    /// Whether an earlier attempt may have taken effect (it timed out, or its answer broke off)
    /// before the one whose outcome the call returns.
    pub maybe_applied: bool,
    /// The sensitive header values the call's requests carried (`X-LW-UAKS`, `Authorization`)
    /// and the client's configured secret: what a hostile server could echo back.
    pub secrets: Vec<HeaderValue>,
}

tokio::task_local! {
    static CALL: RefCell<CallContext>;
}

/// Lets the running call's hooks leave something in its context; does nothing outside a call
/// (the generated client used directly with this crate's hooks).
pub(crate) fn with_context(f: impl FnOnce(&mut CallContext)) {
    let _ = CALL.try_with(|ctx| f(&mut ctx.borrow_mut()));
}

/// Remembers the sensitive header values of a request about to be sent (see
/// [`CallContext::secrets`]).
pub(crate) fn remember_secrets(headers: &HeaderMap) {
    for value in headers.values().filter(|v| v.is_sensitive()) {
        remember_secret(value);
    }
}

/// Remembers one secret for the running call's errors to be cleared of.
pub(crate) fn remember_secret(value: &HeaderValue) {
    with_context(|ctx| {
        if !ctx.secrets.contains(value) {
            ctx.secrets.push(value.clone());
        }
    });
}

/// `text` with every secret the running call sent replaced by `[redacted]`: the exact value,
/// whatever characters it holds (the heuristic of [`scrub`] misses a secret with `.`, `+`,
/// `/` or `=`, as a JWT has). Outside a call, `text` as it is.
pub(crate) fn redact_sent_secrets(text: &str) -> String {
    let mut text = text.to_owned();
    let _ = CALL.try_with(|ctx| {
        for value in &ctx.borrow().secrets {
            let Ok(whole) = value.to_str() else { continue };
            let bare = whole.strip_prefix("Bearer ").unwrap_or(whole);
            for secret in [whole, bare] {
                // Shorter values would hit ordinary words; no secret or bearer is that short.
                if secret.len() >= 8 && text.contains(secret) {
                    text = text.replace(secret, "[redacted]");
                }
            }
        }
    });
    text
}

/// Runs `f` where [`redact_sent_secrets`] knows `secrets`: for turning an answer into an error
/// after the call's own context has ended.
pub(crate) async fn knowing_secrets<T>(secrets: Vec<HeaderValue>, f: impl Future<Output = T>) -> T {
    CALL.scope(RefCell::new(CallContext { secrets, ..Default::default() }), f).await
}

/// [`scrub`] of `text` where [`redact_sent_secrets`] knows `secrets`: for server text that turns
/// into an error outside any call (a paged call's next-page URL, say).
pub(crate) fn scrub_knowing(secrets: Vec<HeaderValue>, text: &str) -> String {
    CALL.sync_scope(RefCell::new(CallContext { secrets, ..Default::default() }), || scrub(text))
}

/// Whether the caller's bearer was one it supplied (a 401 is then final), for error messages.
#[derive(Clone, Copy)]
pub(crate) enum CredentialKind {
    ApiKey,
    BearerToken,
}

/// Runs `call` with a fresh context for its hooks, and returns its outcome with that context.
///
/// The call's future (the generated client's, some kilobytes) is boxed here, once, before any
/// `.await`: every async layer above would otherwise hold its own copy of it and move it around
/// (a call's future was 8.9 KB that way, and `memmove` the largest cost of the facade's in a
/// profile of the throughput benchmark; boxed, it is 1 KB).
pub(crate) fn scoped<T>(call: impl Future<Output = T>) -> impl Future<Output = (T, CallContext)> {
    let call = Box::pin(call);
    CALL.scope(RefCell::new(CallContext::default()), async move {
        let outcome = call.await;
        (outcome, CALL.with(|ctx| std::mem::take(&mut *ctx.borrow_mut())))
    })
}

/// Runs one call of `operation` and turns its outcome into a value or an [`Error`].
pub(crate) fn run<T: DeserializeOwned>(
    operation: &'static str,
    credentials: CredentialKind,
    call: impl Future<Output = Result<ResponseValue<T>, lacework_tokens_api::Error<types::Error>>>,
) -> impl Future<Output = Result<T, Error>> {
    let scoped = scoped(call);
    async move {
        let (outcome, context) = scoped.await;
        settle(operation, credentials, outcome, context).await
    }
}

/// Turns the outcome of a call, run by [`scoped`], into a value or an [`Error`].
pub(crate) async fn settle<T: DeserializeOwned>(
    operation: &'static str,
    credentials: CredentialKind,
    outcome: Result<ResponseValue<T>, lacework_tokens_api::Error<types::Error>>,
    context: CallContext,
) -> Result<T, Error> {
    match outcome {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(match context.error {
            Some(error) => error,
            // Boxed: only failures need its (large) future.
            None => {
                let translated = translate::<T>(operation, credentials, context.status, e);
                Box::pin(knowing_secrets(context.secrets, translated)).await
            }
        }),
    }
}

async fn translate<T: DeserializeOwned>(
    operation: &'static str,
    credentials: CredentialKind,
    status: Option<StatusCode>,
    error: lacework_tokens_api::Error<types::Error>,
) -> Error {
    use lacework_tokens_api::Error as E;
    match error {
        E::ErrorResponse(answer) => {
            let (status, headers) = (answer.status(), answer.headers().clone());
            let (message, kind) = details(answer.into_inner());
            from_status(status, &headers, message, kind, credentials)
        }
        E::UnexpectedResponse(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await.unwrap_or_default();
            if status.is_success() {
                // Not an error status: saying "the API answered 200 OK" as an error would puzzle.
                return Error::Decode {
                    operation,
                    status: Some(status),
                    path: ".".to_owned(),
                    message: format!(
                        "the API answered {status}, a success status the spec does not list here"
                    ),
                    body: scrub(&String::from_utf8_lossy(&body)),
                };
            }
            from_body(status, &headers, &body, credentials)
        }
        E::InvalidResponsePayload(bytes, _) => match decode::<T>(operation, status, &bytes) {
            Err(error) => error,
            // It decodes now: only a body read twice differently could do that.
            Ok(_) => Error::Decode {
                operation,
                status,
                path: ".".to_owned(),
                message: "the answer did not decode".to_owned(),
                body: scrub(&String::from_utf8_lossy(&bytes)),
            },
        },
        E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => Error::transport(e),
        E::InvalidRequest(reason) => Error::invalid("request", reason),
        // Hooks leave their typed error in the context; a bare message means one did not.
        E::Custom(reason) => Error::invalid("request", reason),
    }
}

/// The message (the nested one of older servers if need be) and type of an error body, scrubbed.
fn details(body: types::Error) -> (Option<String>, Option<String>) {
    let message = body.message.or(body.data.and_then(|d| d.message)).map(|m| scrub(&m));
    (message, body.type_.map(|t| scrub(&t)))
}

/// The error for an answer with an error status whose body has not been decoded yet: the API's
/// error body if it is one, else the start of whatever came.
pub(crate) fn from_body(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    credentials: CredentialKind,
) -> Error {
    let (message, kind) = match serde_json::from_slice::<types::Error>(body) {
        Ok(error) => details(error),
        Err(_) if body.is_empty() => (None, None),
        Err(_) => (Some(scrub(&String::from_utf8_lossy(body))), None),
    };
    from_status(status, headers, message, kind, credentials)
}

/// The error for an answer with an error status.
pub(crate) fn from_status(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    message: Option<String>,
    kind: Option<String>,
    credentials: CredentialKind,
) -> Error {
    let rate_limit = RateLimitInfo::from_headers(headers);
    match status {
        StatusCode::UNAUTHORIZED => Error::Unauthorized {
            message: match credentials {
                CredentialKind::BearerToken => {
                    "the bearer token was refused; it may have expired: supply a fresh one \
                    (LW_API_TOKEN), or an API key and secret so the client can refresh it"
                        .to_owned()
                }
                CredentialKind::ApiKey => format!(
                    "refused even with a freshly issued bearer token{}",
                    message.map_or_else(String::new, |m| format!(": {m}"))
                ),
            },
        },
        StatusCode::TOO_MANY_REQUESTS => {
            Error::RateLimited { retry_after: requested_wait(headers), rate_limit }
        }
        _ => Error::Api { status, message, kind, rate_limit },
    }
}

/// Decodes an answer body; the error says where in the document decoding failed.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: Option<StatusCode>,
    bytes: &[u8],
) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|e| Error::Decode {
        operation,
        status,
        path: e.path().to_string(),
        message: scrub(&e.inner().to_string()),
        body: scrub(&String::from_utf8_lossy(bytes)),
    })
}
