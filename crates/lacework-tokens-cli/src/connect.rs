//! The facade client a command runs with, from the global options: a sandbox started in-process
//! (`--sandbox`), or the options over the `LW_*` environment over the `~/.lacework.toml` profile,
//! with bearers cached between runs (unless `--no-token-cache`; never for the sandbox, whose key
//! lives only as long as the command).
//!
//! The options are handed to the facade's `config::gather` as if they were the environment
//! variables they stand for, so that one precedence rule applies and an API key from an option
//! pairs with a secret from the environment or the profile (gather checks pairs as it reads).
//! Their sources are then renamed to the option (`--account`), so errors name what the user
//! typed.

use std::sync::Arc;

use lacework_tokens::budget::{LocalBudget, RequestBudget};
use lacework_tokens::config::{self, ConfigError, Settings};
use lacework_tokens::token_store::FileTokenStore;
use lacework_tokens::{Client, ClientBuilder, ExposeSecret};
use lacework_tokens_sandbox::{Sandbox, SandboxConfig};

use crate::args::ConnectionArgs;
use crate::error::CliError;

/// Sent after the facade's own `User-Agent`, so the API's logs show which tool called.
const USER_AGENT: &str = concat!("lwtokens/", env!("CARGO_PKG_VERSION"));

/// A client, and the sandbox it talks to when there is one.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// The sub-account and API key id in use (a bulk job's journal records them).
    pub identity: Identity,
    /// Kept alive while the command runs: dropping it stops the server.
    _sandbox: Option<Sandbox>,
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
        return start_sandbox(args, budget).await;
    }
    check_env_is_unicode()?;
    let options = OptionsAsEnv::new(args);
    let home = std::env::home_dir().filter(|home| !home.as_os_str().is_empty());
    let env = |name: &str| options.lookup(name, |name| std::env::var(name).ok());
    let mut settings = config::gather(&env, home.as_deref(), args.profile.as_deref())
        .map_err(|e| options.name_in_error(e))?;
    options.name_sources(&mut settings);
    check_complete(&settings)?;
    tracing::debug!(sources = ?settings.sources, "settings gathered");
    let identity = Identity { sub_account: settings.subaccount.clone(), key_id: settings.api_key.clone() };
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
    Ok(Connection { client: builder.build()?, identity, _sandbox: None })
}

/// `--sandbox`: a server with demo data on loopback, and a client with its API key.
async fn start_sandbox(
    args: &ConnectionArgs,
    budget: Option<Arc<dyn RequestBudget>>,
) -> Result<Connection, CliError> {
    let sandbox = Sandbox::start(SandboxConfig { seed_demo: true, ..Default::default() })
        .await
        .map_err(|e| CliError::Failed(format!("cannot start the sandbox: {e}")))?;
    tracing::debug!(base_url = sandbox.base_url(), "sandbox started with demo data");
    let mut builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(sandbox.key_id(), sandbox.secret().to_owned())
        .user_agent_suffix(USER_AGENT);
    if let Some(sub_account) = &args.subaccount {
        builder = builder.sub_account(sub_account);
    }
    if let Some(budget) = budget {
        builder = builder.request_budget(budget);
    }
    let identity =
        Identity { sub_account: args.subaccount.clone(), key_id: Some(sandbox.key_id().to_owned()) };
    Ok(Connection { client: builder.build()?, identity, _sandbox: Some(sandbox) })
}

/// An option standing in for the environment variable it overrides.
struct Stand {
    /// The variable, e.g. `LW_ACCOUNT`.
    variable: &'static str,
    /// The option's value, or `None` to hide the variable.
    value: Option<String>,
    /// The option, e.g. `--account`.
    option: &'static str,
}

/// The connection options as environment variables.
struct OptionsAsEnv(Vec<Stand>);

impl OptionsAsEnv {
    /// Each option given stands for its variable. An option also hides the variables that would
    /// beat it in the facade's rules: `--account` hides LW_API_SERVER_URL, `--api-token` hides
    /// LW_API_KEY and LW_API_SECRET, and `--api-key` hides LW_API_TOKEN.
    fn new(args: &ConnectionArgs) -> OptionsAsEnv {
        let secret =
            |s: &Option<lacework_tokens::SecretString>| s.as_ref().map(|s| s.expose_secret().to_owned());
        let given = [
            ("LW_ACCOUNT", args.account.clone(), "--account"),
            ("LW_API_SERVER_URL", args.base_url.clone(), "--base-url"),
            ("LW_SUBACCOUNT", args.subaccount.clone(), "--subaccount"),
            ("LW_API_KEY", args.api_key.clone(), "--api-key"),
            ("LW_API_SECRET", secret(&args.api_secret), "--api-secret"),
            ("LW_API_TOKEN", secret(&args.api_token), "--api-token"),
        ];
        let hidden = [
            ("LW_API_SERVER_URL", args.account.is_some(), "--account"),
            ("LW_API_KEY", args.api_token.is_some(), "--api-token"),
            ("LW_API_SECRET", args.api_token.is_some(), "--api-token"),
            ("LW_API_TOKEN", args.api_key.is_some(), "--api-key"),
        ];
        let given = given.into_iter().filter(|(_, value, _)| value.is_some());
        let hidden = hidden
            .into_iter()
            .filter(|(_, hide, _)| *hide)
            .map(|(variable, _, option)| (variable, None, option));
        OptionsAsEnv(
            given.chain(hidden).map(|(variable, value, option)| Stand { variable, value, option }).collect(),
        )
    }

    /// The variable `name`: an option's value, hidden, or else what `env` says.
    fn lookup(&self, name: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
        match self.0.iter().find(|stand| stand.variable == name) {
            Some(stand) => stand.value.clone(),
            None => env(name),
        }
    }

    /// Names the options in gather's own errors (its key-and-secret check says where the half it
    /// found came from: `(from LW_API_KEY)`).
    fn name_in_error(&self, mut error: ConfigError) -> ConfigError {
        for stand in self.0.iter().filter(|s| s.value.is_some()) {
            let (variable, option) =
                (format!("(from {})", stand.variable), format!("(from {})", stand.option));
            error.reason = error.reason.replace(&variable, &option);
        }
        error
    }

    /// Names each setting an option supplied after the option rather than its variable.
    fn name_sources(&self, settings: &mut Settings) {
        let sources = &mut settings.sources;
        for source in [
            &mut sources.account,
            &mut sources.api_server_url,
            &mut sources.subaccount,
            &mut sources.api_key,
            &mut sources.api_secret,
            &mut sources.api_token,
        ] {
            let given = self.0.iter().find(|s| s.value.is_some() && source.as_deref() == Some(s.variable));
            if let Some(stand) = given {
                *source = Some(stand.option.to_owned());
            }
        }
    }
}

/// The variables the facade reads. A set variable that is not Unicode must not pass for unset.
fn check_env_is_unicode() -> Result<(), CliError> {
    const VARIABLES: [&str; 7] = [
        "LW_ACCOUNT",
        "LW_SUBACCOUNT",
        "LW_API_KEY",
        "LW_API_SECRET",
        "LW_API_TOKEN",
        "LW_PROFILE",
        "LW_API_SERVER_URL",
    ];
    let not_unicode = |name: &&str| matches!(std::env::var(name), Err(std::env::VarError::NotUnicode(_)));
    match VARIABLES.into_iter().find(not_unicode) {
        Some(name) => Err(CliError::Usage(format!("{name} is set but is not valid Unicode"))),
        None => Ok(()),
    }
}

/// Says what is missing in the CLI's terms (options and variables) before the facade would say
/// it in a library's.
fn check_complete(settings: &Settings) -> Result<(), CliError> {
    if settings.account.is_none() && settings.api_server_url.is_none() {
        return Err(CliError::Usage(
            "no Lacework account: pass --account or --base-url, set LW_ACCOUNT, or add `account` to a \
             profile in ~/.lacework.toml (or try --sandbox, which needs none)"
                .to_owned(),
        ));
    }
    let has_key = settings.api_key.is_some() && settings.api_secret.is_some();
    if !has_key && settings.api_token.is_none() {
        return Err(CliError::Usage(
            "no credentials: pass --api-key and --api-secret, set LW_API_KEY and LW_API_SECRET, add \
             api_key and api_secret to a profile in ~/.lacework.toml, or give a bearer token with \
             --api-token or LW_API_TOKEN"
                .to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

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
        let options = OptionsAsEnv::new(&cli.connection);
        let from_env = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let mut settings = config::gather(&|name| options.lookup(name, from_env), Some(home.path()), None)
            .map_err(|e| options.name_in_error(e))?;
        options.name_sources(&mut settings);
        Ok(settings)
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
        let value = |settings: &Settings, name: &str| match name {
            "account" => settings.account.clone(),
            "subaccount" => settings.subaccount.clone(),
            "api_key" => settings.api_key.clone(),
            "api_secret" => settings.api_secret.as_ref().map(|s| s.expose_secret().to_owned()),
            _ => unreachable!(),
        };
        for (name, option, variable, flag, from_env, from_file) in cases {
            // Without a profile, a key needs a secret beside it (the first match wins the lookup).
            let env = [(variable, from_env), ("LW_API_KEY", "K"), ("LW_API_SECRET", "s")];
            let both = gathered_with_file(&env, &[option, flag], None).unwrap();
            let env = &env[..1];
            assert_eq!(value(&both, name).as_deref(), Some(flag), "{option} beats {variable}");
            let over_file = gathered_with_file(&[], &[option, flag], Some(FILE)).unwrap();
            assert_eq!(value(&over_file, name).as_deref(), Some(flag), "{option} beats the profile");
            let env_over_file = gathered_with_file(env, &[], Some(FILE)).unwrap();
            assert_eq!(
                value(&env_over_file, name).as_deref(),
                Some(from_env),
                "{variable} beats the profile"
            );
            let file_only = gathered_with_file(&[], &[], Some(FILE)).unwrap();
            assert_eq!(value(&file_only, name).as_deref(), Some(from_file));
        }
        // The bearer and the base URL have no profile key; each beats what it competes with.
        let token = |s: &Settings| s.api_token.as_ref().map(|t| t.expose_secret().to_owned());
        let bearer = gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &[], Some(FILE)).unwrap();
        assert_eq!((token(&bearer).as_deref(), bearer.api_key.as_deref()), (Some("env-bearer"), None));
        let bearer = gathered_with_file(&[], &["--api-token", "flag-bearer"], Some(FILE)).unwrap();
        assert_eq!((token(&bearer).as_deref(), bearer.api_key.as_deref()), (Some("flag-bearer"), None));
        let bearer =
            gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &["--api-token", "flag"], None).unwrap();
        assert_eq!(token(&bearer).as_deref(), Some("flag"));
        let key =
            gathered_with_file(&[("LW_API_TOKEN", "env-bearer")], &["--api-key", "K"], Some(FILE)).unwrap();
        assert_eq!((key.api_key.as_deref(), token(&key)), (Some("K"), None), "--api-key beats LW_API_TOKEN");
        let url = gathered_with_file(
            &[("LW_API_SERVER_URL", "http://127.0.0.1:1")],
            &["--base-url", "http://127.0.0.1:2"],
            Some(FILE),
        )
        .unwrap();
        assert_eq!(url.api_server_url.as_deref(), Some("http://127.0.0.1:2"));
    }

    #[test]
    fn options_beat_the_environment_and_name_themselves() {
        let settings = gathered(
            &[("LW_API_SERVER_URL", "http://127.0.0.1:1"), ("LW_API_KEY", "ENV"), ("LW_API_SECRET", "s")],
            &["--account", "acme", "--api-key", "FLAG"],
        )
        .unwrap();
        assert_eq!(settings.account.as_deref(), Some("acme"));
        assert_eq!(settings.sources.account.as_deref(), Some("--account"));
        assert_eq!(settings.api_server_url, None, "--account beats LW_API_SERVER_URL");
        assert_eq!(settings.api_key.as_deref(), Some("FLAG"));
        assert_eq!(settings.sources.api_key.as_deref(), Some("--api-key"));
        assert_eq!(
            settings.sources.api_secret.as_deref(),
            Some("LW_API_SECRET"),
            "the secret may come from env"
        );
    }

    #[test]
    fn a_key_option_pairs_with_a_secret_from_the_environment() {
        let settings = gathered(&[("LW_API_SECRET", "s")], &["--api-key", "K"]).unwrap();
        assert_eq!((settings.api_key.as_deref(), settings.api_secret.is_some()), (Some("K"), true));
    }

    #[test]
    fn a_bearer_option_hides_an_api_key_from_the_environment() {
        let settings = gathered(
            &[("LW_ACCOUNT", "acme"), ("LW_API_KEY", "K"), ("LW_API_SECRET", "s")],
            &["--api-token", "b"],
        )
        .unwrap();
        assert_eq!((settings.api_key, settings.api_secret.is_none()), (None, true));
        assert_eq!(settings.api_token.as_ref().map(|t| t.expose_secret().to_owned()).as_deref(), Some("b"));
        assert_eq!(settings.sources.api_token.as_deref(), Some("--api-token"));
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
