//! The `~/.lacework.toml` file, the way the Lacework CLI writes it: profiles of `account`,
//! `subaccount`, `api_key`, `api_secret` and `version`, and the layer of settings the chosen
//! profile makes. Malformed input is refused with the file, line and key at fault, never a value.

use std::io;
use std::path::Path;

use secrecy::SecretString;
use toml::{Table, Value};

use super::env::{Variable, lookup};
use super::layers::{Setting, Settings, Source};
use super::{ConfigError, non_blank};

/// The configuration file's name inside the home directory.
pub(super) const FILE_NAME: &str = ".lacework.toml";
/// How sources in the file are named: the home directory varies, the user knows the file by this name.
pub(super) const FILE_LABEL: &str = "~/.lacework.toml";
/// The profile used when none is requested; the only one whose absence is not an error.
const DEFAULT_PROFILE: &str = "default";
/// The only configuration format version the Lacework CLI writes for API v2.
const SUPPORTED_VERSION: i64 = 2;
/// The `setting` of errors about a profile requested through an argument.
const PROFILE_ARGUMENT: &str = "profile";

/// The layer of settings of the profile chosen by `profile` (an explicit request), else
/// `LW_PROFILE` in `env`, else `default`, of the file in `home` (`None`: no file is read).
pub fn file_layer(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
    profile: Option<&str>,
) -> Result<Settings, ConfigError> {
    let choice = ProfileChoice::new(env, profile);
    match home {
        Some(home) => read_profile(&home.join(FILE_NAME), &choice),
        None => without_file(&choice),
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
        let variable = || lookup(env, Variable::Profile).map(|name| (name, Variable::Profile.name()));
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
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
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
    let field = |key: &'static str| -> Result<Option<Setting<String>>, ConfigError> {
        let source = || Source::Profile { profile: name.to_owned(), key };
        Ok(string_key(name, profile, key)?.map(|value| Setting::new(value, source())))
    };
    let secret = field("api_secret")?.map(|s| Setting::new(SecretString::from(s.value), s.source));
    Ok(Settings {
        account: field("account")?,
        subaccount: field("subaccount")?,
        api_key: field("api_key")?,
        api_secret: secret,
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
pub(super) fn file_source(profile: &str, key: &str) -> String {
    format!("{FILE_LABEL} [{profile}] {key}")
}

/// How the file itself is named in errors: its real path, since that is what failed.
fn path_setting(path: &Path) -> String {
    path.display().to_string()
}
