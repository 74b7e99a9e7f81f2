//! `lwtokens token-cache show|clear`: what the bearer cache holds, and emptying it. Neither
//! needs a connection, and neither ever prints a token.

use chrono::Utc;
use lacework_tokens::token_store::{CachedBearer, FileTokenStore};
use serde::Serialize;

use super::Context;
use crate::args::TokenCacheCommand;
use crate::error::CliError;
use crate::render::{TableStyle, View};
use crate::terminal::escape;

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

/// `token-cache show`.
#[derive(Serialize)]
struct CacheListing {
    directory: String,
    bearers: Vec<CacheEntry>,
}

#[derive(Serialize)]
struct CacheEntry {
    base_url: String,
    sub_account: Option<String>,
    key_id: String,
    expires_at: chrono::DateTime<Utc>,
    expired: bool,
}

impl CacheListing {
    fn new(store: &FileTokenStore, entries: &[CachedBearer]) -> Self {
        let now = Utc::now();
        let bearers = entries
            .iter()
            .map(|entry| CacheEntry {
                base_url: entry.key.base_url.clone(),
                sub_account: entry.key.sub_account.clone(),
                key_id: entry.key.key_id.clone(),
                expires_at: entry.expires_at,
                expired: entry.expires_at <= now,
            })
            .collect();
        CacheListing { directory: store.dir().display().to_string(), bearers }
    }
}

impl View for CacheListing {
    fn table(&self, _style: &TableStyle) -> String {
        // A cache file is the user's own, but may have been edited: escape what it says.
        let mut text = format!("token cache: {}\n", escape(&self.directory));
        if self.bearers.is_empty() {
            text.push_str("no cached bearer tokens\n");
        }
        for bearer in &self.bearers {
            let sub_account = bearer
                .sub_account
                .as_deref()
                .map(|s| format!(" sub-account {}", escape(s)))
                .unwrap_or_default();
            let left = bearer.expires_at - Utc::now();
            let when = if bearer.expired {
                "expired".to_owned()
            } else {
                format!(
                    "expires {} (in {} min)",
                    bearer.expires_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    left.num_minutes()
                )
            };
            text.push_str(&format!(
                "{}{sub_account} API key {}: {when}\n",
                escape(&bearer.base_url),
                escape(&bearer.key_id)
            ));
        }
        text
    }
}

/// `token-cache clear`.
#[derive(Serialize)]
struct Cleared {
    removed: usize,
}

impl View for Cleared {
    fn table(&self, _style: &TableStyle) -> String {
        format!("removed {} cached bearer token{}\n", self.removed, if self.removed == 1 { "" } else { "s" })
    }
}
