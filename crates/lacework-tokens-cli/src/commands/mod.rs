//! Runs the parsed command: completions need nothing else; every other command gets a client
//! (see `connect`) and prints its result through `render`.

mod access;
mod agent;
mod api_token;
mod completions;
pub(crate) mod resolve;
mod schema;
mod token_cache;

use crate::args::{AccessCommand, AgentCommand, BulkTarget, Cli, Command};
use crate::bulk::{self, Progress};
use crate::connect::connect;
use crate::error::CliError;
use crate::render::{self, Format, Output, TableStyle};
use crate::terminal::Terminal;

/// What every command prints with.
pub struct Context {
    /// Where results go.
    pub output: Output,
    /// How a bulk run shows its progress.
    pub progress: Progress,
}

/// Runs `cli`'s command.
pub async fn run(cli: Cli, terminal: Terminal) -> Result<(), CliError> {
    let format = cli.output.format();
    if format.is_rows() && prints_one_document(&cli.command) {
        return Err(render::rows_refused(format));
    }
    let context = Context {
        output: Output {
            format,
            style: TableStyle { color: terminal.color_stdout },
            terminal: terminal.stdout_is_terminal,
        },
        progress: Progress {
            // Log lines on the same stream would tear the bar.
            visible: terminal.stderr_is_terminal && cli.output.verbose == 0,
            color: terminal.color_stderr,
            plan: format == Format::Table,
            confirm: terminal.stderr_is_terminal && std::io::IsTerminal::is_terminal(&std::io::stdin()),
        },
    };
    match cli.command {
        Command::Completions { shell } => completions::print(shell),
        Command::Schema { name } => schema::run(name.as_deref(), &context),
        Command::TokenCache(command) => token_cache::run(command, &context),
        Command::Agent(command) => {
            let budget = bulk_target(&command).map(|target| bulk::budget(&cli.connection, target));
            let connection = connect(&cli.connection, budget).await?;
            agent::run(&connection.client, &connection.identity, command, &context).await
        }
        Command::Access(command) => {
            let connection = connect(&cli.connection, None).await?;
            access::run(&connection.client, command, &context).await
        }
        Command::ApiToken(args) => {
            let connection = connect(&cli.connection, None).await?;
            api_token::run(&connection.client, &args, &context).await
        }
    }
}

/// Whether `command` prints one JSON document, which has no rows for `--output jsonl|csv` to
/// print. Listings print rows; `completions` and `schema OUTPUT` print their script or schema
/// whatever the format.
fn prints_one_document(command: &Command) -> bool {
    !matches!(
        command,
        Command::Agent(AgentCommand::List { .. } | AgentCommand::Search(_))
            | Command::Access(AccessCommand::List)
            | Command::Schema { .. }
            | Command::Completions { .. }
    )
}

/// The target of a bulk job (paced by the request budget), if `command` is one.
fn bulk_target(command: &AgentCommand) -> Option<&BulkTarget> {
    match command {
        AgentCommand::Enable(target) | AgentCommand::Disable(target) => Some(target).filter(|t| t.is_bulk()),
        _ => None,
    }
}
