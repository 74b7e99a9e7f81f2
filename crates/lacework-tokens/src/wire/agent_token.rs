//! Agent tokens between the wire and the models, both ways: `tokenEnabled` in any of its forms
//! to a `bool` and a `bool` to the integer the live service uses; `props` as an object, a
//! JSON-encoded string or null to plain fields; and what a create or an update sends.

use chrono::{DateTime, Utc};
use lacework_tokens_api::types::{
    AgentAccessToken, AgentAccessTokenProps, AgentAccessTokenPropsInput, AgentAccessTokenPropsInputOs,
    AgentAccessTokenPropsInputSubscription, AgentAccessTokenPropsObjectCreatedTime, AgentAccessTokenRow,
    TokenEnabled, TokenEnabledString,
};
use serde::Deserialize;

use crate::error::Error;
use crate::models::{AgentToken, AgentTokenId, AgentTokenRow, Os, Subscription};

// From the wire.

fn enabled(value: &TokenEnabled) -> bool {
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

// To the wire.

/// `tokenEnabled` as this crate sends it: the integers the live service and the Go SDK use.
pub(crate) fn token_enabled(enabled: bool) -> TokenEnabled {
    TokenEnabled::Integer(i64::from(enabled).try_into().expect("the spec allows 0 and 1"))
}

pub(crate) fn os_input(os: &Os) -> Result<AgentAccessTokenPropsInputOs, Error> {
    match os {
        Os::Linux => Ok(AgentAccessTokenPropsInputOs::Linux),
        Os::Windows => Ok(AgentAccessTokenPropsInputOs::Windows),
        Os::Other(other) => Err(Error::invalid("os", format!("{other:?} is not linux or windows"))),
    }
}

pub(crate) fn subscription_input(
    subscription: &Subscription,
) -> Result<AgentAccessTokenPropsInputSubscription, Error> {
    match subscription {
        Subscription::Standard => Ok(AgentAccessTokenPropsInputSubscription::Standard),
        Subscription::Professional => Ok(AgentAccessTokenPropsInputSubscription::Professional),
        Subscription::Enterprise => Ok(AgentAccessTokenPropsInputSubscription::Enterprise),
        Subscription::Other(other) => Err(Error::invalid(
            "subscription",
            format!("{other:?} is not standard, professional or enterprise"),
        )),
    }
}

/// The props a create or update sends, or `None` when none was set.
pub(crate) fn props_input(
    description: Option<String>,
    os: Option<&Os>,
    subscription: Option<&Subscription>,
) -> Result<Option<AgentAccessTokenPropsInput>, Error> {
    if description.is_none() && os.is_none() && subscription.is_none() {
        return Ok(None);
    }
    Ok(Some(AgentAccessTokenPropsInput {
        description,
        os: os.map(os_input).transpose()?,
        subscription: subscription.map(subscription_input).transpose()?,
    }))
}

/// An alias as the wire type takes it; a blank one is refused before sending.
pub(crate) fn wire_alias<T: TryFrom<String, Error: std::fmt::Display>>(alias: String) -> Result<T, Error> {
    if alias.trim().is_empty() {
        return Err(Error::invalid("alias", "must not be empty"));
    }
    alias.try_into().map_err(|e: T::Error| Error::invalid("alias", e.to_string()))
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
