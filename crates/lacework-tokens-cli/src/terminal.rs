//! What the terminal can take: colour on stdout and on stderr, a progress bar on stderr, and
//! text from a server only once [`escape`]d.
//!
//! Colour and the bar are decided once, from `--no-color`, `NO_COLOR` (https://no-color.org)
//! and whether each stream is a terminal, so that a pipe or a CI log never gets escape codes or
//! a redrawn bar.

use std::borrow::Cow;
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
    /// Whether stdout is a terminal, where a printed secret is worth a warning.
    pub stdout_is_terminal: bool,
}

impl Terminal {
    /// Looks at the streams and the colour switches.
    pub fn detect(no_color_flag: bool) -> Terminal {
        let color_wanted = !no_color_flag && !no_color_env();
        let stderr_is_terminal = std::io::stderr().is_terminal();
        let stdout_is_terminal = std::io::stdout().is_terminal();
        Terminal {
            color_stdout: color_wanted && stdout_is_terminal,
            color_stderr: color_wanted && stderr_is_terminal,
            stderr_is_terminal,
            stdout_is_terminal,
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

/// Text fit for a terminal or a log: every control character (C0, DEL, C1: ESC, BEL, CR, LF,
/// TAB, ...) and every invisible character that reorders or hides text (bidirectional
/// overrides and isolates, zero-width characters) shown as an escape such as `\u{1b}` or `\r`,
/// so that text from a server (an alias, a description, a message) can neither move the cursor,
/// rewrite lines or the window title, nor hide what follows it. Everything else, non-ASCII
/// letters included, is kept as it is.
///
/// This is the one function every human-readable output of the CLI goes through: table cells,
/// plain-text results, the progress bar, `-v` log lines and `error:` lines. JSON output does
/// not: JSON escapes control characters itself and must stay exact.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` is one of the characters [`escape`] shows as an escape.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn control_and_invisible_characters_are_shown_escaped() {
        assert_eq!(escape("ci-\u{1b}]0;owned\u{7}\r\u{1b}[2K"), "ci-\\u{1b}]0;owned\\u{7}\\r\\u{1b}[2K");
        assert_eq!(escape("a\tb\nc\u{9b}d\u{7f}"), "a\\tb\\nc\\u{9b}d\\u{7f}");
        assert_eq!(escape("admin\u{202e}txt.exe"), "admin\\u{202e}txt.exe");
        assert!(matches!(escape("plain ünïcødé-ток"), std::borrow::Cow::Borrowed("plain ünïcødé-ток")));
    }
}
