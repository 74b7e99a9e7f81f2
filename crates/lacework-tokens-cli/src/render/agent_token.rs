//! Agent tokens as printed: a list, or one token's details.
//!
//! A token's value is a secret as well as its id, so only the commands that exist to print it
//! (`show`, `create`) do; everything else prints its first characters (`token_hint`).

use comfy_table::Color;
use lacework_tokens::{AgentToken, Os, Subscription};
use serde::Serialize;

use super::table::{TableStyle, Text};
use super::{View, time};

/// Whether a view carries the token's full value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    /// The full value: `show` and `create`.
    Full,
    /// Only its start.
    Hint,
}

/// How many characters of a value a hint shows: enough to tell tokens apart and to name one
/// (`lwtokens agent show 47d10275…`), far too few to use it.
const HINT_CHARS: usize = 8;

/// The start of a token's value followed by `…`; at most half of a (short, odd) value.
pub fn hint(value: &str) -> String {
    let keep = HINT_CHARS.min(value.chars().count() / 2);
    format!("{}…", value.chars().take(keep).collect::<String>())
}

/// One agent token (docs/json.md, "Agent token").
#[derive(Serialize)]
pub struct AgentTokenView {
    /// The full value, only when revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    token_hint: String,
    alias: String,
    enabled: bool,
    description: Option<String>,
    os: Option<String>,
    subscription: Option<String>,
    version: Option<String>,
    #[serde(serialize_with = "time::serialize")]
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl AgentTokenView {
    /// The view of `token`, with its full value or not.
    pub fn new(token: &AgentToken, reveal: Reveal) -> AgentTokenView {
        let value = token.token.expose_secret();
        AgentTokenView {
            token: (reveal == Reveal::Full).then(|| value.to_owned()),
            token_hint: hint(value),
            alias: token.alias.clone(),
            enabled: token.enabled,
            description: token.description.clone(),
            os: token.os.as_ref().map(os_name),
            subscription: token.subscription.as_ref().map(subscription_name),
            version: token.version.clone(),
            created_at: token.created_at,
        }
    }

    fn state(&self) -> Text {
        if self.enabled {
            Text::colored("enabled", Color::Green)
        } else {
            Text::colored("disabled", Color::Red)
        }
    }
}

fn os_name(os: &Os) -> String {
    match os {
        Os::Linux => "linux".to_owned(),
        Os::Windows => "windows".to_owned(),
        Os::Other(other) => other.clone(),
    }
}

fn subscription_name(subscription: &Subscription) -> String {
    match subscription {
        Subscription::Standard => "standard".to_owned(),
        Subscription::Professional => "professional".to_owned(),
        Subscription::Enterprise => "enterprise".to_owned(),
        Subscription::Other(other) => other.clone(),
    }
}

/// `-` for a field the token does not have.
fn or_dash(value: &Option<String>) -> Text {
    Text::plain(value.clone().unwrap_or_else(|| "-".to_owned()))
}

/// `agent list` and `agent search`: a JSON array of agent tokens.
#[derive(Serialize)]
#[serde(transparent)]
pub struct AgentTokenList(pub Vec<AgentTokenView>);

impl View for AgentTokenList {
    fn table(&self, style: &TableStyle) -> String {
        if self.0.is_empty() {
            return "no agent tokens\n".to_owned();
        }
        let rows = self
            .0
            .iter()
            .map(|t| {
                vec![
                    Text::plain(t.token_hint.clone()),
                    Text::plain(t.alias.clone()),
                    t.state(),
                    or_dash(&t.os),
                    or_dash(&t.subscription),
                    Text::plain(time::table(t.created_at)),
                    or_dash(&t.description),
                ]
            })
            .collect();
        style.list(&["TOKEN", "ALIAS", "STATE", "OS", "SUBSCRIPTION", "CREATED (UTC)", "DESCRIPTION"], rows)
    }
}

/// `agent show`, `create`, `update`, and `enable`/`disable` of one token: one agent token.
#[derive(Serialize)]
#[serde(transparent)]
pub struct AgentTokenDetails(pub AgentTokenView);

impl View for AgentTokenDetails {
    fn table(&self, style: &TableStyle) -> String {
        let t = &self.0;
        style.details(vec![
            ("token", Text::plain(t.token.clone().unwrap_or_else(|| t.token_hint.clone()))),
            ("alias", Text::plain(t.alias.clone())),
            ("state", t.state()),
            ("description", or_dash(&t.description)),
            ("os", or_dash(&t.os)),
            ("subscription", or_dash(&t.subscription)),
            ("version", or_dash(&t.version)),
            ("created (UTC)", Text::plain(time::table(t.created_at))),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_show_a_short_start() {
        assert_eq!(hint("47d102752b57caa18b9f00aa"), "47d10275…");
        assert_eq!(hint("abcdef"), "abc…", "never more than half");
        assert_eq!(hint(""), "…");
    }
}
