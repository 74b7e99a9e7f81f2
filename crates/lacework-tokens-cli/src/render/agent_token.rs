//! Agent tokens as printed: a list, or one token's details.
//!
//! A token's value is a secret as well as its id, so only the commands that exist to print it
//! (`show`, `create`, `rotate`, and listings given `--show-tokens`) do; everything else prints
//! its first characters (`token_hint`) and a row id derived from it (`row_id`).

use comfy_table::Color;
use lacework_tokens::{AgentToken, Os, Subscription};
use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::table::{TableStyle, Text};
use super::{Listing, View, time};

/// Whether a view carries the token's full value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    /// The full value: `show`, `create`, and listings with `--show-tokens`.
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

/// How many hex digits of a value's SHA-256 make its row id: 64 bits, so that ids of the
/// tokens of one account never collide in practice.
const ID_HEX_DIGITS: usize = 16;

/// A stable id for the token whose value is `value`, that reveals nothing of it: the first
/// [`ID_HEX_DIGITS`] hex digits of the value's SHA-256. The API's id of an agent token is its
/// value, a secret, so exports key their rows by this instead.
fn row_id(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex[..ID_HEX_DIGITS].to_owned()
}

/// One agent token (docs/json.md, "Agent token").
#[derive(Serialize, JsonSchema)]
pub struct AgentTokenView {
    /// A stable id for the row, the same in every listing and export: derived from the token's
    /// value (the start of its SHA-256), from which it reveals nothing. Not a TOKEN argument.
    row_id: String,
    /// The token's full value, which agents connect with: only from `agent show`, `agent
    /// create`, `agent rotate`, and listings given `--show-tokens`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    token: Option<String>,
    /// The first characters of the value and `…`; any TOKEN argument accepts it.
    token_hint: String,
    /// The token's name.
    alias: String,
    /// Whether agents may use it.
    enabled: bool,
    /// The token's description.
    description: Option<String>,
    /// `linux`, `windows`, or a value the CLI does not know yet, as sent.
    os: Option<String>,
    /// `standard`, `professional`, `enterprise`, or a value as sent.
    subscription: Option<String>,
    /// The token format version.
    version: Option<String>,
    /// When the token was created (RFC 3339, UTC, milliseconds).
    #[serde(serialize_with = "time::serialize")]
    #[schemars(with = "Option<chrono::DateTime<chrono::Utc>>")]
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl AgentTokenView {
    /// The view of `token`, with its full value or not.
    pub fn new(token: &AgentToken, reveal: Reveal) -> AgentTokenView {
        let value = token.token.expose_secret();
        AgentTokenView {
            row_id: row_id(value),
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
#[derive(Serialize, JsonSchema)]
#[serde(transparent)]
pub struct AgentTokenList {
    tokens: Vec<AgentTokenView>,
    #[serde(skip)]
    reveal: bool,
}

impl AgentTokenList {
    /// The listing of `tokens`, with their full values or not.
    pub fn new(tokens: &[AgentToken], reveal: Reveal) -> AgentTokenList {
        AgentTokenList {
            tokens: tokens.iter().map(|t| AgentTokenView::new(t, reveal)).collect(),
            reveal: reveal == Reveal::Full,
        }
    }
}

impl View for AgentTokenList {
    fn table(&self, style: &TableStyle) -> String {
        if self.tokens.is_empty() {
            return "no agent tokens\n".to_owned();
        }
        let rows = self
            .tokens
            .iter()
            .map(|t| {
                vec![
                    Text::plain(t.token.clone().unwrap_or_else(|| t.token_hint.clone())),
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

impl Listing for AgentTokenList {
    type Row = AgentTokenView;

    fn rows(&self) -> &[AgentTokenView] {
        &self.tokens
    }

    fn columns(&self) -> Vec<&'static str> {
        let token = self.reveal.then_some("token");
        let rest =
            ["token_hint", "alias", "enabled", "description", "os", "subscription", "version", "created_at"];
        std::iter::once("row_id").chain(token).chain(rest).collect()
    }
}

/// `agent show`, `create`, `update`, `rotate`, and `enable`/`disable` of one token: one agent
/// token.
#[derive(Serialize, JsonSchema)]
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

    #[test]
    fn row_ids_are_stable_short_and_distinct() {
        // The SHA-256 of "abc" starts ba7816bf8f01cfea (FIPS 180-2, appendix B.1).
        assert_eq!(row_id("abc"), "ba7816bf8f01cfea");
        assert_ne!(row_id("47d102752b57caa18b9f00aa"), row_id("47d102752b57caa18b9f00ab"));
    }
}
