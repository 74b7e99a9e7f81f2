//! `lwtokens agent ...`: the agent-token commands and their options.

use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use lacework_tokens::{Os, Subscription};

use super::{FilterArg, TokenRef};

/// What TOKEN may be, shown under each command that takes one.
const TOKEN_HELP: &str = "The token: its value, `alias:NAME` for the one token with that alias, or the \
                          start of its value as lists show it (`47d10275…` or `47d10275...`)";

/// The agent-token commands.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// List every agent token (token values shortened unless --show-tokens)
    #[command(
        after_help = "Examples:\n  lwtokens agent list\n  lwtokens agent list --json | jq -r '.[].alias'\n  \
                            lwtokens agent list --output csv > agent-tokens.csv"
    )]
    List {
        #[command(flatten)]
        show: ShowTokens,
    },
    /// Show one agent token, with its full value
    #[command(
        after_help = "Examples:\n  lwtokens agent show alias:ci-runners\n  lwtokens agent show 47d10275…"
    )]
    Show {
        #[arg(help = TOKEN_HELP)]
        token: TokenRef,
    },
    /// Create an agent token and print it, with its full value
    #[command(after_help = "Examples:\n  lwtokens agent create qa --description 'QA group' --os linux\n  \
                            lwtokens agent create staging --subscription enterprise --disabled")]
    Create(CreateArgs),
    /// Change a token's alias, description or state; only what is given is sent
    #[command(after_help = "Examples:\n  lwtokens agent update alias:qa --alias qa-linux\n  \
                            lwtokens agent update alias:qa --description 'QA hosts' --disable")]
    Update(UpdateArgs),
    /// Enable one token, or every token selected by --alias-like, --filter or --stdin
    #[command(after_help = ENABLE_EXAMPLES)]
    Enable(BulkTarget),
    /// Disable one token, or every token selected by --alias-like, --filter or --stdin
    #[command(after_help = DISABLE_EXAMPLES)]
    Disable(BulkTarget),
    /// Search agent tokens: every filter must hold
    #[command(
        after_help = "Examples:\n  lwtokens agent search --alias-like 'ci-%' --filter enabled:eq:true\n  \
                            lwtokens agent search --filter created:between:2024-01-01T00:00:00Z,2024-07-01T00:00:00Z"
    )]
    Search(SearchArgs),
    /// Replace a token: create one with its alias, description, OS and subscription (or the
    /// values given), print it once, and disable the old one only with --disable-old
    #[command(after_help = ROTATE_EXAMPLES)]
    Rotate(RotateArgs),
}

/// Examples under `agent enable --help`.
const ENABLE_EXAMPLES: &str = "Examples:
  lwtokens agent enable alias:ci-runners
  lwtokens agent enable --filter created:gt:2024-01-01T00:00:00Z --alias-like 'ci-%' --dry-run";

/// Examples under `agent disable --help`.
const DISABLE_EXAMPLES: &str = "Examples:
  lwtokens agent disable --alias-like 'bulk-%'
  lwtokens agent disable --alias-like 'bulk-%' --resume      # finish a job cut short
  printf '%s\\n' alias:old-a alias:old-b | lwtokens agent disable --stdin";

/// Examples under `agent rotate --help`.
const ROTATE_EXAMPLES: &str = "Examples:
  lwtokens agent rotate alias:ci-runners --disable-old
  lwtokens agent rotate alias:ci-runners --output-file new-token --disable-old";

/// `agent rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    #[arg(help = TOKEN_HELP)]
    pub token: TokenRef,
    /// The replacement's alias (default: the old token's)
    #[arg(long, value_parser = super::alias)]
    pub alias: Option<String>,
    /// The replacement's description (default: the old token's)
    #[arg(long)]
    pub description: Option<String>,
    /// Disable the old token once the replacement exists
    #[arg(long)]
    pub disable_old: bool,
    /// Write the new token's value to FILE (created 0600) instead of printing it
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<std::path::PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output_file")]
    pub force: bool,
}

/// `agent create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The new token's alias
    #[arg(value_parser = super::alias)]
    pub alias: String,
    /// A description
    #[arg(long)]
    pub description: Option<String>,
    /// The operating system of the agents that will use it
    #[arg(long, value_enum)]
    pub os: Option<OsArg>,
    /// The subscription the agents belong to
    #[arg(long, value_enum)]
    pub subscription: Option<SubscriptionArg>,
    /// Create it disabled (tokens are created enabled)
    #[arg(long)]
    pub disabled: bool,
}

/// `agent update`.
#[derive(Debug, Args)]
#[command(group = ArgGroup::new("change").required(true).multiple(true)
    .args(["alias", "description", "enable", "disable"]))]
pub struct UpdateArgs {
    #[arg(help = TOKEN_HELP)]
    pub token: TokenRef,
    /// A new alias
    #[arg(long, value_parser = super::alias)]
    pub alias: Option<String>,
    /// A new description
    #[arg(long)]
    pub description: Option<String>,
    /// Enable the token
    #[arg(long, conflicts_with = "disable")]
    pub enable: bool,
    /// Disable the token
    #[arg(long)]
    pub disable: bool,
}

impl UpdateArgs {
    /// The state to set, if any.
    pub fn enabled(&self) -> Option<bool> {
        match (self.enable, self.disable) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// `agent enable` and `agent disable`: one token, or a bulk job over every token selected by
/// `--alias-like`, `--filter`s or a list on stdin.
#[derive(Debug, Args)]
#[command(group = ArgGroup::new("target").required(true).multiple(true)
    .args(["token", "alias_like", "filters", "stdin"]))]
#[command(group = ArgGroup::new("selection").multiple(true).args(["alias_like", "filters", "stdin"]))]
pub struct BulkTarget {
    #[arg(help = TOKEN_HELP, conflicts_with = "selection")]
    pub token: Option<TokenRef>,
    /// Every token whose alias matches this SQL LIKE pattern (`%` any run, `_` one character)
    #[arg(long, value_name = "PATTERN")]
    pub alias_like: Option<String>,
    /// Every token the search filter FIELD:OP:VALUE finds (the grammar of `agent search`);
    /// repeatable, and combinable with --alias-like: every filter must hold
    #[arg(long = "filter", value_name = "FIELD:OP:VALUE")]
    pub filters: Vec<FilterArg>,
    /// The tokens listed on standard input, one a line: a value, `alias:NAME` or a shortened
    /// value as lists print it
    #[arg(long, conflicts_with_all = ["alias_like", "filters"])]
    pub stdin: bool,
    /// With a selection: list what would change, change nothing
    // `requires` alone is not enforced here: clap lets a requirement go unmet when it conflicts
    // with an argument given (TOKEN and a selection exclude each other).
    #[arg(long, requires = "selection", conflicts_with = "token")]
    pub dry_run: bool,
    /// With a selection: stop cleanly once N requests are spent (the key exchange and the
    /// search included); exit code 3, and the same command with --resume goes on where it stopped
    #[arg(long, value_name = "N", requires = "selection", conflicts_with = "token",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_requests: Option<u64>,
    /// With a selection: run only if the job fits in what is left of the budget's current
    /// window (exit code 3 otherwise), instead of pacing it across windows
    #[arg(long, requires = "selection", conflicts_with = "token")]
    pub no_wait: bool,
    /// Finish the job an earlier run of the same command left unfinished (Ctrl-C, a kill, a
    /// crash, a budget stop), from its journal: no token is missed or sent twice
    #[arg(long, requires = "selection", conflicts_with_all = ["token", "dry_run"])]
    pub resume: bool,
    /// The job's journal (JSON lines, written as it goes); default: a file per selection in the
    /// platform's state directory
    #[arg(long, value_name = "FILE", requires = "selection", conflicts_with = "token")]
    pub journal: Option<std::path::PathBuf>,
    /// No progress bar or progress lines
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Do not ask for confirmation on a terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
}

impl BulkTarget {
    /// Whether this is a bulk job (paced, planned, journaled) rather than one token.
    pub fn is_bulk(&self) -> bool {
        self.alias_like.is_some() || !self.filters.is_empty() || self.stdin
    }
}

/// `agent search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Only tokens whose alias matches this SQL LIKE pattern (`%` any run, `_` one character)
    #[arg(long, value_name = "PATTERN")]
    pub alias_like: Option<String>,
    /// A filter FIELD:OP:VALUE; repeatable. FIELD: alias, enabled, created, version, token (or
    /// the API's names, e.g. tokenAlias). OP: eq ne like ilike not_like not_ilike rlike not_rlike
    /// gt ge lt le in not_in between. `in`, `not_in` and `between` take comma-separated values,
    /// e.g. created:between:2024-01-01T00:00:00Z,2024-07-01T00:00:00Z. `created` takes the forms
    /// of --expires looking back: a time, a date (2024-01-01) or a span ago (created:gt:30d)
    #[arg(long = "filter", value_name = "FIELD:OP:VALUE")]
    pub filters: Vec<FilterArg>,
    #[command(flatten)]
    pub show: ShowTokens,
}

/// `--show-tokens`, on the listings.
#[derive(Debug, Args)]
pub struct ShowTokens {
    /// Print each token's full value, a secret that agents connect with (listings show only its
    /// start otherwise); warns when printing to a terminal
    #[arg(long)]
    pub show_tokens: bool,
}

/// `--os`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OsArg {
    /// Linux hosts
    Linux,
    /// Windows hosts
    Windows,
}

impl From<OsArg> for Os {
    fn from(os: OsArg) -> Self {
        match os {
            OsArg::Linux => Os::Linux,
            OsArg::Windows => Os::Windows,
        }
    }
}

/// `--subscription`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SubscriptionArg {
    /// Standard
    Standard,
    /// Professional
    Professional,
    /// Enterprise
    Enterprise,
}

impl From<SubscriptionArg> for Subscription {
    fn from(subscription: SubscriptionArg) -> Self {
        match subscription {
            SubscriptionArg::Standard => Subscription::Standard,
            SubscriptionArg::Professional => Subscription::Professional,
            SubscriptionArg::Enterprise => Subscription::Enterprise,
        }
    }
}
