//! The `RateLimit-*` and `Retry-After` headers: parsed from every answer, kept as the last values
//! seen (readable from the client), and used to decide how long to wait after a 429.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

// Built once: looking a header up by `&str` parses the name on every call, and this runs on
// every answer.
static LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
static REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
static RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// The rate-limit headers of one answer: the caller's window for the operation's functionality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitInfo {
    /// Requests allowed per window (`RateLimit-Limit`).
    pub limit: u64,
    /// Requests left in the window (`RateLimit-Remaining`).
    pub remaining: u64,
    /// Time until the window resets (`RateLimit-Reset`).
    pub reset: Duration,
}

impl RateLimitInfo {
    /// Reads the headers; `None` unless all three are present and numeric.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &HeaderName| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(RateLimitInfo {
            limit: number(&LIMIT)?,
            remaining: number(&REMAINING)?,
            reset: Duration::from_secs(number(&RESET)?),
        })
    }
}

/// How long the server asked the caller to wait: `Retry-After` in seconds (an HTTP date is also
/// accepted; a number too large to read is `Duration::MAX`), else `RateLimit-Reset` when the
/// window is spent.
pub fn requested_wait(headers: &HeaderMap) -> Option<Duration> {
    if let Some(value) = headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        // A number too large to read is a wait too long to wait, not a wait absent.
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Duration::MAX);
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(value) {
            let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
            return Some(wait.to_std().unwrap_or_default());
        }
    }
    RateLimitInfo::from_headers(headers).filter(|info| info.remaining == 0).map(|info| info.reset)
}

/// The moment `wait` from now, or a century from now when the clock cannot count that far (a
/// server's wait can be any number: adding it to an `Instant` must not panic).
pub(crate) fn instant_after(wait: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(wait).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// The last rate-limit headers the client saw.
#[derive(Debug, Default)]
pub(crate) struct LastRateLimit(Mutex<Option<RateLimitInfo>>);

impl LastRateLimit {
    pub(crate) fn record(&self, info: Option<RateLimitInfo>) {
        if let Some(info) = info {
            // Concurrent answers race to be "the last" anyway: under contention, skip rather
            // than make every request wait for the lock.
            if let Ok(mut last) = self.0.try_lock() {
                *last = Some(info);
            }
        }
    }

    pub(crate) fn get(&self) -> Option<RateLimitInfo> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (reqwest::header::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    #[test]
    fn reads_rate_limit_headers() {
        let h =
            headers(&[("ratelimit-limit", "480"), ("ratelimit-remaining", "0"), ("ratelimit-reset", "42")]);
        let info = RateLimitInfo::from_headers(&h).unwrap();
        assert_eq!(info, RateLimitInfo { limit: 480, remaining: 0, reset: Duration::from_secs(42) });
        assert_eq!(requested_wait(&h), Some(Duration::from_secs(42)), "a spent window waits for its reset");
        assert_eq!(RateLimitInfo::from_headers(&headers(&[("ratelimit-limit", "x")])), None);
    }

    #[test]
    fn retry_after_wins_over_the_window() {
        let h = headers(&[
            ("retry-after", "7"),
            ("ratelimit-limit", "480"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "42"),
        ]);
        assert_eq!(requested_wait(&h), Some(Duration::from_secs(7)));
        let past = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]);
        assert_eq!(requested_wait(&past), Some(Duration::ZERO));
        assert_eq!(requested_wait(&headers(&[("retry-after", "soon")])), None);
    }
}
