//! The settings layers: environment, profile file and their merge, with every error checked
//! for the secrets it must not show.

use super::file::{FILE_NAME, line_column};
use super::*;
use secrecy::{ExposeSecret, SecretString};
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
fn exposed(secret: &Option<Setting<SecretString>>) -> Option<&str> {
    secret.as_ref().map(|secret| secret.value.expose_secret())
}

/// A setting's value, for comparing.
fn value(setting: &Option<Setting<String>>) -> Option<&str> {
    setting.as_ref().map(|setting| setting.value.as_str())
}

/// Where a setting came from, as errors name it.
fn source<T>(setting: &Option<Setting<T>>) -> Option<String> {
    setting.as_ref().map(|setting| setting.source.to_string())
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
    assert_eq!(value(&settings.account), Some("acme"));
    assert_eq!(value(&settings.subaccount), Some("sub"));
    assert_eq!(value(&settings.api_key), Some("KEY"));
    assert_eq!(exposed(&settings.api_secret), Some(SECRET));
    assert_eq!(exposed(&settings.api_token), Some(TOKEN));
    assert_eq!(value(&settings.api_server_url), Some("https://acme.lacework.net"));
}

#[test]
fn file_only_default_profile() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&no_env(), home.path(), None).unwrap();
    assert_eq!(value(&settings.account), Some("acme"));
    assert_eq!(value(&settings.subaccount), None);
    assert_eq!(value(&settings.api_key), Some("ACME_DEFAULT"));
    assert_eq!(exposed(&settings.api_secret), Some(format!("{SECRET}-default").as_str()));
    assert!(settings.api_token.is_none() && settings.api_server_url.is_none());
}

#[test]
fn a_bearer_from_the_environment_beats_the_profiles_key() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&env(&[("LW_API_TOKEN", TOKEN)]), home.path(), None).unwrap();
    assert_eq!(exposed(&settings.api_token), Some(TOKEN));
    assert_eq!((value(&settings.api_key), settings.api_secret.is_none()), (None, true));
    assert_eq!(source(&settings.api_token).as_deref(), Some("LW_API_TOKEN"));
    assert_eq!(value(&settings.account), Some("acme"), "the rest of the profile still applies");
}

#[test]
fn a_key_from_the_environment_pairs_with_the_profiles_secret() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&env(&[("LW_API_KEY", "ENVKEY")]), home.path(), None).unwrap();
    assert_eq!(value(&settings.api_key), Some("ENVKEY"));
    assert_eq!(source(&settings.api_secret).as_deref(), Some("~/.lacework.toml [default] api_secret"));
}

#[test]
fn named_profile_via_argument() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&no_env(), home.path(), Some("prod")).unwrap();
    assert_eq!(value(&settings.account), Some("acme.fra.lacework.net"));
    assert_eq!(value(&settings.subaccount), Some("prod-eu"));
    assert_eq!(value(&settings.api_key), Some("ACME_PROD"));
}

#[test]
fn named_profile_via_lw_profile() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&env(&[("LW_PROFILE", "prod")]), home.path(), None).unwrap();
    assert_eq!(value(&settings.api_key), Some("ACME_PROD"));
}

#[test]
fn profile_argument_beats_lw_profile() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&env(&[("LW_PROFILE", "missing")]), home.path(), Some("prod")).unwrap();
    assert_eq!(value(&settings.api_key), Some("ACME_PROD"));
}

#[test]
fn blank_profile_argument_falls_back_to_lw_profile() {
    let home = TempHome::with_file(&two_profiles());
    let settings = gather(&env(&[("LW_PROFILE", "prod")]), home.path(), Some("  ")).unwrap();
    assert_eq!(value(&settings.api_key), Some("ACME_PROD"));
}

#[test]
fn env_overrides_file_field_by_field() {
    let home = TempHome::with_file(&two_profiles());
    let env = env(&[("LW_ACCOUNT", "from-env"), ("LW_API_KEY", "ENV_KEY")]);
    let settings = gather(&env, home.path(), Some("prod")).unwrap();
    assert_eq!(value(&settings.account), Some("from-env"));
    assert_eq!(value(&settings.subaccount), Some("prod-eu"));
    assert_eq!(value(&settings.api_key), Some("ENV_KEY"));
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
    assert_eq!(value(&settings.account), Some("acme"));
    assert_eq!(value(&settings.api_key), Some("ACME_DEFAULT"));
    assert!(settings.api_token.is_none() && settings.api_server_url.is_none());
    assert_eq!(source(&settings.account).as_deref(), Some("~/.lacework.toml [default] account"));
}

#[test]
fn values_are_trimmed() {
    let home = TempHome::with_file("[default]\naccount = \" acme \"\nsubaccount = \"\"\n");
    let settings = gather(&env(&[("LW_API_KEY", " KEY\n")]), home.path(), None);
    assert!(settings.is_err(), "a key without a secret, whatever its spaces");
    let settings = gather(&no_env(), home.path(), None).unwrap();
    assert_eq!(value(&settings.account), Some("acme"));
    assert_eq!(value(&settings.subaccount), None);
    let settings = gather(&env(&[("LW_API_SERVER_URL", " https://x.test\n")]), home.path(), None).unwrap();
    assert_eq!(value(&settings.api_server_url), Some("https://x.test"));
    assert_eq!(value(&settings.account), None, "the URL chose where the API is");
}

#[test]
fn missing_file_with_default_profile_is_fine() {
    let home = TempHome::new();
    let settings = gather(&env(&[("LW_ACCOUNT", "acme")]), home.path(), None).unwrap();
    assert_eq!(value(&settings.account), Some("acme"));
    let settings = gather(&no_env(), home.path(), Some("default")).unwrap();
    assert!(settings.account.is_none());
}

#[test]
fn no_home_with_default_profile_is_fine() {
    let settings = gather(&no_env(), None, None).unwrap();
    assert!(settings.account.is_none() && settings.api_key.is_none() && settings.api_secret.is_none());
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
    let home =
        TempHome::with_file(&format!("[default]\napi_key = \"K\"\napi_secret = \"{SECRET}\"\nversion = 1\n"));
    let error = gather_error(&no_env(), home.path(), None);
    assert_eq!(error.setting, "~/.lacework.toml [default] version");
    assert!(error.reason.contains("version 1") && error.reason.contains("API v2"), "{error}");
}

#[test]
fn missing_version_is_accepted() {
    let home = TempHome::with_file("[default]\naccount = \"acme\"\n");
    assert_eq!(value(&gather(&no_env(), home.path(), None).unwrap().account), Some("acme"));
}

#[test]
fn unknown_keys_are_ignored() {
    let home = TempHome::with_file(
        "[default]\naccount = \"acme\"\nversion = 2\ncolor = true\nextra = { nested = [1, 2] }\n\n[other-tool]\nx = 1\n",
    );
    let settings = gather(&no_env(), home.path(), None).unwrap();
    assert_eq!(value(&settings.account), Some("acme"));
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
    assert!(error.reason.contains("(from LW_API_KEY)") && error.reason.contains("no API secret"), "{error}");

    let home = TempHome::with_file("[prod]\napi_key = \"KEY\"\n");
    let error = gather_error(&no_env(), home.path(), Some("prod"));
    assert!(error.reason.contains("(from ~/.lacework.toml [prod] api_key)"), "{error}");
}

#[test]
fn secret_without_key_is_an_error() {
    let error = gather_error(&env(&[("LW_API_SECRET", SECRET)]), None, None);
    assert_eq!(error.setting, "api_key");
    assert!(error.reason.contains("(from LW_API_SECRET)") && error.reason.contains("no API key"), "{error}");

    let home = TempHome::with_file(&format!("[default]\napi_secret = \"{SECRET}\"\n"));
    let error = gather_error(&no_env(), home.path(), None);
    assert!(error.reason.contains("(from ~/.lacework.toml [default] api_secret)"), "{error}");
}

#[test]
fn check_key_pair_names_the_half_that_is_there() {
    let key = Setting::new("KEY".to_owned(), Source::Builder("api_key"));
    let settings = Settings { api_key: Some(key), ..Settings::default() };
    let error = settings.check_key_pair().unwrap_err();
    assert_eq!(
        error.to_string(),
        "api_secret: an API key is set (from api_key) but no API secret is; set LW_API_SECRET or \
         api_secret in the profile"
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
    assert!(debug.contains("[REDACTED]) (from LW_API_SECRET)"), "{debug}");
    assert!(debug.contains("[REDACTED]) (from LW_API_TOKEN)"), "{debug}");
    assert!(debug.contains("ACME_PROD"), "non-secret values stay visible: {debug}");
    let debug = format!("{:#?}", settings.clone());
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
}

#[test]
fn sources_are_recorded() {
    let home = TempHome::with_file(&two_profiles());
    let env = env(&[("LW_API_KEY", "ENV_KEY"), ("LW_API_TOKEN", TOKEN), ("LW_API_SERVER_URL", "https://x")]);
    let settings = gather(&env, home.path(), Some("prod")).unwrap();
    let file = |key: &str| Some(format!("~/.lacework.toml [prod] {key}"));
    let found = [
        source(&settings.account),
        source(&settings.subaccount),
        source(&settings.api_key),
        source(&settings.api_secret),
        source(&settings.api_token),
        source(&settings.api_server_url),
    ];
    let expected = [
        None, // LW_API_SERVER_URL chose where the API is: the profile's account is not used
        file("subaccount"),
        Some("LW_API_KEY".into()),
        file("api_secret"),
        Some("LW_API_TOKEN".into()),
        Some("LW_API_SERVER_URL".into()),
    ];
    assert_eq!(found, expected);
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
