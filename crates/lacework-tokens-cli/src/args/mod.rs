//! The command line as clap sees it: the global options and the command tree. Only definitions
//! and value parsing live here; what each command does is in `commands`.

mod access;
mod access_ref;
mod agent;
mod budget;
mod expires;
mod filter;
mod token_ref;

pub use access::{AccessCommand, RotateArgs as AccessRotateArgs};
pub use access_ref::AccessRef;
pub use agent::{AgentCommand, BulkTarget, RotateArgs, ShowTokens};
pub use budget::Allowance;
pub use filter::FilterArg;
pub use token_ref::TokenRef;

use clap::{ArgAction, Args, ColorChoice, CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::Shell;
use lacework_tokens::SecretString;

use crate::render::{Format, outputs};

/// Manage Lacework agent tokens and API access tokens.
///
/// Settings come from the options below, then the LW_* environment variables, then the profile
/// of ~/.lacework.toml (LW_PROFILE or --profile, else [default]), as with the Lacework CLI.
/// Try any command without an account with --sandbox.
///
/// Exit codes: 0 success, 1 the API refused or failed, 2 usage or configuration error, 3 a bulk
/// job stopped part-way with nothing failed (the request budget: --max-requests; or Ctrl-C):
/// rerun it with --resume to go on; or not started (--no-wait): rerun it later or without it.
#[derive(Debug, Parser)]
#[command(name = "lwtokens", version, propagate_version = true)]
pub struct Cli {
    /// Where and as whom to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// How to print.
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Reads a secret from the command line straight into a `SecretString`, so that no `Debug` of
/// the parsed arguments can show it.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

/// An agent token's alias, checked while parsing as a create or an update would check it, so that
/// a bad one costs no request (not even the search that resolves the token to change).
fn alias(value: &str) -> Result<String, lacework_tokens::Error> {
    lacework_tokens::agent_tokens::check_alias(value).map(|()| value.to_owned())
}

/// An access token's name, checked while parsing against the spec's limits (see [`alias`]).
fn access_name(value: &str) -> Result<String, lacework_tokens::Error> {
    lacework_tokens::access_tokens::check_name(value).map(|()| value.to_owned())
}

/// The connection options: each one beats its environment variable and the profile.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// The profile of ~/.lacework.toml to read [env: LW_PROFILE] [default: default]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The Lacework account: acme, or a host such as acme.fra.lacework.net [env: LW_ACCOUNT]
    #[arg(long, global = true, value_name = "ACCOUNT", conflicts_with = "base_url")]
    pub account: Option<String>,
    /// The API key id, exchanged with its secret for bearer tokens [env: LW_API_KEY]
    #[arg(long, global = true, value_name = "KEY_ID")]
    pub api_key: Option<String>,
    /// The API key's secret; prefer LW_API_SECRET (a command line is visible to other users)
    /// [env: LW_API_SECRET]
    #[arg(long, global = true, value_name = "SECRET", value_parser = secret)]
    pub api_secret: Option<SecretString>,
    /// A ready bearer token instead of an API key [env: LW_API_TOKEN]
    #[arg(long, global = true, value_name = "TOKEN", value_parser = secret, conflicts_with_all = ["api_key", "api_secret"])]
    pub api_token: Option<SecretString>,
    /// The sub-account of an organization to act on [env: LW_SUBACCOUNT]
    #[arg(long, global = true, value_name = "NAME")]
    pub subaccount: Option<String>,
    /// The API's base URL instead of the account's, e.g. http://127.0.0.1:8080
    /// [env: LW_API_SERVER_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Run against a sandbox server started in-process with demo data: no account needed, and
    /// every change is forgotten when the command ends
    #[arg(
        long,
        global = true,
        conflicts_with_all = ["profile", "account", "api_key", "api_secret", "api_token", "base_url"]
    )]
    pub sandbox: bool,
    /// Exchange the API key afresh instead of reusing the bearer cached by an earlier run (see
    /// `lwtokens token-cache`) [env: LWTOKENS_NO_TOKEN_CACHE=1]
    #[arg(long, global = true, env = "LWTOKENS_NO_TOKEN_CACHE", hide_env = true,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub no_token_cache: bool,
    /// The account's allowance per API family that bulk commands pace themselves to: N requests
    /// an hour, or N per SPAN (480/1h, 100/10m); the server's RateLimit headers tighten it
    /// [env: LWTOKENS_BUDGET] [default: 480/1h]
    #[arg(long, global = true, value_name = "N[/SPAN]", env = "LWTOKENS_BUDGET", hide_env = true,
          value_parser = budget::parse, default_value = "480/1h", hide_default_value = true)]
    pub budget: Allowance,
}

/// How results and diagnostics are printed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// How to print results: table, json, jsonl or csv [default: table]. jsonl and csv print the
    /// rows of a listing (agent list, agent search, access list, schema), one per line; every
    /// JSON shape has a published schema (`lwtokens schema`)
    #[arg(long, short = 'o', global = true, value_enum, value_name = "FORMAT", default_value_t = Format::Table,
          hide_possible_values = true, hide_default_value = true)]
    pub output: Format,
    /// The same as --output json
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,
    /// No colours (also when NO_COLOR is set, or when output is not a terminal)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Log to stderr: -v for requests and settings, -vv for everything the client traces
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

impl OutputArgs {
    /// The format asked for, by `--output` or `--json`.
    pub fn format(&self) -> Format {
        if self.json { Format::Json } else { self.output }
    }
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Agent access tokens: the tokens Lacework agents connect with
    #[command(subcommand)]
    Agent(AgentCommand),
    /// API access tokens
    #[command(subcommand)]
    Access(AccessCommand),
    /// Exchange the API key for a bearer token and print it (e.g. for LW_API_TOKEN or curl)
    #[command(
        after_help = "Examples:\n  export LW_API_TOKEN=$(lwtokens api-token)   # later commands exchange nothing\n  \
                            lwtokens api-token --expiry-seconds 600"
    )]
    ApiToken(ApiTokenArgs),
    /// Show or clear the bearer tokens reused between runs (one key exchange per key, not per run)
    ///
    /// One bearer is cached per account, sub-account and API key, in a file only you can read
    /// in your cache directory; the API secret is never written anywhere.
    #[command(
        subcommand,
        after_help = "Examples:\n  lwtokens token-cache show\n  lwtokens token-cache clear"
    )]
    TokenCache(TokenCacheCommand),
    /// List the JSON outputs and the commands that print them, or print one's JSON Schema
    #[command(
        after_help = "Examples:\n  lwtokens schema\n  lwtokens schema agent-token-list > agent-token-list.schema.json"
    )]
    Schema {
        /// The output whose JSON Schema to print
        #[arg(value_name = "OUTPUT",
              value_parser = clap::builder::PossibleValuesParser::new(outputs::OUTPUTS.iter().map(|o| o.name)))]
        name: Option<String>,
    },
    /// Print a shell completion script, e.g. `lwtokens completions bash > /etc/bash_completion.d/lwtokens`
    #[command(after_help = "Examples:\n  lwtokens completions bash > /etc/bash_completion.d/lwtokens\n  \
                            lwtokens completions zsh > \"${fpath[1]}/_lwtokens\"")]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// `lwtokens token-cache ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCacheCommand {
    /// List the cached bearers: account, sub-account, API key id and expiry (never the token)
    #[command(after_help = "Examples:\n  lwtokens token-cache show\n  lwtokens token-cache show --json")]
    Show,
    /// Remove every cached bearer; the next run exchanges the API key again
    #[command(after_help = "Examples:\n  lwtokens token-cache clear")]
    Clear,
}

/// `lwtokens api-token`.
#[derive(Debug, Args)]
pub struct ApiTokenArgs {
    /// How long the token is valid, 1 to 86400 seconds
    #[arg(long, short = 'd', value_name = "N", default_value_t = 3600,
          value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub expiry_seconds: u32,
}

/// Parses the process's arguments; clap's own help and errors are plain when `no_color`.
pub fn parse(no_color: bool) -> Result<Cli, clap::Error> {
    let mut command = Cli::command();
    if no_color {
        command = command.color(ColorChoice::Never);
    }
    Cli::from_arg_matches(&command.try_get_matches()?)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn every_command_ends_its_help_with_examples() {
        fn leaves(command: &clap::Command, path: String, out: &mut Vec<(String, bool)>) {
            let subcommands: Vec<_> = command.get_subcommands().filter(|c| c.get_name() != "help").collect();
            if subcommands.is_empty() {
                let has = command.get_after_help().is_some_and(|h| h.to_string().starts_with("Examples:"));
                out.push((path.clone(), has));
            }
            for sub in subcommands {
                leaves(sub, format!("{path} {}", sub.get_name()), out);
            }
        }
        let mut found = Vec::new();
        leaves(&Cli::command(), "lwtokens".to_owned(), &mut found);
        let missing: Vec<_> = found.iter().filter(|(_, has)| !has).map(|(path, _)| path).collect();
        assert!(missing.is_empty(), "no examples under: {missing:?}");
        assert!(found.len() > 15, "{found:?}");
    }

    /// The man pages in docs/man/ (one per command group) are rendered from these definitions;
    /// a stale one fails here, and `UPDATE_MAN_PAGES=1 cargo test -p lacework-tokens-cli man_pages`
    /// rewrites them.
    #[test]
    fn the_man_pages_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
        let top = Cli::command();
        let groups = top.get_subcommands().map(|c| (format!("lwtokens-{}", c.get_name()), c.clone()));
        let mut stale = Vec::new();
        for (name, command) in std::iter::once(("lwtokens".to_owned(), top.clone())).chain(groups) {
            let mut page = Vec::new();
            clap_mangen::Man::new(command.display_name(name.clone())).render(&mut page).unwrap();
            let path = dir.join(format!("{name}.1"));
            if std::env::var_os("UPDATE_MAN_PAGES").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &page).unwrap();
            }
            if std::fs::read(&path).unwrap_or_default() != page {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale man pages {stale:?}: run `UPDATE_MAN_PAGES=1 cargo test -p lacework-tokens-cli man_pages`"
        );
    }

    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks: no duplicate flags, every conflict names an existing argument.
        Cli::command().debug_assert();
    }
}
