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
