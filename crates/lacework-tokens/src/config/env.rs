//! The environment variables the client reads, the way every Lacework tool names them: the one
//! list of them, and the layer of settings they make.

use std::env::VarError;

use secrecy::SecretString;

use super::ConfigError;
use super::layers::{Setting, Settings, Source};

/// A variable the client reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variable {
    /// `LW_ACCOUNT`: the account name, e.g. `acme` or `acme.fra.lacework.net`.
    Account,
    /// `LW_SUBACCOUNT`: the sub-account of an organization account.
    Subaccount,
    /// `LW_API_KEY`: the API key id that is exchanged, with its secret, for a bearer token.
    ApiKey,
    /// `LW_API_SECRET`: the secret belonging to the API key.
    ApiSecret,
    /// `LW_API_TOKEN`: a ready bearer token, which skips the key exchange.
    ApiToken,
    /// `LW_PROFILE`: the profile of `~/.lacework.toml` to read.
    Profile,
    /// `LW_API_SERVER_URL`: a server URL that replaces the one derived from the account.
    ApiServerUrl,
}

/// Every variable the client reads.
pub const VARIABLES: [Variable; 7] = [
    Variable::Account,
    Variable::Subaccount,
    Variable::ApiKey,
    Variable::ApiSecret,
    Variable::ApiToken,
    Variable::Profile,
    Variable::ApiServerUrl,
];

impl Variable {
    /// The variable's name, e.g. `LW_ACCOUNT`.
    pub fn name(self) -> &'static str {
        match self {
            Variable::Account => "LW_ACCOUNT",
            Variable::Subaccount => "LW_SUBACCOUNT",
            Variable::ApiKey => "LW_API_KEY",
            Variable::ApiSecret => "LW_API_SECRET",
            Variable::ApiToken => "LW_API_TOKEN",
            Variable::Profile => "LW_PROFILE",
            Variable::ApiServerUrl => "LW_API_SERVER_URL",
        }
    }
}

/// Rejects variables of this process that are set but not Unicode: silently treating them as
/// unset would make a set variable look ignored.
pub fn check_process_env_is_unicode() -> Result<(), ConfigError> {
    for variable in VARIABLES {
        if let Err(VarError::NotUnicode(_)) = std::env::var(variable.name()) {
            return Err(ConfigError::new(variable.name(), "is set but is not valid Unicode"));
        }
    }
    Ok(())
}

/// Looks a variable up; blank values count as unset because shells and CI systems often export
/// variables that were meant to stay empty.
pub(super) fn lookup(env: &dyn Fn(&str) -> Option<String>, variable: Variable) -> Option<String> {
    env(variable.name()).and_then(super::non_blank)
}

/// The layer of settings the environment `env` supplies.
pub fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Settings {
    let var = |variable| lookup(env, variable).map(|value| Setting::new(value, Source::Env(variable)));
    let secret = |variable| var(variable).map(|s| Setting::new(SecretString::from(s.value), s.source));
    Settings {
        account: var(Variable::Account),
        subaccount: var(Variable::Subaccount),
        api_key: var(Variable::ApiKey),
        api_secret: secret(Variable::ApiSecret),
        api_token: secret(Variable::ApiToken),
        api_server_url: var(Variable::ApiServerUrl),
    }
}
