//! `lwtokens token-cache show|clear`: what the bearer cache holds, and emptying it. Neither
//! needs a connection, and neither ever prints a token.

use lacework_tokens::token_store::FileTokenStore;

use super::Context;
use crate::args::TokenCacheCommand;
use crate::error::CliError;
use crate::render::{CacheListing, Cleared};

/// Runs one token-cache command.
pub fn run(command: TokenCacheCommand, context: &Context) -> Result<(), CliError> {
    let store = FileTokenStore::in_cache_dir()
        .ok_or_else(|| CliError::Usage("no home directory, so there is no token cache".to_owned()))?;
    let unreadable = |e: std::io::Error| {
        CliError::Failed(format!("the token cache {} cannot be read: {e}", store.dir().display()))
    };
    match command {
        TokenCacheCommand::Show => {
            let entries = store.entries().map_err(unreadable)?;
            context.output.print(&CacheListing::new(&store, &entries))
        }
        TokenCacheCommand::Clear => {
            let removed = store.clear().map_err(unreadable)?;
            context.output.print(&Cleared { removed })
        }
    }
}
