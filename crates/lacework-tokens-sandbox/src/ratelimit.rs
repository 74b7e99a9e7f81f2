//! Rate limits as the service counts them: one window per user (API key) and functionality.
//! Every answer reports the caller's window in `RateLimit-Limit/Remaining/Reset`.

use std::collections::HashMap;
use std::time::Instant;

use crate::config::RateLimit;

/// A caller's standing after a request was counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
    /// Whether this request is refused (429).
    pub refused: bool,
}

/// Counters per (user, functionality).
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<(String, &'static str), (Instant, u32)>,
}

impl RateLimiter {
    /// Counts one request of `user` to `functionality`.
    pub fn count(
        &mut self,
        config: &RateLimit,
        user: &str,
        functionality: &'static str,
        now: Instant,
    ) -> Standing {
        let (started, used) = self.windows.entry((user.to_owned(), functionality)).or_insert((now, 0));
        if now.duration_since(*started) >= config.window {
            *started = now;
            *used = 0;
        }
        let refused = config.enforce && *used >= config.limit;
        if !refused {
            *used += 1;
        }
        let reset = config.window.saturating_sub(now.duration_since(*started));
        Standing {
            limit: config.limit,
            remaining: config.limit.saturating_sub(*used),
            // Round up: a window with 0.4 s left has not reset yet.
            reset_secs: reset.as_secs() + u64::from(reset.subsec_nanos() > 0),
            refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn counts_per_user_and_functionality_and_resets_with_the_window() {
        let config = RateLimit { limit: 2, window: Duration::from_secs(60), enforce: true };
        let mut limiter = RateLimiter::default();
        let t0 = Instant::now();
        let count = |l: &mut RateLimiter, user, f, t| l.count(&config, user, f, t);
        assert_eq!(count(&mut limiter, "a", "agent", t0).remaining, 1);
        assert_eq!(count(&mut limiter, "a", "agent", t0).remaining, 0);
        let refused = count(&mut limiter, "a", "agent", t0 + Duration::from_millis(500));
        assert!(refused.refused);
        assert_eq!(refused.reset_secs, 60);
        assert!(!count(&mut limiter, "b", "agent", t0).refused, "another user has their own window");
        assert!(!count(&mut limiter, "a", "access", t0).refused, "another functionality too");
        assert!(!count(&mut limiter, "a", "agent", t0 + Duration::from_secs(60)).refused, "the window reset");
    }
}
