//! Client settings gathered from the environment and `~/.lacework.toml`, the way the Lacework CLI does it.
//!
//! This module only collects what the user configured and rejects input that is malformed or
//! contradictory (bad TOML, wrong types, an unknown profile, a key without its secret). It does not
//! decide whether the result is complete enough to build a client: explicit builder values may still
//! fill the gaps, so that check belongs where the client is built.
//!
//! Precedence is environment over file. Secrets are wrapped in [`SecretString`] as soon as they are
//! read, and no `Debug` output or [`ConfigError`] ever contains one.

use std::env::VarError;
use std::fmt;
use std::io;
use std::path::Path;

use secrecy::SecretString;
use toml::{Table, Value};

/// The account name, e.g. `acme` or `acme.fra.lacework.net`.
const ENV_ACCOUNT: &str = "LW_ACCOUNT";
/// The sub-account of an organization account.
const ENV_SUBACCOUNT: &str = "LW_SUBACCOUNT";
/// The API key ID that is exchanged, with its secret, for a bearer token.
const ENV_API_KEY: &str = "LW_API_KEY";
/// The secret belonging to the API key.
const ENV_API_SECRET: &str = "LW_API_SECRET";
/// A ready bearer token, which skips the key exchange.
const ENV_API_TOKEN: &str = "LW_API_TOKEN";
/// The profile of `~/.lacework.toml` to read.
const ENV_PROFILE: &str = "LW_PROFILE";
/// A server URL that replaces the one derived from the account.
const ENV_API_SERVER_URL: &str = "LW_API_SERVER_URL";
/// Every variable this module reads, so that all of them get the same Unicode check.
const ENV_VARS: [&str; 7] = [
    ENV_ACCOUNT,
    ENV_SUBACCOUNT,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_API_TOKEN,
    ENV_PROFILE,
    ENV_API_SERVER_URL,
];

/// The configuration file's name inside the home directory.
const FILE_NAME: &str = ".lacework.toml";
/// How sources in the file are named: the home directory varies, the user knows the file by this name.
const FILE_LABEL: &str = "~/.lacework.toml";
/// The profile used when none is requested; the only one whose absence is not an error.
const DEFAULT_PROFILE: &str = "default";
/// The only configuration format version the Lacework CLI writes for API v2.
const SUPPORTED_VERSION: i64 = 2;
/// The `setting` of errors about a profile requested through [`gather`]'s argument.
const PROFILE_ARGUMENT: &str = "profile";

/// Settings gathered from the environment and `~/.lacework.toml`.
#[derive(Clone, Default)]
pub struct Settings {
    /// The account name (`LW_ACCOUNT` or `account`).
    pub account: Option<String>,
    /// The sub-account (`LW_SUBACCOUNT` or `subaccount`).
    pub subaccount: Option<String>,
    /// The API key ID (`LW_API_KEY` or `api_key`).
    pub api_key: Option<String>,
    /// The API key's secret (`LW_API_SECRET` or `api_secret`).
    pub api_secret: Option<SecretString>,
    /// A ready bearer token; only from `LW_API_TOKEN`.
    pub api_token: Option<SecretString>,
    /// A server URL overriding the account's; only from `LW_API_SERVER_URL`.
    pub api_server_url: Option<String>,
    /// Where each value came from, for error messages.
    pub sources: SettingSources,
}

/// Where each value of [`Settings`] came from, e.g. `LW_API_KEY` or `~/.lacework.toml [prod] api_key`.
///
/// A field is `None` when the matching setting is unset (or was set by hand, not gathered).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingSources {
    /// Source of [`Settings::account`].
    pub account: Option<String>,
    /// Source of [`Settings::subaccount`].
    pub subaccount: Option<String>,
    /// Source of [`Settings::api_key`].
    pub api_key: Option<String>,
    /// Source of [`Settings::api_secret`].
    pub api_secret: Option<String>,
    /// Source of [`Settings::api_token`].
    pub api_token: Option<String>,
    /// Source of [`Settings::api_server_url`].
    pub api_server_url: Option<String>,
}

/// Stands in for a secret in `Debug` output, so that logging settings can never leak one.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Shows whether a secret is set without showing it.
fn redact(secret: &Option<SecretString>) -> Option<Redacted> {
    secret.as_ref().map(|_| Redacted)
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("account", &self.account)
            .field("subaccount", &self.subaccount)
            .field("api_key", &self.api_key)
            .field("api_secret", &redact(&self.api_secret))
            .field("api_token", &redact(&self.api_token))
            .field("api_server_url", &self.api_server_url)
            .field("sources", &self.sources)
            .finish()
    }
}

impl Settings {
    /// Checks that an API key and its secret come together: one without the other cannot work, and
    /// is almost always a forgotten variable or a typo in a key name.
    pub fn check_key_pair(&self) -> Result<(), ConfigError> {
        match (&self.api_key, &self.api_secret) {
            (Some(_), None) => Err(ConfigError::new(
                "api_secret",
                format!(
                    "an API key is set{} but no API secret is; set {ENV_API_SECRET} or api_secret in the profile",
                    origin_note(&self.sources.api_key)
                ),
            )),
            (None, Some(_)) => Err(ConfigError::new(
                "api_key",
                format!(
                    "an API secret is set{} but no API key is; set {ENV_API_KEY} or api_key in the profile",
                    origin_note(&self.sources.api_secret)
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Returns these settings with every value that `top` has replaced by `top`'s, source included.
    ///
    /// Credentials are one choice, made by the highest layer that has any: a bearer there
    /// replaces a key and secret below it (so `LW_API_TOKEN` beats a profile's `api_key`), and a
    /// key or secret there replaces a bearer below it. Within the key pair, layers still mix
    /// field by field: a key from the environment pairs with the profile's secret.
    fn overlaid_with(mut self, top: Settings) -> Settings {
        let top_has_key = top.api_key.is_some() || top.api_secret.is_some();
        if top.api_token.is_some() && !top_has_key {
            (self.api_key, self.sources.api_key) = (None, None);
            (self.api_secret, self.sources.api_secret) = (None, None);
        }
        if top_has_key && top.api_token.is_none() {
            (self.api_token, self.sources.api_token) = (None, None);
        }
        let (mut sources, top_sources) = (self.sources, top.sources);
        layer(&mut self.account, &mut sources.account, top.account, top_sources.account);
        layer(&mut self.subaccount, &mut sources.subaccount, top.subaccount, top_sources.subaccount);
        layer(&mut self.api_key, &mut sources.api_key, top.api_key, top_sources.api_key);
        layer(&mut self.api_secret, &mut sources.api_secret, top.api_secret, top_sources.api_secret);
        layer(&mut self.api_token, &mut sources.api_token, top.api_token, top_sources.api_token);
        layer(
            &mut self.api_server_url,
            &mut sources.api_server_url,
            top.api_server_url,
            top_sources.api_server_url,
        );
        Settings { sources, ..self }
    }
}

/// Replaces a value and its source when the higher-precedence layer has a value; precedence works
/// field by field, so one layer may supply the key and another the secret.
fn layer<T>(value: &mut Option<T>, source: &mut Option<String>, top: Option<T>, top_source: Option<String>) {
    if top.is_some() {
        *value = top;
        *source = top_source;
    }
}

/// ` (from SOURCE)` when the source is known; settings built by hand have none.
fn origin_note(source: &Option<String>) -> String {
    source.as_ref().map(|source| format!(" (from {source})")).unwrap_or_default()
}

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
    fn new(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError { setting: setting.into(), reason: reason.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// Gathers settings from the environment and `~/.lacework.toml`, the environment winning field by field.
///
/// `env` looks a variable up; `home` is the home directory (`None`: no file is read). `profile` is
/// an explicitly requested profile, which beats `LW_PROFILE`; with neither, `default` is read.
/// Missing values are not an error here, but malformed or contradictory ones are.
pub fn gather(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
    profile: Option<&str>,
) -> Result<Settings, ConfigError> {
    let choice = ProfileChoice::new(env, profile);
    let from_file = match home {
        Some(home) => read_profile(&home.join(FILE_NAME), &choice)?,
        None => without_file(&choice)?,
    };
    let settings = from_file.overlaid_with(from_env(env));
    settings.check_key_pair()?;
    Ok(settings)
}

/// Like [`gather`], from the process environment and the user's home directory.
pub fn gather_from_process(profile: Option<&str>) -> Result<Settings, ConfigError> {
    check_process_env_is_unicode()?;
    let home = std::env::home_dir().filter(|home| !home.as_os_str().is_empty());
    gather(&|name| std::env::var(name).ok(), home.as_deref(), profile)
}

/// Rejects variables that are set but not Unicode: silently treating them as unset would make a
/// set variable look ignored.
fn check_process_env_is_unicode() -> Result<(), ConfigError> {
    for name in ENV_VARS {
        if let Err(VarError::NotUnicode(_)) = std::env::var(name) {
            return Err(ConfigError::new(name, "is set but is not valid Unicode"));
        }
    }
    Ok(())
}

/// Looks a variable up; blank values count as unset because shells and CI systems often export
/// variables that were meant to stay empty.
fn lookup(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).and_then(non_blank)
}

/// The value without surrounding whitespace (never part of a Lacework name, key or secret), or
/// `None` when nothing is left.
fn non_blank(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Reads every setting the environment can supply.
fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Settings {
    let var = |name: &str| lookup(env, name).map(|value| (value, name.to_owned())).unzip();
    let (account, account_source) = var(ENV_ACCOUNT);
    let (subaccount, subaccount_source) = var(ENV_SUBACCOUNT);
    let (api_key, api_key_source) = var(ENV_API_KEY);
    let (api_secret, api_secret_source) = var(ENV_API_SECRET);
    let (api_token, api_token_source) = var(ENV_API_TOKEN);
    let (api_server_url, api_server_url_source) = var(ENV_API_SERVER_URL);
    Settings {
        account,
        subaccount,
        api_key,
        api_secret: api_secret.map(SecretString::from),
        api_token: api_token.map(SecretString::from),
        api_server_url,
        sources: SettingSources {
            account: account_source,
            subaccount: subaccount_source,
            api_key: api_key_source,
            api_secret: api_secret_source,
            api_token: api_token_source,
            api_server_url: api_server_url_source,
        },
    }
}

/// The profile to read, and who asked for it (for error messages).
struct ProfileChoice {
    /// The profile's name.
    name: String,
    /// `profile` (the argument), `LW_PROFILE`, or `None` when falling back to `default`.
    requested_by: Option<&'static str>,
}

impl ProfileChoice {
    /// The argument beats `LW_PROFILE`, which beats `default`; blank names count as absent.
    fn new(env: &dyn Fn(&str) -> Option<String>, argument: Option<&str>) -> Self {
        let argument = argument.map(str::to_owned).and_then(non_blank).map(|name| (name, PROFILE_ARGUMENT));
        let variable = || lookup(env, ENV_PROFILE).map(|name| (name, ENV_PROFILE));
        match argument.or_else(variable) {
            Some((name, requested_by)) => ProfileChoice { name, requested_by: Some(requested_by) },
            None => ProfileChoice { name: DEFAULT_PROFILE.to_owned(), requested_by: None },
        }
    }

    /// Only a named profile must exist: the default one may be absent when everything comes from
    /// the environment.
    fn must_exist(&self) -> bool {
        self.name != DEFAULT_PROFILE
    }

    /// Names where the request came from, so the user knows what to change.
    fn setting(&self) -> &'static str {
        self.requested_by.unwrap_or(PROFILE_ARGUMENT)
    }
}

/// With no home directory there is no file, which is only a problem if a named profile was requested.
fn without_file(choice: &ProfileChoice) -> Result<Settings, ConfigError> {
    if choice.must_exist() {
        return Err(ConfigError::new(
            choice.setting(),
            format!(
                "profile {:?} was requested but no home directory is known to find {FILE_LABEL} in",
                choice.name
            ),
        ));
    }
    Ok(Settings::default())
}

/// Reads the chosen profile from the file at `path`.
fn read_profile(path: &Path, choice: &ProfileChoice) -> Result<Settings, ConfigError> {
    let Some(text) = read_file(path)? else {
        return missing_file(path, choice);
    };
    let table = parse_file(path, &text)?;
    match find_profile(path, &table, choice)? {
        Some(profile) => profile_settings(&choice.name, profile),
        None => Ok(Settings::default()),
    }
}

/// The file's text, or `None` when it does not exist.
fn read_file(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            warn_if_others_may_access(path);
            Ok(Some(text))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ConfigError::new(path_setting(path), format!("cannot be read: {error}"))),
    }
}

/// Warns (as ssh and the AWS CLI do, without refusing) when users other than the owner may
/// read the file (it holds the API secret) or write it (a changed `account` would send the
/// secret to another host).
fn warn_if_others_may_access(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(metadata) = std::fs::metadata(path) else { return };
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o066 != 0 {
            tracing::warn!(
                "{} is {} by other users (mode {mode:03o}): it holds your API secret; `chmod 600` it",
                path.display(),
                if mode & 0o022 != 0 { "writable" } else { "readable" },
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A missing file is normal (everything may come from the environment) unless a named profile was requested.
fn missing_file(path: &Path, choice: &ProfileChoice) -> Result<Settings, ConfigError> {
    if choice.must_exist() {
        return Err(ConfigError::new(
            choice.setting(),
            format!("profile {:?} was requested but {} does not exist", choice.name, path.display()),
        ));
    }
    Ok(Settings::default())
}

/// Parses the file, reporting where it is broken. Only the parser's message is used: its full
/// `Display` quotes the offending line, which may hold a secret.
fn parse_file(path: &Path, text: &str) -> Result<Table, ConfigError> {
    text.parse::<Table>().map_err(|error| {
        let position = error
            .span()
            .map(|span| line_column(text, span.start))
            .map(|(line, column)| format!(" at line {line}, column {column}"))
            .unwrap_or_default();
        ConfigError::new(path_setting(path), format!("invalid TOML{position}: {}", error.message()))
    })
}

/// The 1-based line and column (counted in characters, as editors do) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before.iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1);
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    // Continuation bytes do not start a character, so skipping them counts characters.
    let column = before[line_start..].iter().filter(|&&byte| byte & 0xC0 != 0x80).count() + 1;
    (line, column)
}

/// The chosen profile's table, `None` for an absent default profile.
fn find_profile<'a>(
    path: &Path,
    table: &'a Table,
    choice: &ProfileChoice,
) -> Result<Option<&'a Table>, ConfigError> {
    match table.get(&choice.name) {
        Some(Value::Table(profile)) => Ok(Some(profile)),
        Some(other) => Err(ConfigError::new(
            path_setting(path),
            format!(
                "profile {:?} is a {}, not a table like [{}]",
                choice.name,
                other.type_str(),
                choice.name
            ),
        )),
        None if choice.must_exist() => Err(unknown_profile(path, table, choice)),
        None => Ok(None),
    }
}

/// Names the requested profile and the ones the file does have, since the usual cause is a typo.
fn unknown_profile(path: &Path, table: &Table, choice: &ProfileChoice) -> ConfigError {
    let mut available: Vec<&str> =
        table.iter().filter(|(_, value)| value.is_table()).map(|(name, _)| name.as_str()).collect();
    available.sort_unstable();
    let available = if available.is_empty() {
        "it has no profiles".to_owned()
    } else {
        format!("profiles there: {}", available.join(", "))
    };
    ConfigError::new(
        choice.setting(),
        format!("profile {:?} is not in {} ({available})", choice.name, path.display()),
    )
}

/// Reads the known keys of a profile; unknown keys belong to other tools and are ignored.
fn profile_settings(name: &str, profile: &Table) -> Result<Settings, ConfigError> {
    check_version(name, profile)?;
    let field = |key: &str| -> Result<(Option<String>, Option<String>), ConfigError> {
        Ok(string_key(name, profile, key)?.map(|value| (value, file_source(name, key))).unzip())
    };
    let (account, account_source) = field("account")?;
    let (subaccount, subaccount_source) = field("subaccount")?;
    let (api_key, api_key_source) = field("api_key")?;
    let (api_secret, api_secret_source) = field("api_secret")?;
    Ok(Settings {
        account,
        subaccount,
        api_key,
        api_secret: api_secret.map(SecretString::from),
        sources: SettingSources {
            account: account_source,
            subaccount: subaccount_source,
            api_key: api_key_source,
            api_secret: api_secret_source,
            ..SettingSources::default()
        },
        ..Settings::default()
    })
}

/// Refuses profiles written for another API version. A missing version is accepted: it says
/// nothing against the profile, and the keys it holds work with API v2.
fn check_version(name: &str, profile: &Table) -> Result<(), ConfigError> {
    match profile.get("version") {
        None | Some(Value::Integer(SUPPORTED_VERSION)) => Ok(()),
        Some(Value::Integer(version)) => Err(ConfigError::new(
            file_source(name, "version"),
            format!(
                "version {version} is not supported: this SDK speaks Lacework API v2, so the profile needs \
                 version = {SUPPORTED_VERSION} (`lacework configure` rewrites it)"
            ),
        )),
        Some(other) => Err(wrong_type(name, "version", "an integer", other)),
    }
}

/// A string value of the profile, `None` when absent or blank.
fn string_key(name: &str, profile: &Table, key: &str) -> Result<Option<String>, ConfigError> {
    match profile.get(key) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(non_blank(value.clone())),
        Some(other) => Err(wrong_type(name, key, "a string", other)),
    }
}

/// Names the key and the type found, never the value: it may be a misplaced secret.
fn wrong_type(name: &str, key: &str, expected: &str, found: &Value) -> ConfigError {
    ConfigError::new(file_source(name, key), format!("must be {expected}, not a {}", found.type_str()))
}

/// How a key of a profile is named in sources and errors.
fn file_source(profile: &str, key: &str) -> String {
    format!("{FILE_LABEL} [{profile}] {key}")
}

/// How the file itself is named in errors: its real path, since that is what failed.
fn path_setting(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A secret no error or debug output may contain.
    const SECRET: &str = "S3CRET-never-print-me-9f27";
    /// A token no error or debug output may contain.
    const TOKEN: &str = "T0KEN-never-print-me-41c8";

    /// A home directory in the system's temp directory, removed when dropped.
    struct TempHome(PathBuf);

    impl TempHome {
        /// An empty home, unique per test even when tests run in parallel.
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let unique =
                format!("lacework-config-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
            let dir = std::env::temp_dir().join(unique);
            std::fs::create_dir_all(&dir).unwrap();
            TempHome(dir)
        }

        /// A home whose `~/.lacework.toml` holds `text`.
        fn with_file(text: &str) -> Self {
            let home = Self::new();
            std::fs::write(home.file(), text).unwrap();
            home
        }

        /// The configuration file's path.
        fn file(&self) -> PathBuf {
            self.0.join(FILE_NAME)
        }

        /// The home directory, as `gather` takes it.
        fn path(&self) -> Option<&Path> {
            Some(&self.0)
        }
    }

    impl Drop for TempHome {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// An environment holding exactly `vars`.
    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    /// An environment with nothing set.
    fn no_env() -> impl Fn(&str) -> Option<String> {
        env(&[])
    }

    /// The exposed secret, for comparing.
    fn exposed(secret: &Option<SecretString>) -> Option<&str> {
        secret.as_ref().map(|secret| secret.expose_secret())
    }

    /// A typical file with a default and a named profile.
    fn two_profiles() -> String {
        format!(
            r#"
[default]
account = "acme"
api_key = "ACME_DEFAULT"
api_secret = "{SECRET}-default"
version = 2

[prod]
account = "acme.fra.lacework.net"
subaccount = "prod-eu"
api_key = "ACME_PROD"
api_secret = "{SECRET}-prod"
version = 2
"#
        )
    }

    /// Asserts that neither rendering of the error shows a secret.
    fn assert_no_secret(error: &ConfigError) {
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SECRET) && !text.contains(TOKEN), "secret leaked: {text}");
        }
    }

    /// Gathers, expecting an error, and checks that the error shows no secret.
    fn gather_error(
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
        profile: Option<&str>,
    ) -> ConfigError {
        let error = gather(env, home, profile).expect_err("gather should fail");
        assert_no_secret(&error);
        error
    }

    #[test]
    fn env_only() {
        let env = env(&[
            ("LW_ACCOUNT", "acme"),
            ("LW_SUBACCOUNT", "sub"),
            ("LW_API_KEY", "KEY"),
            ("LW_API_SECRET", SECRET),
            ("LW_API_TOKEN", TOKEN),
            ("LW_API_SERVER_URL", "https://acme.lacework.net"),
        ]);
        let settings = gather(&env, None, None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        assert_eq!(settings.subaccount.as_deref(), Some("sub"));
        assert_eq!(settings.api_key.as_deref(), Some("KEY"));
        assert_eq!(exposed(&settings.api_secret), Some(SECRET));
        assert_eq!(exposed(&settings.api_token), Some(TOKEN));
        assert_eq!(settings.api_server_url.as_deref(), Some("https://acme.lacework.net"));
    }

    #[test]
    fn file_only_default_profile() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&no_env(), home.path(), None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        assert_eq!(settings.subaccount, None);
        assert_eq!(settings.api_key.as_deref(), Some("ACME_DEFAULT"));
        assert_eq!(exposed(&settings.api_secret), Some(format!("{SECRET}-default").as_str()));
        assert!(settings.api_token.is_none() && settings.api_server_url.is_none());
    }

    #[test]
    fn a_bearer_from_the_environment_beats_the_profiles_key() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&env(&[("LW_API_TOKEN", TOKEN)]), home.path(), None).unwrap();
        assert_eq!(exposed(&settings.api_token), Some(TOKEN));
        assert_eq!((settings.api_key, settings.api_secret.is_none()), (None, true));
        assert_eq!(settings.sources.api_token.as_deref(), Some("LW_API_TOKEN"));
        assert_eq!(settings.account.as_deref(), Some("acme"), "the rest of the profile still applies");
    }

    #[test]
    fn a_key_from_the_environment_pairs_with_the_profiles_secret() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&env(&[("LW_API_KEY", "ENVKEY")]), home.path(), None).unwrap();
        assert_eq!(settings.api_key.as_deref(), Some("ENVKEY"));
        assert_eq!(settings.sources.api_secret.as_deref(), Some("~/.lacework.toml [default] api_secret"));
    }

    #[test]
    fn named_profile_via_argument() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&no_env(), home.path(), Some("prod")).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme.fra.lacework.net"));
        assert_eq!(settings.subaccount.as_deref(), Some("prod-eu"));
        assert_eq!(settings.api_key.as_deref(), Some("ACME_PROD"));
    }

    #[test]
    fn named_profile_via_lw_profile() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&env(&[("LW_PROFILE", "prod")]), home.path(), None).unwrap();
        assert_eq!(settings.api_key.as_deref(), Some("ACME_PROD"));
    }

    #[test]
    fn profile_argument_beats_lw_profile() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&env(&[("LW_PROFILE", "missing")]), home.path(), Some("prod")).unwrap();
        assert_eq!(settings.api_key.as_deref(), Some("ACME_PROD"));
    }

    #[test]
    fn blank_profile_argument_falls_back_to_lw_profile() {
        let home = TempHome::with_file(&two_profiles());
        let settings = gather(&env(&[("LW_PROFILE", "prod")]), home.path(), Some("  ")).unwrap();
        assert_eq!(settings.api_key.as_deref(), Some("ACME_PROD"));
    }

    #[test]
    fn env_overrides_file_field_by_field() {
        let home = TempHome::with_file(&two_profiles());
        let env = env(&[("LW_ACCOUNT", "from-env"), ("LW_API_KEY", "ENV_KEY")]);
        let settings = gather(&env, home.path(), Some("prod")).unwrap();
        assert_eq!(settings.account.as_deref(), Some("from-env"));
        assert_eq!(settings.subaccount.as_deref(), Some("prod-eu"));
        assert_eq!(settings.api_key.as_deref(), Some("ENV_KEY"));
        // The key from the environment pairs with the secret from the file.
        assert_eq!(exposed(&settings.api_secret), Some(format!("{SECRET}-prod").as_str()));
    }

    #[test]
    fn empty_env_values_are_ignored() {
        let home = TempHome::with_file(&two_profiles());
        let env = env(&[
            ("LW_ACCOUNT", ""),
            ("LW_API_KEY", "   "),
            ("LW_API_SECRET", "\t\n"),
            ("LW_API_TOKEN", ""),
            ("LW_PROFILE", " "),
            ("LW_API_SERVER_URL", ""),
        ]);
        let settings = gather(&env, home.path(), None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        assert_eq!(settings.api_key.as_deref(), Some("ACME_DEFAULT"));
        assert!(settings.api_token.is_none() && settings.api_server_url.is_none());
        assert_eq!(settings.sources.account.as_deref(), Some("~/.lacework.toml [default] account"));
    }

    #[test]
    fn values_are_trimmed() {
        let home = TempHome::with_file("[default]\naccount = \" acme \"\nsubaccount = \"\"\n");
        let settings =
            gather(&env(&[("LW_API_SERVER_URL", " https://x.test\n")]), home.path(), None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        assert_eq!(settings.subaccount, None);
        assert_eq!(settings.api_server_url.as_deref(), Some("https://x.test"));
    }

    #[test]
    fn missing_file_with_default_profile_is_fine() {
        let home = TempHome::new();
        let settings = gather(&env(&[("LW_ACCOUNT", "acme")]), home.path(), None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        let settings = gather(&no_env(), home.path(), Some("default")).unwrap();
        assert!(settings.account.is_none());
    }

    #[test]
    fn no_home_with_default_profile_is_fine() {
        let settings = gather(&no_env(), None, None).unwrap();
        assert!(settings.account.is_none() && settings.sources == SettingSources::default());
    }

    #[test]
    fn absent_default_profile_is_fine() {
        let home = TempHome::with_file("[prod]\naccount = \"acme\"\n");
        let settings = gather(&no_env(), home.path(), None).unwrap();
        assert!(settings.account.is_none());
    }

    #[test]
    fn missing_file_with_named_profile_is_an_error() {
        let home = TempHome::new();
        let error = gather_error(&no_env(), home.path(), Some("prod"));
        assert_eq!(error.setting, "profile");
        assert!(error.reason.contains("\"prod\""), "{error}");
        assert!(error.reason.contains(&home.file().display().to_string()), "{error}");

        let error = gather_error(&env(&[("LW_PROFILE", "prod")]), home.path(), None);
        assert_eq!(error.setting, "LW_PROFILE");
    }

    #[test]
    fn no_home_with_named_profile_is_an_error() {
        let error = gather_error(&env(&[("LW_PROFILE", "prod")]), None, None);
        assert_eq!(error.setting, "LW_PROFILE");
        assert!(error.reason.contains("\"prod\"") && error.reason.contains("home directory"), "{error}");
    }

    #[test]
    fn bad_toml_reports_line_and_column() {
        let home = TempHome::with_file(&format!("[default]\naccount = \"acme\"\napi_secret = {SECRET}\n"));
        let error = gather_error(&no_env(), home.path(), None);
        assert_eq!(error.setting, home.file().display().to_string());
        assert!(error.reason.starts_with("invalid TOML at line 3, column 14: "), "{error}");
        assert!(error.reason.contains("quoted"), "{error}");
    }

    #[test]
    fn bad_toml_in_unclosed_string_hides_the_secret() {
        let home = TempHome::with_file(&format!("[default]\napi_secret = \"{SECRET}\n"));
        let error = gather_error(&no_env(), home.path(), None);
        assert!(error.reason.contains("line 2"), "{error}");
    }

    #[test]
    fn line_column_counts_characters_and_tolerates_any_offset() {
        let text = "ab\nçé x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 8), (2, 4));
        // Inside a multi-byte character and past the end: no panic.
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn wrong_types_name_profile_and_key() {
        let cases = [
            (format!("api_secret = \"{SECRET}\"\naccount = 5"), "account", "integer"),
            (format!("api_secret = \"{SECRET}\"\nversion = \"two\""), "version", "string"),
            (format!("api_key = \"K\"\napi_secret = [\"{SECRET}\"]"), "api_secret", "array"),
            ("api_key = { id = 1 }".to_owned(), "api_key", "table"),
        ];
        for (body, key, found) in cases {
            let home = TempHome::with_file(&format!("[prod]\n{body}\n"));
            let error = gather_error(&no_env(), home.path(), Some("prod"));
            assert_eq!(error.setting, format!("~/.lacework.toml [prod] {key}"));
            assert!(error.reason.contains(found), "{error}");
        }
    }

    #[test]
    fn unknown_profile_lists_available_ones() {
        let home = TempHome::with_file(&format!("{}\n[dev]\nversion = 2\n\nstray = 1\n", two_profiles()));
        let error = gather_error(&no_env(), home.path(), Some("staging"));
        assert_eq!(error.setting, "profile");
        assert!(error.reason.contains("\"staging\""), "{error}");
        assert!(error.reason.contains(&home.file().display().to_string()), "{error}");
        assert!(error.reason.ends_with("(profiles there: default, dev, prod)"), "{error}");
    }

    #[test]
    fn unknown_profile_in_file_without_profiles() {
        let home = TempHome::with_file("");
        let error = gather_error(&env(&[("LW_PROFILE", "prod")]), home.path(), None);
        assert_eq!(error.setting, "LW_PROFILE");
        assert!(error.reason.ends_with("(it has no profiles)"), "{error}");
    }

    #[test]
    fn profile_that_is_not_a_table_is_an_error() {
        let home = TempHome::with_file(&format!("prod = \"{SECRET}\"\n"));
        let error = gather_error(&no_env(), home.path(), Some("prod"));
        assert_eq!(error.setting, home.file().display().to_string());
        assert!(error.reason.contains("\"prod\"") && error.reason.contains("not a table"), "{error}");
    }

    #[test]
    fn version_1_is_refused() {
        let home = TempHome::with_file(&format!(
            "[default]\napi_key = \"K\"\napi_secret = \"{SECRET}\"\nversion = 1\n"
        ));
        let error = gather_error(&no_env(), home.path(), None);
        assert_eq!(error.setting, "~/.lacework.toml [default] version");
        assert!(error.reason.contains("version 1") && error.reason.contains("API v2"), "{error}");
    }

    #[test]
    fn missing_version_is_accepted() {
        let home = TempHome::with_file("[default]\naccount = \"acme\"\n");
        assert_eq!(gather(&no_env(), home.path(), None).unwrap().account.as_deref(), Some("acme"));
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let home = TempHome::with_file(
            "[default]\naccount = \"acme\"\nversion = 2\ncolor = true\nextra = { nested = [1, 2] }\n\n[other-tool]\nx = 1\n",
        );
        let settings = gather(&no_env(), home.path(), None).unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
    }

    #[test]
    fn problems_in_other_profiles_are_ignored() {
        let home = TempHome::with_file("[default]\naccount = \"acme\"\n\n[old]\naccount = 5\nversion = 1\n");
        assert!(gather(&no_env(), home.path(), None).is_ok());
    }

    #[test]
    fn key_without_secret_is_an_error() {
        let error = gather_error(&env(&[("LW_API_KEY", "KEY"), ("LW_API_TOKEN", TOKEN)]), None, None);
        assert_eq!(error.setting, "api_secret");
        assert!(
            error.reason.contains("(from LW_API_KEY)") && error.reason.contains("no API secret"),
            "{error}"
        );

        let home = TempHome::with_file("[prod]\napi_key = \"KEY\"\n");
        let error = gather_error(&no_env(), home.path(), Some("prod"));
        assert!(error.reason.contains("(from ~/.lacework.toml [prod] api_key)"), "{error}");
    }

    #[test]
    fn secret_without_key_is_an_error() {
        let error = gather_error(&env(&[("LW_API_SECRET", SECRET)]), None, None);
        assert_eq!(error.setting, "api_key");
        assert!(
            error.reason.contains("(from LW_API_SECRET)") && error.reason.contains("no API key"),
            "{error}"
        );

        let home = TempHome::with_file(&format!("[default]\napi_secret = \"{SECRET}\"\n"));
        let error = gather_error(&no_env(), home.path(), None);
        assert!(error.reason.contains("(from ~/.lacework.toml [default] api_secret)"), "{error}");
    }

    #[test]
    fn check_key_pair_on_hand_built_settings() {
        let settings = Settings { api_key: Some("KEY".into()), ..Settings::default() };
        let error = settings.check_key_pair().unwrap_err();
        assert_eq!(
            error.to_string(),
            "api_secret: an API key is set but no API secret is; set LW_API_SECRET or api_secret in the profile"
        );
        assert!(Settings::default().check_key_pair().is_ok());
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let home = TempHome::new();
        std::fs::create_dir(home.file()).unwrap();
        let error = gather_error(&no_env(), home.path(), None);
        assert_eq!(error.setting, home.file().display().to_string());
        assert!(error.reason.starts_with("cannot be read: "), "{error}");
    }

    #[test]
    fn debug_hides_secrets() {
        let home = TempHome::with_file(&two_profiles());
        let env = env(&[("LW_API_TOKEN", TOKEN), ("LW_API_SECRET", SECRET)]);
        let settings = gather(&env, home.path(), Some("prod")).unwrap();
        let debug = format!("{settings:?}");
        assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
        assert!(
            debug.contains("api_secret: Some([redacted])") && debug.contains("api_token: Some([redacted])")
        );
        assert!(debug.contains("ACME_PROD"), "non-secret values stay visible: {debug}");
        let debug = format!("{:#?}", settings.clone());
        assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
    }

    #[test]
    fn sources_are_recorded() {
        let home = TempHome::with_file(&two_profiles());
        let env =
            env(&[("LW_API_KEY", "ENV_KEY"), ("LW_API_TOKEN", TOKEN), ("LW_API_SERVER_URL", "https://x")]);
        let settings = gather(&env, home.path(), Some("prod")).unwrap();
        let file = |key: &str| Some(format!("~/.lacework.toml [prod] {key}"));
        assert_eq!(
            settings.sources,
            SettingSources {
                account: file("account"),
                subaccount: file("subaccount"),
                api_key: Some("LW_API_KEY".into()),
                api_secret: file("api_secret"),
                api_token: Some("LW_API_TOKEN".into()),
                api_server_url: Some("LW_API_SERVER_URL".into()),
            }
        );
    }

    #[test]
    fn config_error_displays_setting_and_reason() {
        let error = ConfigError::new("LW_PROFILE", "is wrong");
        assert_eq!(error.to_string(), "LW_PROFILE: is wrong");
        let _: &dyn std::error::Error = &error;
    }

    #[test]
    fn gather_from_process_does_not_panic() {
        // The real environment is unknown; an unlikely profile makes the outcome an error whatever it holds.
        let error = gather_from_process(Some("lacework-config-test-no-such-profile")).unwrap_err();
        assert_no_secret(&error);
    }
}
