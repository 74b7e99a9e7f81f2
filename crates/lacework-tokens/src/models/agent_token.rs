//! [`AgentToken`]: an agent access token as users see it, whatever form it arrived in.
//!
//! On the wire `tokenEnabled` is "1"/"0", 1/0 or true/false, and `props` is an object, a
//! JSON-encoded string with upper-case keys and epoch milliseconds (as the live service sends
//! it), or null; here they are a `bool` and plain fields (the conversions are in `wire`).

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

/// An agent access token's value. It is both the token's id (it names the token in URLs) and a
/// secret (agents present it), so it is kept wrapped: `Debug` hides it.
#[derive(Clone)]
pub struct AgentTokenId(SecretString);

impl AgentTokenId {
    /// Wraps a token value.
    pub fn new(token: impl Into<String>) -> Self {
        AgentTokenId(SecretString::from(token.into()))
    }

    /// The value itself, e.g. to configure an agent with it. Never log it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for AgentTokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgentTokenId([redacted])")
    }
}

impl PartialEq for AgentTokenId {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for AgentTokenId {}

impl From<&str> for AgentTokenId {
    fn from(token: &str) -> Self {
        AgentTokenId::new(token)
    }
}

impl From<String> for AgentTokenId {
    fn from(token: String) -> Self {
        AgentTokenId::new(token)
    }
}

impl From<&AgentTokenId> for AgentTokenId {
    fn from(id: &AgentTokenId) -> Self {
        id.clone()
    }
}

impl From<&AgentToken> for AgentTokenId {
    fn from(token: &AgentToken) -> Self {
        token.token.clone()
    }
}

/// The operating system an agent token is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Os {
    /// `linux`
    Linux,
    /// `windows`
    Windows,
    /// A value this crate does not know yet, as the API sent it.
    Other(String),
}

/// The subscription an agent token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subscription {
    /// `standard`
    Standard,
    /// `professional`
    Professional,
    /// `enterprise`
    Enterprise,
    /// A value this crate does not know yet, as the API sent it.
    Other(String),
}

impl Os {
    /// The API's name for it: `linux`, `windows`, or the unknown value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
            Os::Other(other) => other,
        }
    }

    pub(crate) fn parse(value: &str) -> Os {
        [Os::Linux, Os::Windows]
            .into_iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(value))
            .unwrap_or_else(|| Os::Other(value.to_owned()))
    }
}

impl Subscription {
    /// The API's name for it: `standard`, `professional`, `enterprise`, or the unknown value.
    pub fn as_str(&self) -> &str {
        match self {
            Subscription::Standard => "standard",
            Subscription::Professional => "professional",
            Subscription::Enterprise => "enterprise",
            Subscription::Other(other) => other,
        }
    }

    pub(crate) fn parse(value: &str) -> Subscription {
        [Subscription::Standard, Subscription::Professional, Subscription::Enterprise]
            .into_iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(value))
            .unwrap_or_else(|| Subscription::Other(value.to_owned()))
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An agent access token.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AgentToken {
    /// The token's value, which is also its id.
    pub token: AgentTokenId,
    /// Its name (`tokenAlias`).
    pub alias: String,
    /// Whether agents may use it.
    pub enabled: bool,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// Its description.
    pub description: Option<String>,
    /// The operating system it is for.
    pub os: Option<Os>,
    /// The subscription it belongs to.
    pub subscription: Option<Subscription>,
    /// The token format version, e.g. "0.1".
    pub version: Option<String>,
}

impl AgentToken {
    /// The token's id, to pass to `get`, `update`, `enable` or `disable`.
    pub fn id(&self) -> &AgentTokenId {
        &self.token
    }
}

/// One search result: the fields the search asked for (`returns`), all of them by default.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AgentTokenRow {
    /// The token's value, if returned.
    pub token: Option<AgentTokenId>,
    /// Its name, if returned.
    pub alias: Option<String>,
    /// Whether it is enabled, if returned.
    pub enabled: Option<bool>,
    /// When it was created, if returned.
    pub created_at: Option<DateTime<Utc>>,
    /// Its description, if returned.
    pub description: Option<String>,
    /// Its operating system, if returned.
    pub os: Option<Os>,
    /// Its subscription, if returned.
    pub subscription: Option<Subscription>,
    /// Its format version, if returned.
    pub version: Option<String>,
}

impl AgentTokenRow {
    /// The whole token, when the row has every field a token needs (a search without `returns`).
    pub fn into_token(self) -> Option<AgentToken> {
        Some(AgentToken {
            token: self.token?,
            alias: self.alias?,
            enabled: self.enabled?,
            created_at: self.created_at,
            description: self.description,
            os: self.os,
            subscription: self.subscription,
            version: self.version,
        })
    }
}
