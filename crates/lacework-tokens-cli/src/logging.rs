//! `-v`/`-vv`: tracing output on stderr, from this binary and the lacework-tokens crates only.
//!
//! Other crates stay at warnings even at `-vv`: what they might trace (connection details, raw
//! bytes) is not theirs to vouch for, while the facade's spans and events are written to carry
//! no secret.

use tracing_subscriber::EnvFilter;

/// What each `-v` count shows. Targets are prefixes: `lacework_tokens` also covers the api and
/// sandbox crates.
fn directives(verbosity: u8) -> &'static str {
    match verbosity {
        0 => "warn",
        1 => "warn,lwtokens=debug,lacework_tokens=debug",
        _ => "warn,lwtokens=trace,lacework_tokens=trace",
    }
}

/// Installs the subscriber; `color` only when stderr is a terminal that wants it.
pub fn init(verbosity: u8, color: bool) {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(directives(verbosity)))
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .init();
}
