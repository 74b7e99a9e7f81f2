//! `-v`/`-vv` (or `RUST_LOG`): tracing output on stderr, from this binary and the lacework-tokens
//! crates only unless `RUST_LOG` says otherwise.
//!
//! Other crates stay at warnings even at `-vv`: what they might trace (connection details, raw
//! bytes) is not theirs to vouch for, while the facade's spans and events are written to carry
//! no secret.

use std::fmt::Write as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::{Writer, debug_fn};

/// What each `-v` count shows. Targets are prefixes: `lacework_tokens` also covers the api and
/// sandbox crates.
fn directives(verbosity: u8) -> &'static str {
    match verbosity {
        0 => "warn",
        1 => "warn,lwtokens=debug,lacework_tokens=debug",
        _ => "warn,lwtokens=trace,lacework_tokens=trace",
    }
}

/// The filter: `RUST_LOG` when it is set (as Rust users expect, e.g. `RUST_LOG=lacework_tokens=trace`),
/// else what `-v` asks for.
fn filter(verbosity: u8) -> EnvFilter {
    match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::new(directives),
        _ => EnvFilter::new(directives(verbosity)),
    }
}

/// Installs the subscriber; `color` only when stderr is a terminal that wants it. Every field
/// (and the message) goes through [`crate::terminal::escape`]: an alias or a server message in
/// a log line must not act on the terminal either.
pub fn init(verbosity: u8, color: bool) {
    tracing_subscriber::fmt()
        .with_env_filter(filter(verbosity))
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .fmt_fields(escaped_fields())
        .init();
}

/// Formats fields as the default formatter does (`name=value`, the message bare, separated by
/// spaces), each escaped.
fn escaped_fields() -> impl for<'w> FormatFields<'w> + Send + Sync + 'static {
    debug_fn(|writer: &mut Writer<'_>, field: &tracing::field::Field, value: &dyn std::fmt::Debug| {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        match field.name() {
            "message" => write!(writer, "{}", crate::terminal::escape(&text)),
            name => write!(writer, "{name}={}", crate::terminal::escape(&text)),
        }
    })
    .delimited(" ")
}
