//! Client settings and where each came from: the environment (`LW_*`, [`env`]), the profiles of
//! `~/.lacework.toml` ([`file`]), and the merge of layers in order of precedence ([`layers`]).
//!
//! Each source makes a layer of [`Settings`]; [`Settings::layered`] merges them, highest first.
//! The client puts its builder's values on top ([`gather`] gives the environment over the file);
//! `lwtokens` puts its options on top. Malformed or contradictory input (bad TOML, wrong types,
//! an unknown profile, a key without its secret) is refused here; whether the merge is complete
//! enough to build a client is [`Settings::missing`]'s to say, once every layer is in.
//!
//! Secrets are wrapped in [`SecretString`](secrecy::SecretString) as soon as they are read, and
//! no `Debug` output or [`ConfigError`] ever contains one.

mod env;
mod file;
mod layers;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;

pub use env::{VARIABLES, Variable, check_process_env_is_unicode, env_layer};
pub use file::file_layer;
pub use layers::{Missing, Setting, Settings, Source};

/// A configuration problem: which setting, and what is wrong with it. Never contains a secret value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, variable, file or profile at fault, e.g. `LW_PROFILE` or `~/.lacework.toml [prod] account`.
    pub setting: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ConfigError {
    /// Builds an error; callers must keep secret values out of both parts.
    pub(crate) fn new(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError { setting: setting.into(), reason: reason.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// The environment over `~/.lacework.toml`, merged.
///
/// `env` looks a variable up; `home` is the home directory (`None`: no file is read). `profile` is
/// an explicitly requested profile, which beats `LW_PROFILE`; with neither, `default` is read.
/// Missing values are not an error here, but malformed or contradictory ones are.
pub fn gather(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
    profile: Option<&str>,
) -> Result<Settings, ConfigError> {
    Settings::layered([env_layer(env), file_layer(env, home, profile)?])
}

/// Like [`gather`], from the process environment and the user's home directory.
pub fn gather_from_process(profile: Option<&str>) -> Result<Settings, ConfigError> {
    check_process_env_is_unicode()?;
    gather(&|name| std::env::var(name).ok(), home_dir().as_deref(), profile)
}

/// The user's home directory, if one is known.
pub fn home_dir() -> Option<std::path::PathBuf> {
    std::env::home_dir().filter(|home| !home.as_os_str().is_empty())
}

/// The value without surrounding whitespace (never part of a Lacework name, key or secret), or
/// `None` when nothing is left.
fn non_blank(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}
