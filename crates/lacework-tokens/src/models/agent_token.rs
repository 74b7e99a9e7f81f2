//! [`AgentToken`]: an agent access token as users see it, whatever form it arrived in.
//!
//! On the wire `tokenEnabled` is "1"/"0", 1/0 or true/false, and `props` is an object, a
//! JSON-encoded string with upper-case keys and epoch milliseconds (as the live service sends
//! it), or null; here they are a `bool` and plain fields.

use std::fmt;

use chrono::{DateTime, Utc};
use lacework_tokens_api::types::{
    AgentAccessToken, AgentAccessTokenProps, AgentAccessTokenPropsObjectCreatedTime, AgentAccessTokenRow,
    TokenEnabled, TokenEnabledString,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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

    fn parse(value: &str) -> Os {
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

    fn parse(value: &str) -> Subscription {
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

pub(crate) fn enabled(value: &TokenEnabled) -> bool {
    match value {
        TokenEnabled::String(s) => *s == TokenEnabledString::X1,
        TokenEnabled::Integer(i) => **i == 1,
        TokenEnabled::Boolean(b) => *b,
    }
}

/// `props` in both wire forms, flattened.
#[derive(Default)]
struct Props {
    created_at: Option<DateTime<Utc>>,
    description: Option<String>,
    os: Option<Os>,
    subscription: Option<Subscription>,
}

/// The JSON-encoded form's keys.
#[derive(Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct EncodedProps {
    created_time: Option<i64>,
    description: Option<String>,
    os: Option<String>,
    subscription: Option<String>,
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl Props {
    fn from_wire(props: Option<AgentAccessTokenProps>) -> Props {
        match props {
            None | Some(AgentAccessTokenProps::Encoded(None)) => Props::default(),
            Some(AgentAccessTokenProps::AgentAccessTokenPropsObject(object)) => Props {
                created_at: object.created_time.and_then(|t| match t {
                    AgentAccessTokenPropsObjectCreatedTime::DateTime(t) => Some(t),
                    AgentAccessTokenPropsObjectCreatedTime::Int64(ms) => DateTime::from_timestamp_millis(ms),
                }),
                description: nonempty(object.description),
                os: object.os.as_deref().map(Os::parse),
                subscription: object.subscription.as_deref().map(Subscription::parse),
            },
            Some(AgentAccessTokenProps::Encoded(Some(encoded))) => {
                match serde_json::from_str::<EncodedProps>(&encoded) {
                    Ok(props) => Props {
                        created_at: props.created_time.and_then(DateTime::from_timestamp_millis),
                        description: nonempty(props.description),
                        os: props.os.as_deref().map(Os::parse),
                        subscription: props.subscription.as_deref().map(Subscription::parse),
                    },
                    // A token with unreadable props is still a token: keep it, without them.
                    Err(e) => {
                        tracing::warn!(error = %e, "agent token props are not the JSON the API documents; ignoring them");
                        Props::default()
                    }
                }
            }
        }
    }
}

impl From<AgentAccessToken> for AgentToken {
    fn from(wire: AgentAccessToken) -> Self {
        let props = Props::from_wire(wire.props);
        AgentToken {
            token: AgentTokenId::new(wire.access_token.into_inner()),
            alias: wire.token_alias,
            enabled: enabled(&wire.token_enabled),
            created_at: wire.created_time.or(props.created_at),
            description: props.description,
            os: props.os,
            subscription: props.subscription,
            version: wire.version,
        }
    }
}

impl From<AgentAccessTokenRow> for AgentTokenRow {
    fn from(wire: AgentAccessTokenRow) -> Self {
        let props = Props::from_wire(wire.props);
        AgentTokenRow {
            token: wire.access_token.map(|t| AgentTokenId::new(t.into_inner())),
            alias: wire.token_alias,
            enabled: wire.token_enabled.as_ref().map(enabled),
            created_at: wire.created_time.or(props.created_at),
            description: props.description,
            os: props.os,
            subscription: props.subscription,
            version: wire.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn token(wire: serde_json::Value) -> AgentToken {
        serde_json::from_value::<AgentAccessToken>(wire).unwrap().into()
    }

    #[test]
    fn every_wire_form_gives_the_same_token() {
        let documented = token(json!({
            "accessToken": "abc", "tokenAlias": "Dev Agent", "tokenEnabled": "1", "version": "0.1",
            "createdTime": "2020-12-10T18:14:05.754Z",
            "props": "{\"CREATED_TIME\":1607624045577,\"DESCRIPTION\":\"testing agent\",\"OS\":\"linux\"}"
        }));
        let observed = token(json!({
            "accessToken": "abc", "tokenAlias": "Dev Agent", "tokenEnabled": 1, "version": "0.1",
            "createdTime": "2020-12-10T18:14:05.754Z",
            "props": {"createdTime": "2020-12-10T18:14:05.577Z", "description": "testing agent", "os": "linux"}
        }));
        assert_eq!(documented, observed);
        assert!(documented.enabled);
        assert_eq!(documented.description.as_deref(), Some("testing agent"));
        assert_eq!(documented.os, Some(Os::Linux));
        for (form, enabled) in
            [(json!("0"), false), (json!(0), false), (json!(false), false), (json!(true), true)]
        {
            let t = token(json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": form}));
            assert_eq!(t.enabled, enabled, "{form}");
        }
    }

    #[test]
    fn odd_props_are_ignored_not_fatal() {
        let t =
            token(json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "1", "props": "not json"}));
        assert_eq!(t.description, None);
        let t = token(json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "1", "props": null}));
        assert_eq!(t.created_at, None);
        let t = token(
            json!({"accessToken": "a", "tokenAlias": "x", "tokenEnabled": "1", "props": "{\"CREATED_TIME\":1598530228648}"}),
        );
        assert_eq!(
            t.created_at.unwrap().timestamp_millis(),
            1598530228648,
            "props' time fills in a missing createdTime"
        );
    }

    #[test]
    fn debug_hides_the_token_value() {
        let t = token(
            json!({"accessToken": "47d102752b57caa18b-secret", "tokenAlias": "x", "tokenEnabled": "1"}),
        );
        assert!(!format!("{t:?}").contains("47d102752b57caa18b"));
    }
}
