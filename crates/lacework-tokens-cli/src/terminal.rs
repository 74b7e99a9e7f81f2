//! What the terminal can take: colour on stdout and on stderr, and a progress bar on stderr.
//!
//! Decided once, from `--no-color`, `NO_COLOR` (https://no-color.org) and whether each stream
//! is a terminal, so that a pipe or a CI log never gets escape codes or a redrawn bar.

use std::io::IsTerminal;

/// The terminal's capabilities for this run.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    /// Colour in what goes to stdout (tables).
    pub color_stdout: bool,
    /// Colour in what goes to stderr (logs, the progress bar).
    pub color_stderr: bool,
    /// Whether stderr is a terminal a progress bar can be drawn on.
    pub stderr_is_terminal: bool,
}

impl Terminal {
    /// Looks at the streams and the colour switches.
    pub fn detect(no_color_flag: bool) -> Terminal {
        let color_wanted = !no_color_flag && !no_color_env();
        let stderr_is_terminal = std::io::stderr().is_terminal();
        Terminal {
            color_stdout: color_wanted && std::io::stdout().is_terminal(),
            color_stderr: color_wanted && stderr_is_terminal,
            stderr_is_terminal,
        }
    }
}

/// `NO_COLOR` set to anything but the empty string turns colour off.
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Whether `--no-color` is on the command line, before clap has parsed it: clap needs to know
/// to print its own help and errors without colour.
pub fn no_color_requested() -> bool {
    no_color_env() || std::env::args_os().any(|arg| arg == "--no-color")
}
