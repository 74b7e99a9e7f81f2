//! How a sandbox behaves: its credentials, the wire forms it answers in, paging and rate limits.
//! Everything here can be set from a test ([`SandboxConfig`]) and from the command line.

use std::time::Duration;

/// How `tokenEnabled` is written in answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenEnabledForm {
    /// `"1"` / `"0"`, as the API reference documents.
    #[default]
    String,
    /// `1` / `0`, as the live service answers.
    Integer,
}

/// How an agent token's `props` are written in answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PropsForm {
    /// A JSON-encoded string with upper-case keys and epoch milliseconds, as the live service
    /// answers: `"{\"CREATED_TIME\":1598530228648,\"DESCRIPTION\":\"...\"}"`.
    #[default]
    JsonString,
    /// An object with lower-camel-case keys and RFC 3339 times, as the API reference documents.
    Object,
}

/// How timestamps are written in answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampForm {
    /// `2020-12-16T16:43:37.915Z`
    #[default]
    Milliseconds,
    /// `2020-12-16T16:43:37Z`
    Seconds,
}

/// The wire forms of one sandbox: every combination is one seen in the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WireForms {
    /// How `tokenEnabled` is written.
    pub token_enabled: TokenEnabledForm,
    /// How `props` are written.
    pub props: PropsForm,
    /// How timestamps are written.
    pub timestamps: TimestampForm,
}

impl WireForms {
    /// Every combination of forms, for tests that run against each.
    pub fn all() -> Vec<WireForms> {
        let mut all = Vec::new();
        for token_enabled in [TokenEnabledForm::String, TokenEnabledForm::Integer] {
            for props in [PropsForm::JsonString, PropsForm::Object] {
                for timestamps in [TimestampForm::Milliseconds, TimestampForm::Seconds] {
                    all.push(WireForms { token_enabled, props, timestamps });
                }
            }
        }
        all
    }
}

/// Rate limiting: one window per user and functionality, as the real service counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (the real service allows 480 an hour).
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
    /// Answer 429 with `Retry-After` once the limit is spent; otherwise only report it.
    pub enforce: bool,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self { limit: 480, window: Duration::from_secs(3600), enforce: false }
    }
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `N` (N requests an hour, as the service allows) or `N/WINDOW`, e.g. `480/2s`, so that an
    /// hour's budget can be spent in seconds in a test. WINDOW is a number with a unit: `ms`, `s`,
    /// `m` or `h`. The limit parsed is enforced.
    fn from_str(text: &str) -> Result<Self, String> {
        let (limit, window) = match text.split_once('/') {
            Some((limit, window)) => (limit, Some(window)),
            None => (text, None),
        };
        let limit = match limit.trim().parse::<u32>() {
            Ok(limit) if limit > 0 => limit,
            _ => return Err(format!("{limit:?} is not a request count of at least 1")),
        };
        let window = match window {
            None => RateLimit::default().window,
            Some(window) => parse_window(window.trim())?,
        };
        Ok(RateLimit { limit, window, enforce: true })
    }
}

/// A window length such as `2s`, `500ms`, `10m` or `1h`; at least a millisecond.
fn parse_window(text: &str) -> Result<Duration, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| format!("window {text:?} must start with a number"))?;
    let window = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        _ => return Err(format!("window {text:?} needs a unit: ms, s, m or h")),
    };
    if window.is_zero() {
        return Err(format!("window {text:?} must be longer than zero"));
    }
    Ok(window)
}

/// Everything a sandbox is started with.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The API key id the exchange accepts; generated when `None`.
    pub key_id: Option<String>,
    /// The API key's secret; generated when `None`.
    pub secret: Option<String>,
    /// Answer forms.
    pub forms: WireForms,
    /// Rows per page of list and search answers (the real service pages at 5,000).
    pub page_size: usize,
    /// Rate limiting.
    pub rate_limit: RateLimit,
    /// Start with a handful of realistic tokens.
    pub seed_demo: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            key_id: None,
            secret: None,
            forms: WireForms::default(),
            page_size: 5000,
            rate_limit: RateLimit::default(),
            seed_demo: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse_with_and_without_a_window() {
        let hourly: RateLimit = "480".parse().unwrap();
        assert_eq!(hourly, RateLimit { limit: 480, window: Duration::from_secs(3600), enforce: true });
        let fast: RateLimit = "480/2s".parse().unwrap();
        assert_eq!((fast.limit, fast.window), (480, Duration::from_secs(2)));
        assert_eq!("5/250ms".parse::<RateLimit>().unwrap().window, Duration::from_millis(250));
        assert_eq!("5/10m".parse::<RateLimit>().unwrap().window, Duration::from_secs(600));
        for bad in ["0", "x", "5/", "5/2", "5/2d", "5/0s", "-1/1s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad} must be refused");
        }
    }
}
