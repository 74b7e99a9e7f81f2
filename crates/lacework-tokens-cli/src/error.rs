//! What can make `lwtokens` fail, the exit code of each, and the one line it prints about it.
//!
//! Exit codes: 0 success, 1 the API refused or failed, 2 usage or configuration error, 3 a bulk
//! job stopped part-way with nothing failed (the request budget, Ctrl-C). The line is built
//! from the facade's errors, which never carry a secret, and from the CLI's own messages, which
//! never quote one.

use std::fmt;

use lacework_tokens::Error;

/// The exit code of a failed command: the API refused or failed.
pub const FAILED: u8 = 1;
/// The exit code of a usage or configuration error.
pub const USAGE: u8 = 2;
/// The exit code of a bulk job stopped part-way, with nothing failed: what is left is for
/// `--resume`.
pub const UNFINISHED: u8 = 3;

/// A command's failure.
#[derive(Debug)]
pub enum CliError {
    /// The command line or the configuration is wrong: nothing was (or could be) done.
    Usage(String),
    /// An error from the facade: the API's, or a setting it refused.
    Client(Error),
    /// The command ran but did not do what was asked (nothing matched, some of a bulk failed).
    Failed(String),
    /// A bulk job stopped part-way (or did not start) with nothing failed: the request budget or
    /// Ctrl-C stopped it. What is done stays done, and the same command goes on from there.
    Unfinished(String),
}

impl CliError {
    /// The process's exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE,
            CliError::Client(Error::InvalidInput { .. } | Error::Config { .. }) => USAGE,
            CliError::Unfinished(_) | CliError::Client(Error::OverBudget { .. }) => UNFINISHED,
            CliError::Client(_) | CliError::Failed(_) => FAILED,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            CliError::Usage(message) | CliError::Failed(message) | CliError::Unfinished(message) => {
                message.clone()
            }
            CliError::Client(error) => error.to_string(),
        };
        // One line, whatever a server message held, and nothing a terminal would act on.
        f.write_str(&crate::terminal::escape(&one_line(&text)))
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::Client(error)
    }
}

impl From<lacework_tokens::config::ConfigError> for CliError {
    fn from(error: lacework_tokens::config::ConfigError) -> Self {
        CliError::Client(error.into())
    }
}

/// Joins lines with spaces and drops the blanks.
fn one_line(text: &str) -> String {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The most characters of a refused value a usage error repeats: the user has the value, and a
/// 10,000-character alias must not fill the screen.
const MAX_QUOTED_CHARS: usize = 40;

/// A clap usage error as one line: its message and any tip, without the usage block clap adds
/// (the message names the argument; `--help` has the rest).
pub fn usage_line(error: &clap::Error) -> String {
    if let Some(line) = invalid_value_line(error) {
        return line;
    }
    let rendered = error.render().to_string();
    let mut kept = Vec::new();
    for (index, paragraph) in rendered.split("\n\n").enumerate() {
        let paragraph = paragraph.trim();
        if index == 0 || paragraph.starts_with("tip:") {
            kept.push(one_line(paragraph));
        }
    }
    let line = kept.join("; ");
    let line = line.strip_prefix("error: ").unwrap_or(&line).to_owned();
    format!("{line} (see --help)")
}

/// A value a value parser refused, as one line with the value cut to [`MAX_QUOTED_CHARS`].
fn invalid_value_line(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let (Some(ContextValue::String(arg)), Some(ContextValue::String(value))) =
        (error.get(ContextKind::InvalidArg), error.get(ContextKind::InvalidValue))
    else {
        return None;
    };
    let reason = std::error::Error::source(error)?;
    let shown = match value.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.clone(),
    };
    let shown = crate::terminal::escape(&shown);
    Some(format!("invalid value '{shown}' for '{arg}': {} (see --help)", one_line(&reason.to_string())))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::Cli;

    fn usage(args: &[&str]) -> String {
        usage_line(&Cli::try_parse_from(args).unwrap_err())
    }

    #[test]
    fn usage_errors_are_one_line_naming_the_problem() {
        let missing = usage(&["lwtokens", "agent", "create"]);
        assert_eq!(missing, "the following required arguments were not provided: <ALIAS> (see --help)");
        let unknown = usage(&["lwtokens", "--jsn", "agent", "list"]);
        assert!(unknown.starts_with("unexpected argument '--jsn' found; tip:"), "{unknown}");
        assert!(unknown.contains("'--json'"), "{unknown}");
        assert!(!unknown.contains('\n'));
        let long = "n".repeat(300);
        let refused = usage(&["lwtokens", "access", "create", &long]);
        let shown = format!("'{}…'", "n".repeat(MAX_QUOTED_CHARS));
        assert_eq!(
            refused,
            format!(
                "invalid value {shown} for '<NAME>': invalid name: longer than 255 characters (it has 300) (see --help)"
            )
        );
    }

    #[test]
    fn exit_codes_follow_the_kind_of_failure() {
        let config = Error::Config { setting: "s".into(), reason: "r".into() };
        assert_eq!(CliError::Client(config).exit_code(), 2);
        let invalid = Error::InvalidInput { field: "alias".into(), reason: "r".into() };
        assert_eq!(CliError::Client(invalid).exit_code(), 2);
        let refused = Error::Unauthorized { message: "no".into() };
        assert_eq!(CliError::Client(refused).exit_code(), 1);
        assert_eq!(CliError::Usage("u".into()).exit_code(), 2);
        assert_eq!(CliError::Failed("f".into()).exit_code(), 1);
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(CliError::Failed("a\n\n  b\r\nc".into()).to_string(), "a b c");
    }

    #[test]
    fn messages_are_escaped() {
        let message = CliError::Failed("no agent token has the alias x\u{1b}]0;t\u{7}\ry".into());
        assert_eq!(message.to_string(), "no agent token has the alias x\\u{1b}]0;t\\u{7}\\ry");
    }
}
