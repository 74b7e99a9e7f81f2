//! When a failed request is sent again, and how long to wait first.
//!
//! Only what is harmless to repeat is repeated (see [`RetryPolicy`]); the waits are exponential
//! with full jitter (a random wait between zero and the cap), so that many clients failing at
//! once do not come back at once. The jitter is computed here rather than with a backoff crate:
//! the crates at hand add jitter on top of the exponential delay instead of drawing the whole
//! wait at random, and the formula is one line.

use std::time::Duration;

/// How the client retries. The defaults suit a CI job or a service:
///
/// | setting | default |
/// |---|---|
/// | [`max_attempts`](RetryPolicy::max_attempts) | 4 (the first try and 3 retries) |
/// | [`initial_backoff`](RetryPolicy::initial_backoff) | 250 ms |
/// | [`max_backoff`](RetryPolicy::max_backoff) | 8 s |
/// | [`max_retry_after`](RetryPolicy::max_retry_after) | 60 s |
///
/// What is retried: reads (list, get, search, next pages), updates and patches, deletes and the
/// key-for-bearer exchange, when the answer is 429, 502, 503 or 504, or the connection failed or
/// timed out. The wait before retry `n` is a random duration between zero and
/// `min(max_backoff, initial_backoff × 2ⁿ)`, unless the server said how long to wait
/// (`Retry-After`, or `RateLimit-Reset` once the window is spent): then that long, if it is at most
/// `max_retry_after`; past that the call fails at once with [`Error::RateLimited`](crate::Error).
///
/// What is never repeated: a create (agent token or access token) once the request may have
/// reached the server, since a second attempt could create a second token. A create is retried
/// only when the connection could not be opened at all.
///
/// With a [request budget](crate::budget), a 429 on what may be repeated is not counted as an
/// attempt and not capped by `max_retry_after`: the budget waits for the window the server names
/// (up to its own `max_wait`), then the request goes again.
///
/// Independently of this policy, a 401 makes the client exchange its API key for a fresh bearer
/// once and repeat the request once, except for a create. The API refuses a stale bearer before
/// doing anything, but a gateway in front of it may have passed the create on before answering
/// 401, and the client cannot tell the two apart; so after a 401 a create fails with
/// [`Error::Unauthorized`](crate::Error) saying it was not repeated, and the fresh bearer is kept
/// for the next call (list the tokens to check, then create again).
///
/// Whatever the policy, an answer whose body is over its cap (`ClientBuilder::max_body_size`
/// for success answers, 64 KiB for error answers) is not asked again: a server that sent one
/// endless body would send another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The cap of the first wait.
    pub initial_backoff: Duration,
    /// The largest cap of any wait.
    pub max_backoff: Duration,
    /// The longest server-requested wait the client sits through.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is tried once.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The random wait before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let cap = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        Duration::from_nanos(fastrand::u64(..=cap.as_nanos().min(u128::from(u64::MAX)) as u64))
    }
}

/// Statuses that say "not now" rather than "no".
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_grows() {
        let policy = RetryPolicy::default();
        for retry in 1..30 {
            let wait = policy.backoff(retry);
            let cap = (policy.initial_backoff * 2u32.pow(retry.min(20) - 1)).min(policy.max_backoff);
            assert!(wait <= cap, "retry {retry}: {wait:?} > {cap:?}");
        }
        let late: Vec<Duration> = (0..200).map(|_| policy.backoff(10)).collect();
        assert!(late.iter().any(|w| *w > policy.initial_backoff), "later waits can be longer");
    }
}
