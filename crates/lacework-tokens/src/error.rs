//! The one error type of the crate: what went wrong, with what the API said, and never a secret.
//!
//! Every variant's `Display` is one line fit for a log or a terminal. Messages from the server
//! and bodies that failed to decode are shortened and scrubbed of anything that looks like a
//! token (see [`scrub`]); transport errors never carry the URL, because agent tokens travel in
//! URL paths.

use std::time::Duration;

use reqwest::StatusCode;

use crate::rate_limit::RateLimitInfo;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (other than 401 and 429, which have their own
    /// variants); `message` and `kind` are what its error body said.
    #[error("the Lacework API answered {status}{}", describe(.message, .kind))]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The server's message, shortened and scrubbed.
        message: Option<String>,
        /// The error's type, for the access-token operations (e.g. `NotFound`).
        kind: Option<String>,
        /// The rate-limit headers of the answer, if it had them.
        rate_limit: Option<RateLimitInfo>,
    },

    /// The API refused the request for its rate limit (429), and waiting as long as it asked
    /// was not allowed by the retry policy (or retries were used up).
    #[error("rate limited by the Lacework API{}", retry_hint(.retry_after))]
    RateLimited {
        /// How long the server asked to wait (`Retry-After`, else `RateLimit-Reset`).
        retry_after: Option<Duration>,
        /// The rate-limit headers of the answer.
        rate_limit: Option<RateLimitInfo>,
    },

    /// The client's own [request budget](crate::budget) stopped a request before it was sent:
    /// the requests allowed to this client are spent, or the next window is further away than
    /// it may wait. Nothing was sent for this request.
    #[error("request budget for {family}: {stop}")]
    OverBudget {
        /// The family whose budget stopped the request, e.g. `agent access tokens`.
        family: &'static str,
        /// Why.
        stop: crate::budget::BudgetStop,
    },

    /// The credentials were refused (401): a fresh bearer did not help, or the bearer token
    /// given by the caller is invalid or expired, or the API key and secret are wrong.
    #[error("unauthorized: {message}")]
    Unauthorized {
        /// What was refused, and what to do about it.
        message: String,
    },

    /// The request did not complete: connection refused or reset, timeout, TLS. The host is
    /// named; the rest of the URL is left out (agent tokens travel in paths).
    #[error("transport error ({}{}): {source}", if *.timeout { "timed out" } else { "connection" }, host_hint(.host))]
    Transport {
        /// Whether the request timed out.
        timeout: bool,
        /// The host the request was for, when known.
        host: Option<String>,
        /// The underlying error, without its URL.
        #[source]
        source: reqwest::Error,
    },

    /// An answer's body was larger than the client reads: it was not read further, and the
    /// call was not repeated. Success answers are capped by `ClientBuilder::max_body_size`
    /// (32 MiB by default), error answers at 64 KiB.
    #[error(
        "the answer to {operation} ({status}) is over {} bytes, the cap on {}; it was not read further",
        .limit,
        if *.error_answer { "error answers" } else { "answers (ClientBuilder::max_body_size)" }
    )]
    TooLarge {
        /// The operation whose answer it was.
        operation: &'static str,
        /// The answer's status.
        status: StatusCode,
        /// The cap, in bytes.
        limit: usize,
        /// Whether the answer had an error status (whose cap is smaller and fixed).
        error_answer: bool,
    },

    /// An answer could not be decoded into the model.
    #[error("cannot decode the answer to {operation}{}: {message} at `{path}`; body starts: {body}", status_hint(.status))]
    Decode {
        /// The operation whose answer it was.
        operation: &'static str,
        /// The answer's status, when known.
        status: Option<StatusCode>,
        /// Where in the JSON document decoding failed, e.g. `data[3].tokenEnabled`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body, scrubbed of anything token-like.
        body: String,
    },

    /// An argument was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument, e.g. `alias` or `filters[1].values`.
        field: String,
        /// Why.
        reason: String,
    },

    /// The client's configuration is missing a setting or contradicts itself.
    #[error("configuration: {setting}: {reason}")]
    Config {
        /// The setting, e.g. `LW_API_SECRET` or `~/.lacework.toml [prod] account`.
        setting: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    /// The HTTP status of the answer that caused this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Unauthorized { .. } => Some(StatusCode::UNAUTHORIZED),
            Error::Decode { status, .. } => *status,
            Error::TooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::InvalidInput { .. } | Error::Config { .. } | Error::OverBudget { .. } => None,
        }
    }

    /// Whether trying the same call again later may succeed: rate limits, server-side
    /// unavailability (502, 503, 504) and transport failures. The client's retry policy has
    /// already retried what was safe to retry when you see this.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Transport { .. } => true,
            Error::Api { status, .. } => matches!(status.as_u16(), 502..=504),
            _ => false,
        }
    }

    /// The rate-limit headers of the answer that caused this error, if it had them.
    pub fn rate_limit(&self) -> Option<&RateLimitInfo> {
        match self {
            Error::Api { rate_limit, .. } | Error::RateLimited { rate_limit, .. } => rate_limit.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn config(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Config { setting: setting.into(), reason: reason.into() }
    }

    pub(crate) fn transport(error: reqwest::Error) -> Self {
        let host = error.url().and_then(|url| url.host_str()).map(str::to_owned);
        Error::Transport { timeout: error.is_timeout(), host, source: error.without_url() }
    }
}

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Self {
        Error::Config { setting: e.setting, reason: e.reason }
    }
}

fn host_hint(host: &Option<String>) -> String {
    host.as_ref().map(|host| format!(" to {host}")).unwrap_or_default()
}

fn describe(message: &Option<String>, kind: &Option<String>) -> String {
    match (kind, message) {
        (Some(kind), Some(message)) => format!(": {kind}: {message}"),
        (None, Some(message)) => format!(": {message}"),
        (Some(kind), None) => format!(": {kind}"),
        (None, None) => String::new(),
    }
}

fn retry_hint(retry_after: &Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| format!("; retry after {} s", d.as_secs_f64().ceil()))
}

fn status_hint(status: &Option<StatusCode>) -> String {
    status.map_or_else(String::new, |s| format!(" ({s})"))
}

/// How much of a server's text an error keeps.
const MAX_ERROR_TEXT: usize = 300;

/// Shortens server text for an error and masks secrets: first, exactly, the secret and bearer
/// the running call sent (see [`crate::call::redact_sent_secrets`]); then anything that looks
/// like a token: a run of 20 or more characters from `[A-Za-z0-9_-]` (agent tokens, bearers
/// and secrets all are; words are not). What is left is enough to recognise the answer without
/// carrying a secret into logs.
pub(crate) fn scrub(text: &str) -> String {
    let text = crate::call::redact_sent_secrets(text);
    let text = text.as_str();
    // Look at the start only; a run cut off by that limit may be a token's head, so it goes.
    let mut end = text.len().min(4 * MAX_ERROR_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = end < text.len();
    let mut out = String::new();
    let mut run = String::new();
    for c in text[..end].chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            run.push(c);
        } else {
            push_run(&mut out, &mut run);
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    if !cut {
        push_run(&mut out, &mut run);
    }
    if cut || out.chars().count() > MAX_ERROR_TEXT {
        let kept: String = out.chars().take(MAX_ERROR_TEXT).collect();
        return format!("{kept}…");
    }
    out
}

fn push_run(out: &mut String, run: &mut String) {
    out.push_str(if run.len() >= 20 { "[redacted]" } else { run });
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_token_like_runs_and_keeps_words() {
        let text = r#"{"message":"token 47d102752b57caa18b9f00aa1234567890abcdef not found","bearer":"_e371a2b77a8050cb41087207"}"#;
        let scrubbed = scrub(text);
        assert!(!scrubbed.contains("47d102752b57caa18b"), "{scrubbed}");
        assert!(!scrubbed.contains("e371a2b77a8050cb41"), "{scrubbed}");
        assert!(scrubbed.contains("not found"), "{scrubbed}");
        assert!(scrubbed.contains("[redacted]"));
    }

    #[test]
    fn scrub_shortens_long_text() {
        let scrubbed = scrub(&"word ".repeat(500));
        assert!(scrubbed.chars().count() <= MAX_ERROR_TEXT + 1, "{}", scrubbed.len());
        assert!(scrubbed.ends_with('…'));
        assert_eq!(scrub("short"), "short");
    }
}
