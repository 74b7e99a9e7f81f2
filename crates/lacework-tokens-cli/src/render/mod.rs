//! Printing a command's result to stdout: as a table for people, or as JSON (`--json`) for
//! programs. Each result is a view with both forms; the JSON shapes are documented in
//! `docs/json.md` and kept stable by the golden tests.

mod access_token;
mod agent_token;
mod bearer_token;
mod bulk_report;
mod plan;
mod table;
mod time;

pub use access_token::{AccessTokenDetails, AccessTokenList, AccessTokenView, Deleted};
pub use agent_token::{AgentTokenDetails, AgentTokenList, AgentTokenView, Reveal, hint};
pub use bearer_token::BearerTokenView;
pub use bulk_report::{BulkReport, Outcome};
pub use plan::{Plan, duration};
pub use table::TableStyle;

use std::io::Write;

use serde::Serialize;

use crate::error::CliError;

/// A result that can be printed either way.
pub trait View: Serialize {
    /// The table (or plain text) form, ending in a newline.
    fn table(&self, style: &TableStyle) -> String;
}

/// Where and how results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// JSON instead of tables.
    pub json: bool,
    /// The table style (colour).
    pub style: TableStyle,
}

impl Output {
    /// Prints `view` to stdout.
    pub fn print(&self, view: &impl View) -> Result<(), CliError> {
        let text = if self.json {
            let mut json = serde_json::to_string_pretty(view).expect("views serialize to JSON");
            json.push('\n');
            json
        } else {
            view.table(&self.style)
        };
        write_stdout(text.as_bytes())
    }
}

/// Writes `bytes` to stdout. A closed pipe (`lwtokens agent list | head -1`) is not an error:
/// the reader has what it wanted.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
