//! `lwtokens completions SHELL`: the completion script, generated from the clap definitions so
//! it never lags behind them. Printed as is, whatever `--output` says.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;
use crate::error::CliError;
use crate::render::write_stdout;

/// Prints the completion script for `shell`.
pub fn print(shell: Shell) -> Result<(), CliError> {
    write_stdout(|out| {
        clap_complete::generate(shell, &mut Cli::command(), "lwtokens", out);
        Ok(())
    })
}
