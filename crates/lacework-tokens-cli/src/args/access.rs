//! `lwtokens access ...`: the API-access-token commands and their options.

use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use lacework_tokens::Status;

use super::{AccessRef, expires};

/// What ID may be, shown under each command that takes one.
const ID_HELP: &str = "The token's id, or `name:NAME` for the one token with that name";

/// The API-access-token commands.
#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// List every API access token
    #[command(after_help = "Examples:\n  lwtokens access list\n  lwtokens access list --json")]
    List,
    /// Show one API access token
    #[command(
        after_help = "Examples:\n  lwtokens access show name:terraform\n  lwtokens access show 5f3c1a2b3c4d5e6f7a8b9c0d"
    )]
    Show {
        #[arg(help = ID_HELP)]
        id: AccessRef,
    },
    /// Create an API access token and print it with its secret, which is shown only this once
    #[command(after_help = "Examples:\n  lwtokens access create terraform --scope devices --expires 90d")]
    Create(CreateArgs),
    /// Change a token's name or status; only what is given is sent
    #[command(after_help = "Examples:\n  lwtokens access update name:terraform --status inactive")]
    Update(UpdateArgs),
    /// Replace a token: create one with its name and scope (or the values given), print it
    /// with its secret once, and make the old one inactive or delete it only if asked
    #[command(after_help = "Examples:\n  lwtokens access rotate name:terraform --deactivate-old\n  \
                            lwtokens access rotate name:terraform --delete-old --output-file secret")]
    Rotate(RotateArgs),
    /// Delete an API access token
    #[command(after_help = "Examples:\n  lwtokens access delete name:terraform")]
    Delete {
        #[arg(help = ID_HELP)]
        id: AccessRef,
    },
}

/// `access create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The new token's name, 1 to 255 characters
    #[arg(value_parser = super::access_name)]
    pub name: String,
    /// What it grants, e.g. devices or devices.state; repeatable or comma-separated
    #[arg(long, value_name = "SCOPE", value_delimiter = ',')]
    pub scope: Vec<String>,
    /// When it stops working: an RFC 3339 time (2025-12-31T23:59:59Z), a date (2025-12-31, at
    /// midnight UTC), or a time from now (90d, 12h, 30m, 2w)
    #[arg(long, value_name = "WHEN", value_parser = expires::parse)]
    pub expires: Option<DateTime<Utc>>,
}

/// `access rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    #[arg(help = ID_HELP)]
    pub id: AccessRef,
    /// The replacement's name (default: the old token's)
    #[arg(long, value_parser = super::access_name)]
    pub name: Option<String>,
    /// When the replacement stops working (the forms of `access create --expires`)
    #[arg(long, value_name = "WHEN", value_parser = expires::parse)]
    pub expires: Option<DateTime<Utc>>,
    /// Make the old token inactive once the replacement exists
    #[arg(long, conflicts_with = "delete_old")]
    pub deactivate_old: bool,
    /// Delete the old token once the replacement exists
    #[arg(long)]
    pub delete_old: bool,
    /// Write the new secret to FILE (created 0600) instead of printing it
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<std::path::PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output_file")]
    pub force: bool,
}

/// `access update`.
#[derive(Debug, Args)]
#[command(group = ArgGroup::new("change").required(true).multiple(true).args(["name", "status"]))]
pub struct UpdateArgs {
    #[arg(help = ID_HELP)]
    pub id: AccessRef,
    /// A new name, 1 to 255 characters
    #[arg(long, value_parser = super::access_name)]
    pub name: Option<String>,
    /// A new status
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
}

/// `--status`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StatusArg {
    /// The token works
    Active,
    /// The token is switched off
    Inactive,
}

impl From<StatusArg> for Status {
    fn from(status: StatusArg) -> Self {
        match status {
            StatusArg::Active => Status::Active,
            StatusArg::Inactive => Status::Inactive,
        }
    }
}
