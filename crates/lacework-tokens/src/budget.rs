//! Spending the account's request budget at the pace the API allows: the [`RequestBudget`] trait
//! and [`LocalBudget`], which keeps one window per base URL and [`ApiFamily`] in memory.
//!
//! The service allows about 480 requests an hour per API family and user, the key exchange
//! included, and refuses the rest with 429 until the window resets. Without a budget, the client
//! spends requests as fast as it can and a long job fails at the first 429 whose reset is longer
//! than the retry policy waits. With one, each request first asks the budget, which counts it
//! against the window and, once the window is spent, waits for the reset: the job slows down
//! instead of failing. The `RateLimit-*` headers of every answer (and every 429) correct the
//! count, so requests made by other processes are accounted for as soon as the server reports
//! them.
//!
//! Pacing is opt-in ([`ClientBuilder::request_budget`](crate::ClientBuilder::request_budget)):
//! a service must not sleep for an hour inside a request handler. The trait is shaped so that a
//! budget shared between processes (say, through a network store) is another implementation.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::time::Instant;

use crate::rate_limit::{RateLimitInfo, instant_after};

/// The requests the service counts together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiFamily {
    /// The key-for-bearer exchange.
    KeyExchange,
    /// Agent access tokens (and the next pages of their lists and searches).
    AgentAccessTokens,
    /// API access tokens.
    AccessTokens,
}

impl ApiFamily {
    /// A name for messages: `agent access tokens`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiFamily::KeyExchange => "key exchange",
            ApiFamily::AgentAccessTokens => "agent access tokens",
            ApiFamily::AccessTokens => "API access tokens",
        }
    }
}

/// Whose window a request counts against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BudgetKey {
    /// The API's base URL (one account).
    pub base_url: String,
    /// The family.
    pub family: ApiFamily,
}

/// Why a budget refused to let a request go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BudgetStop {
    /// The most requests this client may send were sent ([`LocalBudget::max_requests`]).
    MaxRequests {
        /// The cap.
        max: u64,
    },
    /// The window is spent and its reset is further away than the client may wait.
    WouldWait {
        /// Time until the window resets.
        resets_in: Duration,
    },
}

impl fmt::Display for BudgetStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetStop::MaxRequests { max } => write!(f, "the {max} requests allowed to this run are spent"),
            BudgetStop::WouldWait { resets_in } => {
                write!(
                    f,
                    "the window is spent and resets in {} s, longer than allowed to wait",
                    resets_in.as_secs()
                )
            }
        }
    }
}

/// Where a window stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetStanding {
    /// Requests per window.
    pub limit: u64,
    /// Requests left in this window.
    pub remaining: u64,
    /// Time until the window resets.
    pub resets_in: Duration,
    /// The length of a window.
    pub window: Duration,
}

impl BudgetStanding {
    /// How long `requests` more would take at this pace, waits for later windows included
    /// (the time of the requests themselves left out).
    pub fn time_for(&self, requests: u64) -> Duration {
        if requests <= self.remaining || self.limit == 0 {
            return Duration::ZERO;
        }
        let later_windows = (requests - self.remaining).div_ceil(self.limit);
        self.resets_in + self.window.saturating_mul((later_windows - 1) as u32)
    }
}

/// Decides when each request may be sent.
pub trait RequestBudget: Send + Sync + fmt::Debug {
    /// Waits until one more request of `key` fits in its window, and counts it; or says why it
    /// will not be sent.
    fn acquire<'a>(&'a self, key: &'a BudgetKey) -> BoxFuture<'a, Result<(), BudgetStop>>;

    /// What an answer's `RateLimit-*` headers said about `key`'s window.
    fn observe(&self, key: &BudgetKey, info: RateLimitInfo);

    /// A 429 said that `key`'s window is spent for `wait`.
    fn refused(&self, key: &BudgetKey, wait: Duration);

    /// Where `key`'s window stands, as far as the budget knows.
    fn standing(&self, key: &BudgetKey) -> BudgetStanding;
}

/// Called with the wait before a paced request, e.g. to tell a person why nothing moves.
type WaitNotice = Box<dyn Fn(ApiFamily, Duration) + Send + Sync>;

/// A budget kept in this process's memory: one window per base URL and family.
pub struct LocalBudget {
    limit: u64,
    window: Duration,
    max_wait: Duration,
    max_requests: Option<u64>,
    sent: AtomicU64,
    windows: Mutex<HashMap<BudgetKey, Window>>,
    on_wait: Option<WaitNotice>,
}

impl fmt::Debug for LocalBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBudget")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .field("max_wait", &self.max_wait)
            .field("max_requests", &self.max_requests)
            .field("sent", &self.sent)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug)]
struct Window {
    limit: u64,
    remaining: u64,
    resets_at: Instant,
}

/// The service's documented allowance: 480 requests an hour per family.
pub const DEFAULT_BUDGET: (u64, Duration) = (480, Duration::from_secs(3600));

impl Default for LocalBudget {
    fn default() -> Self {
        LocalBudget::new(DEFAULT_BUDGET.0, DEFAULT_BUDGET.1)
    }
}

impl LocalBudget {
    /// `limit` requests per `window` and family (until the server's headers say otherwise);
    /// waits as long as a window lasts, with no cap on requests.
    pub fn new(limit: u64, window: Duration) -> Self {
        LocalBudget {
            limit: limit.max(1),
            window,
            max_wait: window,
            max_requests: None,
            sent: AtomicU64::new(0),
            windows: Mutex::default(),
            on_wait: None,
        }
    }

    /// The longest this budget waits for a window to reset before refusing
    /// ([`BudgetStop::WouldWait`]); zero means never wait.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// At most `max` requests in all, then [`BudgetStop::MaxRequests`].
    pub fn max_requests(mut self, max: u64) -> Self {
        self.max_requests = Some(max);
        self
    }

    /// Calls `notice` before each wait (a tracing event is emitted either way).
    pub fn on_wait(mut self, notice: impl Fn(ApiFamily, Duration) + Send + Sync + 'static) -> Self {
        self.on_wait = Some(Box::new(notice));
        self
    }

    /// Requests let through so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The window of `key`, started now if it has none or its last one is over.
    fn current<'w>(&self, windows: &'w mut HashMap<BudgetKey, Window>, key: &BudgetKey) -> &'w mut Window {
        let now = Instant::now();
        let fresh = Window { limit: self.limit, remaining: self.limit, resets_at: now + self.window };
        let window = windows.entry(key.clone()).or_insert(fresh);
        if window.resets_at <= now {
            *window = Window { limit: window.limit, remaining: window.limit, resets_at: now + self.window };
        }
        window
    }

    /// Counts one request, or says how long until one fits.
    fn try_take(&self, key: &BudgetKey) -> Result<(), Result<Duration, BudgetStop>> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(max) = self.max_requests
            && self.sent.load(Ordering::Relaxed) >= max
        {
            return Err(Err(BudgetStop::MaxRequests { max }));
        }
        let window = self.current(&mut windows, key);
        if window.remaining > 0 {
            window.remaining -= 1;
            self.sent.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let wait = window.resets_at.saturating_duration_since(Instant::now());
        if wait > self.max_wait {
            return Err(Err(BudgetStop::WouldWait { resets_in: wait }));
        }
        Err(Ok(wait))
    }
}

impl RequestBudget for LocalBudget {
    fn acquire<'a>(&'a self, key: &'a BudgetKey) -> BoxFuture<'a, Result<(), BudgetStop>> {
        async move {
            loop {
                let wait = match self.try_take(key) {
                    Ok(()) => return Ok(()),
                    Err(stop_or_wait) => stop_or_wait?,
                };
                tracing::info!(
                    family = key.family.as_str(),
                    wait_ms = wait.as_millis() as u64,
                    "request budget spent: waiting for the next window"
                );
                if let Some(notice) = &self.on_wait {
                    notice(key.family, wait);
                }
                // A moment past the reset: the server rounds its reset up to whole seconds.
                tokio::time::sleep(wait + Duration::from_millis(50)).await;
            }
        }
        .boxed()
    }

    fn observe(&self, key: &BudgetKey, info: RateLimitInfo) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = self.current(&mut windows, key);
        let server_resets_at = instant_after(info.reset);
        window.limit = window.limit.min(info.limit.max(1));
        let same_window = server_resets_at.max(window.resets_at) - server_resets_at.min(window.resets_at)
            <= Duration::from_millis(1500);
        if same_window {
            // Requests counted here may not have reached the server yet: the stricter count wins.
            window.remaining = window.remaining.min(info.remaining);
            window.resets_at = window.resets_at.max(server_resets_at);
        } else {
            // The server's window is another than the one assumed here: the server knows.
            window.remaining = info.remaining.min(window.limit);
            window.resets_at = server_resets_at;
        }
    }

    fn refused(&self, key: &BudgetKey, wait: Duration) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = self.current(&mut windows, key);
        window.remaining = 0;
        window.resets_at = window.resets_at.max(instant_after(wait));
    }

    fn standing(&self, key: &BudgetKey) -> BudgetStanding {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = *self.current(&mut windows, key);
        BudgetStanding {
            limit: window.limit,
            remaining: window.remaining,
            resets_in: window.resets_at.saturating_duration_since(Instant::now()),
            window: self.window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BudgetKey {
        BudgetKey { base_url: "https://acme.lacework.net".to_owned(), family: ApiFamily::AgentAccessTokens }
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_window_waits_for_its_reset() {
        let budget = LocalBudget::new(3, Duration::from_secs(10));
        let started = Instant::now();
        for _ in 0..7 {
            budget.acquire(&key()).await.unwrap();
        }
        // 3 now, 3 after the first reset, 1 after the second.
        assert!(started.elapsed() >= Duration::from_secs(20), "{:?}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(21), "{:?}", started.elapsed());
        assert_eq!(budget.sent(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn headers_tighten_the_count_and_a_429_empties_the_window() {
        let budget = LocalBudget::new(480, Duration::from_secs(3600));
        budget.acquire(&key()).await.unwrap();
        let info = RateLimitInfo { limit: 480, remaining: 2, reset: Duration::from_secs(3600) };
        budget.observe(&key(), info);
        assert_eq!(budget.standing(&key()).remaining, 2, "other processes spent the rest");
        budget.refused(&key(), Duration::from_secs(60));
        let standing = budget.standing(&key());
        assert_eq!(standing.remaining, 0);
        let other = BudgetKey { family: ApiFamily::AccessTokens, ..key() };
        assert_eq!(budget.standing(&other).remaining, 480, "families are counted apart");
    }

    #[tokio::test(start_paused = true)]
    async fn caps_stop_instead_of_waiting() {
        let budget = LocalBudget::new(1, Duration::from_secs(3600)).max_wait(Duration::from_secs(60));
        budget.acquire(&key()).await.unwrap();
        assert!(matches!(budget.acquire(&key()).await, Err(BudgetStop::WouldWait { .. })));
        let capped = LocalBudget::new(100, Duration::from_secs(1)).max_requests(2);
        capped.acquire(&key()).await.unwrap();
        capped.acquire(&key()).await.unwrap();
        assert_eq!(capped.acquire(&key()).await, Err(BudgetStop::MaxRequests { max: 2 }));
    }

    #[test]
    fn time_for_counts_the_windows_a_job_needs() {
        let standing = BudgetStanding {
            limit: 480,
            remaining: 100,
            resets_in: Duration::from_secs(600),
            window: Duration::from_secs(3600),
        };
        assert_eq!(standing.time_for(100), Duration::ZERO);
        assert_eq!(standing.time_for(101), Duration::from_secs(600));
        assert_eq!(standing.time_for(580), Duration::from_secs(600));
        assert_eq!(standing.time_for(581), Duration::from_secs(600 + 3600));
    }
}
