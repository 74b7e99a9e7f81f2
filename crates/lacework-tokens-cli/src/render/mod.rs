//! Printing a command's result to stdout: as a table for people, or for programs as JSON, JSON
//! Lines or CSV (`--output`). Each result is a view with a table form and a JSON form whose
//! JSON Schema is published (`outputs`, `lwtokens schema`); listings also have rows, which JSON
//! Lines and CSV print one per line (`export`). The shapes are documented in `docs/json.md`.

mod access_token;
mod agent_token;
mod bearer_token;
mod bulk_report;
mod export;
pub mod outputs;
mod plan;
mod table;
mod time;
mod token_cache;

pub use access_token::{AccessTokenDetails, AccessTokenList, AccessTokenView, Deleted};
pub use agent_token::{AgentTokenDetails, AgentTokenList, AgentTokenView, Reveal, hint};
pub use bearer_token::BearerTokenView;
pub use bulk_report::{BulkReport, Outcome};
pub use export::json as export_json;
pub use plan::{Plan, duration};
pub use table::TableStyle;
pub use token_cache::{CacheListing, Cleared};

use std::io::Write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::CliError;

/// How results are printed (`--output`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// One JSON document (see `lwtokens schema`)
    Json,
    /// Listings only: one JSON object per line, one line per row
    Jsonl,
    /// Listings only: a header line, then one line per row (RFC 4180 quoting)
    Csv,
}

impl Format {
    /// Whether the format prints rows, which only listings have.
    pub fn is_rows(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv)
    }
}

impl std::fmt::Display for Format {
    /// The name `--output` takes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = clap::ValueEnum::to_possible_value(self).expect("no format is skipped");
        f.write_str(value.get_name())
    }
}

/// A result that can be printed as a table or as JSON.
pub trait View: Serialize + JsonSchema {
    /// The table (or plain text) form, ending in a newline.
    fn table(&self, style: &TableStyle) -> String;
}

/// A result that is a list of rows (its JSON form is an array of them), so that it can also be
/// printed a row per line.
pub trait Listing: View {
    /// One row; its JSON form is an object whose members are [`Listing::columns`].
    type Row: Serialize;

    /// The rows, in the order the API gave them.
    fn rows(&self) -> &[Self::Row];

    /// The CSV columns: the rows' JSON member names, in the order documented in docs/json.md.
    fn columns(&self) -> Vec<&'static str>;
}

/// Where and how results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// The format.
    pub format: Format,
    /// The table style (colour).
    pub style: TableStyle,
    /// Whether stdout is a terminal (where a secret is worth a warning).
    pub terminal: bool,
}

impl Output {
    /// Prints `view` to stdout as a table or as JSON. JSON Lines and CSV are for listings
    /// ([`Output::print_listing`]): other commands refuse them before sending anything.
    pub fn print(&self, view: &impl View) -> Result<(), CliError> {
        match self.format {
            Format::Table => write_stdout(|out| out.write_all(view.table(&self.style).as_bytes())),
            Format::Json => write_stdout(|out| export::json(out, view)),
            Format::Jsonl | Format::Csv => Err(rows_refused(self.format)),
        }
    }

    /// Prints `listing` to stdout in any format.
    pub fn print_listing<L: Listing>(&self, listing: &L) -> Result<(), CliError> {
        match self.format {
            Format::Table | Format::Json => self.print(listing),
            Format::Jsonl => write_stdout(|out| export::jsonl(out, listing.rows())),
            Format::Csv => {
                write_stdout(|out| export::csv(out, &listing.columns(), listing.rows(), self.terminal))
            }
        }
    }
}

/// The error for `--output jsonl|csv` on a command that prints one document.
pub fn rows_refused(format: Format) -> CliError {
    CliError::Usage(format!(
        "--output {format} prints the rows of a listing; this command prints one document: use --output json"
    ))
}

/// Runs `write` on stdout, buffered. A closed pipe (`lwtokens agent list | head -1`) is not an
/// error: the reader has what it wanted.
pub fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), CliError> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
