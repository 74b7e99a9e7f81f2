//! The TOKEN argument: how the user names one agent token.
//!
//! A token's value is its id, but it is long and secret, and lists print only its start. So a
//! token can also be named by its alias (`alias:NAME`) or by the start of its value as a list
//! prints it (`47d10275…`); `commands::resolve` turns those into one token with a search.

use std::str::FromStr;

use lacework_tokens::AgentTokenId;

/// How few characters of a value may name a token: fewer would match too often to be useful.
pub const MIN_HINT_LEN: usize = 6;

/// One agent token, as the user named it.
#[derive(Clone, Debug)]
pub enum TokenRef {
    /// The full value.
    Value(AgentTokenId),
    /// The one token with this alias.
    Alias(String),
    /// The one token whose value starts with this.
    Hint(String),
}

impl FromStr for TokenRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(alias) = text.strip_prefix("alias:") {
            if alias.is_empty() {
                return Err("alias: needs a name, e.g. alias:ci-runners".to_owned());
            }
            return Ok(TokenRef::Alias(alias.to_owned()));
        }
        if let Some(start) = text.strip_suffix('…').or_else(|| text.strip_suffix("...")) {
            // Only letters and digits: `%` and `_` would be wildcards in the search it becomes.
            if start.len() < MIN_HINT_LEN || !start.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!(
                    "a shortened token is at least {MIN_HINT_LEN} letters or digits followed by … or ..."
                ));
            }
            return Ok(TokenRef::Hint(start.to_owned()));
        }
        if text.is_empty() {
            return Err("the token is empty".to_owned());
        }
        Ok(TokenRef::Value(AgentTokenId::from(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_aliases_and_shortened_values() {
        let value = "47d102752b57caa18b".parse::<TokenRef>().unwrap();
        assert!(matches!(value, TokenRef::Value(id) if id.expose_secret() == "47d102752b57caa18b"));
        assert!(matches!("alias:ci runners".parse(), Ok(TokenRef::Alias(a)) if a == "ci runners"));
        assert!(matches!("47d10275…".parse(), Ok(TokenRef::Hint(h)) if h == "47d10275"));
        assert!(matches!("47d10275...".parse(), Ok(TokenRef::Hint(h)) if h == "47d10275"));
    }

    #[test]
    fn unusable_names_are_refused() {
        let error = |text: &str| text.parse::<TokenRef>().unwrap_err();
        assert!(error("alias:").contains("needs a name"));
        assert!(error("47d…").contains("at least 6"));
        assert!(error("47d1%5…").contains("letters or digits"));
        assert!(error(" ").contains("empty"));
    }
}
