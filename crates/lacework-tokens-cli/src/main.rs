//! `lwtokens`: manage Lacework agent tokens and API access tokens from a shell or a CI job.
//!
//! Parses the command line, runs the command, and turns its outcome into an exit code: 0
//! success, 1 the API refused or failed, 2 usage or configuration error. A failure is one line
//! on stderr.

mod args;
mod bulk;
mod commands;
mod connect;
mod error;
mod journal;
mod logging;
mod render;
mod sandbox;
mod secret_file;
mod terminal;

use std::process::ExitCode;

use crate::terminal::Terminal;

fn main() -> ExitCode {
    let cli = match args::parse(terminal::no_color_requested()) {
        Ok(cli) => cli,
        // --help and --version: clap prints them, and they are not errors.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A group without its command (`lwtokens agent`): the group's help says what to add.
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(error::USAGE);
        }
        Err(e) => return fail(&error::usage_line(&e), error::USAGE),
    };
    let terminal = Terminal::detect(cli.output.no_color);
    logging::init(cli.output.verbose, terminal.color_stderr);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}"), error::FAILED),
    };
    match runtime.block_on(commands::run(cli, terminal)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string(), e.exit_code()),
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
