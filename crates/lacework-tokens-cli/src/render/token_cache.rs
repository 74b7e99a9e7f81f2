//! What the bearer cache holds (`token-cache show`) and how many bearers `clear` removed. No
//! view here ever holds a token.

use chrono::Utc;
use lacework_tokens::token_store::{CachedBearer, FileTokenStore};
use schemars::JsonSchema;
use serde::Serialize;

use super::{TableStyle, View};
use crate::terminal::escape;

/// `token-cache show`.
#[derive(Serialize, JsonSchema)]
pub struct CacheListing {
    /// The directory of the cache file.
    directory: String,
    /// One entry per account, sub-account and API key.
    bearers: Vec<CacheEntry>,
}

/// One cached bearer, without the bearer.
#[derive(Serialize, JsonSchema)]
struct CacheEntry {
    /// The API's base URL.
    base_url: String,
    /// The sub-account, if any.
    sub_account: Option<String>,
    /// The API key id the bearer was exchanged for.
    key_id: String,
    /// When the bearer expires.
    expires_at: chrono::DateTime<Utc>,
    /// Whether it has expired (an expired bearer is never used).
    expired: bool,
}

impl CacheListing {
    /// The view of `entries`, the content of `store`.
    pub fn new(store: &FileTokenStore, entries: &[CachedBearer]) -> Self {
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
#[derive(Serialize, JsonSchema)]
pub struct Cleared {
    /// How many cached bearers were removed.
    pub removed: usize,
}

impl View for Cleared {
    fn table(&self, _style: &TableStyle) -> String {
        format!("removed {} cached bearer token{}\n", self.removed, if self.removed == 1 { "" } else { "s" })
    }
}
