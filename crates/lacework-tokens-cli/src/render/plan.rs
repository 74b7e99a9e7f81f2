//! What a bulk job will cost before it runs: tokens selected, requests needed, and how long
//! the request budget makes it take.

use std::time::Duration;

use lacework_tokens::budget::BudgetStanding;
use schemars::JsonSchema;
use serde::Serialize;

/// The plan of a bulk job (in the bulk report's JSON as `plan`).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Plan {
    /// Tokens the selection matched.
    pub selected: usize,
    /// Tokens not yet in the wanted state: one request each.
    pub requests: u64,
    /// The budget's window as it stood when the plan was made.
    pub budget: BudgetView,
    /// The waits for later windows the job needs, in seconds (0: it fits in this window).
    pub wait_seconds: u64,
}

/// [`BudgetStanding`] for people and scripts.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BudgetView {
    /// Requests per window.
    pub limit: u64,
    /// The window, in seconds.
    pub window_seconds: u64,
    /// Requests left in the current window.
    pub remaining: u64,
    /// Seconds until the current window resets.
    pub resets_in_seconds: u64,
}

impl Plan {
    /// The plan of switching `requests` of `selected` tokens, at `standing`.
    pub fn new(selected: usize, requests: u64, standing: BudgetStanding) -> Plan {
        Plan {
            selected,
            requests,
            budget: BudgetView {
                limit: standing.limit,
                window_seconds: standing.window.as_secs(),
                remaining: standing.remaining,
                resets_in_seconds: standing.resets_in.as_secs(),
            },
            wait_seconds: standing.time_for(requests).as_secs(),
        }
    }

    /// Whether the job needs more than what is left of the current window.
    pub fn exceeds_window(&self) -> bool {
        self.requests > self.budget.remaining
    }

    /// One line: `plan: 3 of 6 selected tokens to disable, 3 requests; budget 480 per 1h, 470 left in this window: fits`.
    pub fn line(&self, verb: &str) -> String {
        let budget = &self.budget;
        let cost = format!(
            "plan: {} of {} selected tokens to {verb}, {} request{}; budget {} per {}, {} left in this window",
            self.requests,
            self.selected,
            self.requests,
            if self.requests == 1 { "" } else { "s" },
            budget.limit,
            duration(Duration::from_secs(budget.window_seconds)),
            budget.remaining,
        );
        if self.exceeds_window() {
            format!(
                "{cost}: paced over later windows, about {} of waiting (this window resets in {})",
                duration(Duration::from_secs(self.wait_seconds)),
                duration(Duration::from_secs(budget.resets_in_seconds))
            )
        } else {
            format!("{cost}: fits")
        }
    }
}

/// `1h`, `1h 05m`, `12m 30s`, `10m`, `42s`.
pub fn duration(span: Duration) -> String {
    let secs = span.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (h, 0, _) => format!("{h}h"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_says_whether_the_job_fits() {
        let standing = |remaining| BudgetStanding {
            limit: 480,
            remaining,
            resets_in: Duration::from_secs(600),
            window: Duration::from_secs(3600),
        };
        let fits = Plan::new(10, 3, standing(470));
        assert_eq!(
            fits.line("disable"),
            "plan: 3 of 10 selected tokens to disable, 3 requests; budget 480 per 1h, 470 left in this window: fits"
        );
        let paced = Plan::new(9_524, 9_524, standing(470));
        assert!(paced.exceeds_window());
        assert!(
            paced.line("disable").ends_with("about 18h 10m of waiting (this window resets in 10m)"),
            "{}",
            paced.line("disable")
        );
    }
}
