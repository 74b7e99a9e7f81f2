//! `lwtokens schema [OUTPUT]`: the list of JSON outputs, or one output's JSON Schema (printed
//! as JSON whatever `--output` says: a schema is a document for programs).

use super::Context;
use crate::error::CliError;
use crate::render::outputs::{self, SchemaList};
use crate::render::{export_json, write_stdout};

/// Lists the outputs, or prints the schema of `output`.
pub fn run(output: Option<&str>, context: &Context) -> Result<(), CliError> {
    let Some(name) = output else {
        return context.output.print_listing(&SchemaList::new());
    };
    // clap allows only the names of outputs.
    let output =
        outputs::find(name).ok_or_else(|| CliError::Usage(format!("no output is named {name:?}")))?;
    write_stdout(|out| export_json(out, &output.schema()))
}
