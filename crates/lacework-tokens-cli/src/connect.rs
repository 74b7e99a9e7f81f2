//! The facade client a command runs with, from the global options: a sandbox started in-process
//! (`--sandbox`), or three layers of settings in order: the options, the `LW_*` environment and
//! the `~/.lacework.toml` profile (the facade's `config` merges them and names each source), with
//! bearers cached between runs (unless `--no-token-cache`; never for the sandbox, whose key lives
//! only as long as the command).

use std::sync::Arc;

use lacework_tokens::budget::{LocalBudget, RequestBudget};
use lacework_tokens::config::{self, Missing, Setting, Settings, Source};
use lacework_tokens::token_store::FileTokenStore;
use lacework_tokens::{Client, ClientBuilder};

use crate::args::ConnectionArgs;
use crate::error::CliError;

/// Sent after the facade's own `User-Agent`, so the API's logs show which tool called.
pub const USER_AGENT: &str = concat!("lwtokens/", env!("CARGO_PKG_VERSION"));

/// A client, and the sandbox it talks to when there is one.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// The sub-account and API key id in use (a bulk job's journal records them).
    pub identity: Identity,
    /// Kept alive while the command runs: dropping it stops the server.
    _sandbox: Option<crate::sandbox::Running>,
}

impl Connection {
    /// `client`, acting as `identity`, talking to `sandbox` if there is one.
    pub fn new(client: Client, identity: Identity, sandbox: Option<crate::sandbox::Running>) -> Self {
        Connection { client, identity, _sandbox: sandbox }
    }
}

/// Who a client acts as, beyond its base URL: what a bulk job's journal is tied to.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// The sub-account, if any.
    pub sub_account: Option<String>,
    /// The API key id, if an API key is used (not a bearer given as it is).
    pub key_id: Option<String>,
}

/// Builds the client for the options given, paced by `budget` if given; nothing is sent yet.
pub async fn connect(args: &ConnectionArgs, budget: Option<LocalBudget>) -> Result<Connection, CliError> {
    let budget = budget.map(|budget| Arc::new(budget) as Arc<dyn RequestBudget>);
    if args.sandbox {
        return crate::sandbox::connect(args, budget).await;
    }
    config::check_process_env_is_unicode()
        .map_err(|e| CliError::Usage(format!("{} {}", e.setting, e.reason)))?;
    let env = |name: &str| std::env::var(name).ok();
    let settings = gathered(args, &env, config::home_dir().as_deref())?;
    check_complete(&settings)?;
    tracing::debug!(?settings, "settings gathered");
    let value = |setting: &Option<config::Setting<String>>| setting.as_ref().map(|s| s.value.clone());
    let identity = Identity { sub_account: value(&settings.subaccount), key_id: value(&settings.api_key) };
    let mut builder = ClientBuilder::from_settings(settings).user_agent_suffix(USER_AGENT);
    if let Some(budget) = budget {
        builder = builder.request_budget(budget);
    }
    if !args.no_token_cache {
        match FileTokenStore::in_cache_dir() {
            Some(store) => builder = builder.token_store(Arc::new(store)),
            None => tracing::warn!("no home directory to keep a token cache in: working without one"),
        }
    }
    let client = builder.build()?;
    tracing::debug!(
        host = client.base_url(),
        sub_account = identity.sub_account.as_deref().unwrap_or("-"),
        key_id = identity.key_id.as_deref().unwrap_or("(a bearer of your own)"),
        "connecting"
    );
    Ok(Connection::new(client, identity, None))
}

/// The options over the environment `env` over the profile file in `home`.
fn gathered(
    args: &ConnectionArgs,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&std::path::Path>,
) -> Result<Settings, CliError> {
    let file = config::file_layer(env, home, args.profile.as_deref())?;
    Ok(Settings::layered([options(args), config::env_layer(env), file])?)
}

/// The layer of settings the options give, each named after its option.
fn options(args: &ConnectionArgs) -> Settings {
    fn given<T: Clone>(value: &Option<T>, option: &'static str) -> Option<Setting<T>> {
        value.clone().map(|value| Setting::new(value, Source::Flag(option)))
    }
    Settings {
        account: given(&args.account, "--account"),
        subaccount: given(&args.subaccount, "--subaccount"),
        api_key: given(&args.api_key, "--api-key"),
        api_secret: given(&args.api_secret, "--api-secret"),
        api_token: given(&args.api_token, "--api-token"),
        api_server_url: given(&args.base_url, "--base-url"),
    }
}

/// Says what is missing in the CLI's terms (options and variables) before the facade would say
/// it in a library's.
fn check_complete(settings: &Settings) -> Result<(), CliError> {
    match settings.missing() {
        None => Ok(()),
        Some(Missing::Account) => Err(CliError::Usage(
            "no Lacework account: pass --account or --base-url, set LW_ACCOUNT, or add `account` to a \
             profile in ~/.lacework.toml (or try --sandbox, which needs none)"
                .to_owned(),
        )),
        Some(Missing::Credentials) => Err(CliError::Usage(
            "no credentials: pass --api-key and --api-secret, set LW_API_KEY and LW_API_SECRET, add \
             api_key and api_secret to a profile in ~/.lacework.toml, or give a bearer token with \
             --api-token or LW_API_TOKEN"
                .to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use lacework_tokens::ExposeSecret;

    use super::*;
    use crate::args::Cli;

    /// Gathers settings the way `connect` does, from `env` instead of the process's.
    fn gathered(env: &'static [(&'static str, &'static str)], args: &[&str]) -> Result<Settings, CliError> {
        gathered_with_file(env, args, None)
    }

    /// Like [`gathered`], with `file` as `~/.lacework.toml`.
    fn gathered_with_file(
        env: &[(&str, &str)],
        args: &[&str],
        file: Option<&str>,
    ) -> Result<Settings, CliError> {
        let home = tempfile::TempDir::new().unwrap();
        if let Some(file) = file {
            std::fs::write(home.path().join(".lacework.toml"), file).unwrap();
        }
        let cli = Cli::try_parse_from([&["lwtokens"], args, &["agent", "list"]].concat()).unwrap();
        let from_env = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        super::gathered(&cli.connection, &from_env, Some(home.path()))
    }

    fn value(setting: &Option<Setting<String>>) -> Option<&str> {
        setting.as_ref().map(|s| s.value.as_str())
    }

    fn source<T>(setting: &Option<Setting<T>>) -> Option<String> {
        setting.as_ref().map(|s| s.source.to_string())
    }

    fn secret(setting: &Option<Setting<lacework_tokens::SecretString>>) -> Option<String> {
        setting.as_ref().map(|s| s.value.expose_secret().to_owned())
    }

    /// Every pair of layers that can disagree, for every setting: the option beats the
    /// variable, the option beats the profile, the variable beats the profile.
    #[test]
    fn each_setting_follows_options_then_environment_then_profile() {
        const FILE: &str = "[default]\naccount = \"file-acct\"\nsubaccount = \"file-sub\"\n\
                            api_key = \"FILE_KEY\"\napi_secret = \"file-secret\"\nversion = 2\n";
        // (setting, option, variable, what the option sets, what the variable sets, the file's value)
        let cases: [(&str, &str, &str, &str, &str, &str); 4] = [
            ("account", "--account", "LW_ACCOUNT", "flag-acct", "env-acct", "file-acct"),
            ("subaccount", "--subaccount", "LW_SUBACCOUNT", "flag-sub", "env-sub", "file-sub"),
            ("api_key", "--api-key", "LW_API_KEY", "FLAG_KEY", "ENV_KEY", "FILE_KEY"),
            ("api_secret", "--api-secret", "LW_API_SECRET", "flag-secret", "env-secret", "file-secret"),
        ];
        let layered_value = |settings: &Settings, name: &str| match name {
            "account" => value(&settings.account).map(str::to_owned),
            "subaccount" => value(&settings.subaccount).map(str::to_owned),
            "api_key" => value(&settings.api_key).map(str::to_owned),
            "api_secret" => secret(&settings.api_secret),
            _ => unreachable!(),
        };
        for (name, option, variable, flag, from_env, from_file) in cases {
            // Without a profile, a key needs a secret beside it (the first match wins the lookup).
            let env = [(variable, from_env), ("LW_API_KEY", "K"), ("LW_API_SECRET", "s")];
            let both = gathered_with_file(&env, &[option, flag], None).unwrap();
            let env = &env[..1];
            assert_eq!(layered_value(&both, name).as_deref(), Some(flag), "{option} beats {variable}");
            let over_file = gathered_with_file(&[], &[option, flag], Some(FILE)).unwrap();
            assert_eq!(layered_value(&over_file, name).as_deref(), Some(flag), "{option} beats the profile");
            let env_over_file = gathered_with_file(env, &[], Some(FILE)).unwrap();
            assert_eq!(
                layered_value(&env_over_file, name).as_deref(),
                Some(from_env),
                "{variable} beats the profile"
            );
            let file_only = gathered_with_file(&[], &[], Some(FILE)).unwrap();
            assert_eq!(layered_value(&file_only, name).as_deref(), Some(from_file));
        }
        // The bearer and the base URL have no profile key; each beats what it competes with.
        let token = |s: &Settings| secret(&s.api_token);
        let bearer = gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &[], Some(FILE)).unwrap();
        assert_eq!((token(&bearer).as_deref(), value(&bearer.api_key)), (Some("env-bearer"), None));
        let bearer = gathered_with_file(&[], &["--api-token", "flag-bearer"], Some(FILE)).unwrap();
        assert_eq!((token(&bearer).as_deref(), value(&bearer.api_key)), (Some("flag-bearer"), None));
        let bearer =
            gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &["--api-token", "flag"], None).unwrap();
        assert_eq!(token(&bearer).as_deref(), Some("flag"));
        let key =
            gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &["--api-key", "K"], Some(FILE)).unwrap();
        assert_eq!((value(&key.api_key), token(&key)), (Some("K"), None), "--api-key beats LW_API_TOKEN");
        let url = gathered_with_file(
            &[("LW_API_SERVER_URL", "http://127.0.0.1:1")],
            &["--base-url", "http://127.0.0.1:2"],
            Some(FILE),
        )
        .unwrap();
        assert_eq!(value(&url.api_server_url), Some("http://127.0.0.1:2"));
    }

    #[test]
    fn options_beat_the_environment_and_name_themselves() {
        let settings = gathered(
            &[("LW_API_SERVER_URL", "http://127.0.0.1:1"), ("LW_API_KEY", "ENV"), ("LW_API_SECRET", "s")],
            &["--account", "acme", "--api-key", "FLAG"],
        )
        .unwrap();
        assert_eq!(value(&settings.account), Some("acme"));
        assert_eq!(source(&settings.account).as_deref(), Some("--account"));
        assert_eq!(value(&settings.api_server_url), None, "--account beats LW_API_SERVER_URL");
        assert_eq!(value(&settings.api_key), Some("FLAG"));
        assert_eq!(source(&settings.api_key).as_deref(), Some("--api-key"));
        assert_eq!(
            source(&settings.api_secret).as_deref(),
            Some("LW_API_SECRET"),
            "the secret may come from env"
        );
    }

    #[test]
    fn a_key_option_pairs_with_a_secret_from_the_environment() {
        let settings = gathered(&[("LW_API_SECRET", "s")], &["--api-key", "K"]).unwrap();
        assert_eq!((value(&settings.api_key), settings.api_secret.is_some()), (Some("K"), true));
    }

    #[test]
    fn a_bearer_option_hides_an_api_key_from_the_environment() {
        let settings = gathered(
            &[("LW_ACCOUNT", "acme"), ("LW_API_KEY", "K"), ("LW_API_SECRET", "s")],
            &["--api-token", "b"],
        )
        .unwrap();
        assert_eq!((value(&settings.api_key), settings.api_secret.is_none()), (None, true));
        assert_eq!(secret(&settings.api_token).as_deref(), Some("b"));
        assert_eq!(source(&settings.api_token).as_deref(), Some("--api-token"));
    }

    #[test]
    fn missing_settings_are_named_in_cli_terms() {
        let error = check_complete(&gathered(&[], &[]).unwrap()).unwrap_err().to_string();
        assert!(error.starts_with("no Lacework account: pass --account or --base-url"), "{error}");
        let error =
            check_complete(&gathered(&[("LW_ACCOUNT", "acme")], &[]).unwrap()).unwrap_err().to_string();
        assert!(error.starts_with("no credentials: pass --api-key and --api-secret"), "{error}");
        assert!(
            check_complete(&gathered(&[("LW_ACCOUNT", "acme"), ("LW_API_TOKEN", "t")], &[]).unwrap()).is_ok()
        );
        let half = gathered(&[], &["--api-key", "K"]).expect_err("a key without a secret is refused");
        assert!(half.to_string().contains("(from --api-key)"), "{half}");
    }
}
