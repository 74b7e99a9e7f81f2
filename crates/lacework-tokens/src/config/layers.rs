//! Layered settings: a [`Setting`] is a value with the [`Source`] it came from, [`Settings`] is
//! one layer of them (or the merge of several), and [`Settings::layered`] merges layers given
//! highest first. The rules of the merge live here and nowhere else.

use std::fmt;

use secrecy::SecretString;

use super::ConfigError;
use super::env::Variable;

/// Where a setting came from, as the user would name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A `ClientBuilder` setter, e.g. `account` (errors name it so).
    Builder(&'static str),
    /// A command-line option, e.g. `--account`.
    Flag(&'static str),
    /// An environment variable.
    Env(Variable),
    /// A key of a profile of `~/.lacework.toml`.
    Profile {
        /// The profile, e.g. `default`.
        profile: String,
        /// The key, e.g. `api_key`.
        key: &'static str,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Builder(setter) => f.write_str(setter),
            Source::Flag(option) => f.write_str(option),
            Source::Env(variable) => f.write_str(variable.name()),
            Source::Profile { profile, key } => f.write_str(&super::file::file_source(profile, key)),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

impl<T> Setting<T> {
    /// `value` from `source`.
    pub fn new(value: T, source: Source) -> Self {
        Setting { value, source }
    }
}

/// The value and its source; a secret's `Debug` (secrecy's) shows `[REDACTED]`.
impl<T: fmt::Debug> fmt::Debug for Setting<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (from {})", self.value, self.source)
    }
}

/// The client's settings: one layer, or the merge of several.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The account name, e.g. `acme` or `acme.fra.lacework.net`.
    pub account: Option<Setting<String>>,
    /// The sub-account (sent as `Account-Name`).
    pub subaccount: Option<Setting<String>>,
    /// The API key id.
    pub api_key: Option<Setting<String>>,
    /// The API key's secret.
    pub api_secret: Option<Setting<SecretString>>,
    /// A ready bearer token.
    pub api_token: Option<Setting<SecretString>>,
    /// A server URL that replaces the one derived from the account.
    pub api_server_url: Option<Setting<String>>,
}

/// What a merged set of settings lacks to build a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Neither an account nor a server URL.
    Account,
    /// Neither an API key with its secret nor a bearer token.
    Credentials,
}

impl Settings {
    /// Merges `layers`, given highest precedence first, and checks that an API key and its
    /// secret come together.
    ///
    /// Each setting comes from the highest layer that has it, with two groups chosen whole by
    /// the highest layer that has any member: where the API is (`account` or `api_server_url`),
    /// and the kind of credentials (a bearer, or a key and secret). So `LW_API_TOKEN` beats a
    /// profile's `api_key`, `--account` beats `LW_API_SERVER_URL`, and within a key pair the
    /// layers still mix: a key from the environment pairs with the profile's secret.
    pub fn layered(layers: impl IntoIterator<Item = Settings>) -> Result<Settings, ConfigError> {
        let merged = layers.into_iter().fold(None, |above: Option<Settings>, below| {
            Some(match above {
                None => below,
                Some(above) => above.over(below),
            })
        });
        let merged = merged.unwrap_or_default();
        merged.check_key_pair()?;
        Ok(merged)
    }

    /// `self` over `below`.
    fn over(self, mut below: Settings) -> Settings {
        if self.account.is_some() || self.api_server_url.is_some() {
            (below.account, below.api_server_url) = (None, None);
        }
        let has_key = self.api_key.is_some() || self.api_secret.is_some();
        if self.api_token.is_some() && !has_key {
            (below.api_key, below.api_secret) = (None, None);
        }
        if has_key && self.api_token.is_none() {
            below.api_token = None;
        }
        Settings {
            account: self.account.or(below.account),
            subaccount: self.subaccount.or(below.subaccount),
            api_key: self.api_key.or(below.api_key),
            api_secret: self.api_secret.or(below.api_secret),
            api_token: self.api_token.or(below.api_token),
            api_server_url: self.api_server_url.or(below.api_server_url),
        }
    }

    /// Checks that an API key and its secret come together: one without the other cannot work,
    /// and is almost always a forgotten variable or a typo in a key name.
    pub fn check_key_pair(&self) -> Result<(), ConfigError> {
        let half = |setting: &str, have: &Source, lacking: &str, variable: Variable, key: &str| {
            ConfigError::new(
                setting,
                format!(
                    "an API {} is set (from {have}) but no API {lacking} is; set {} or {key} in the profile",
                    if lacking == "secret" { "key" } else { "secret" },
                    variable.name()
                ),
            )
        };
        match (&self.api_key, &self.api_secret) {
            (Some(key), None) => {
                Err(half("api_secret", &key.source, "secret", Variable::ApiSecret, "api_secret"))
            }
            (None, Some(secret)) => Err(half("api_key", &secret.source, "key", Variable::ApiKey, "api_key")),
            _ => Ok(()),
        }
    }

    /// What these settings lack to build a client, if anything: the one completeness check,
    /// which the client and `lwtokens` each word in their own terms.
    pub fn missing(&self) -> Option<Missing> {
        if self.account.is_none() && self.api_server_url.is_none() {
            return Some(Missing::Account);
        }
        let has_key = self.api_key.is_some() && self.api_secret.is_some();
        (!has_key && self.api_token.is_none()).then_some(Missing::Credentials)
    }
}
