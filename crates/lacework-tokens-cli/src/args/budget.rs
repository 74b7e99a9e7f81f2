//! `--budget N[/SPAN]`: the account's request allowance that bulk commands pace themselves to.

use std::time::Duration;

use lacework_tokens::budget::DEFAULT_BUDGET;

use super::expires::span;

/// Requests per window and API family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Requests per window.
    pub limit: u64,
    /// The window.
    pub window: Duration,
}

impl Default for Allowance {
    /// What the service documents: 480 requests an hour.
    fn default() -> Self {
        Allowance { limit: DEFAULT_BUDGET.0, window: DEFAULT_BUDGET.1 }
    }
}

/// `480` (an hour) or `480/1h`, `100/10m`, `480/2s`: the span uses the grammar of `--expires`.
pub fn parse(text: &str) -> Result<Allowance, String> {
    let (limit, window) = text.split_once('/').unwrap_or((text, "1h"));
    let limit = match limit.trim().parse::<u64>() {
        Ok(limit) if limit > 0 => limit,
        _ => return Err(format!("{limit:?} is not a number of requests of at least 1")),
    };
    let window = match span(window.trim()) {
        Some(Ok(window)) => window.to_std().map_err(|_| format!("{window} is out of range"))?,
        Some(Err(e)) => return Err(e),
        None => return Err(format!("{window:?} is not a span such as 1h, 10m or 30s")),
    };
    Ok(Allowance { limit, window })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_parse_with_and_without_a_window() {
        assert_eq!(parse("480"), Ok(Allowance::default()));
        assert_eq!(parse("480/2s"), Ok(Allowance { limit: 480, window: Duration::from_secs(2) }));
        assert_eq!(parse("100/10m").unwrap().window, Duration::from_secs(600));
        for bad in ["0", "x/1h", "480/", "480/2", "480/0s", "480/-1h"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
