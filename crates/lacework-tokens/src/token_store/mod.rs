//! Where bearer tokens live between calls and between processes: the [`TokenStore`] trait, the
//! key a bearer is stored under, and (with the `file-token-store` feature) [`FileTokenStore`].
//!
//! A client always keeps its current bearer in memory. A store is the layer below: a bearer
//! issued by one process is reused by the next, so a CI job of ten commands does one key
//! exchange, not ten. The trait is shaped for shared backends too (a fleet of runners sharing
//! one account's bearer through a network store): each method is async, and
//! [`lock`](TokenStore::lock) is the one place where "only one of us exchanges" is decided.
//!
//! A store never fails a call: what it cannot read or write it reports as a warning and the
//! client goes on with a fresh exchange.

#[cfg(feature = "file-token-store")]
mod file;

use std::fmt;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use secrecy::SecretString;

#[cfg(feature = "file-token-store")]
pub use file::{CachedBearer, FileTokenStore};

/// Who a bearer belongs to: the API it was issued by, the sub-account it is used for and the
/// API key it was exchanged for. Never the secret, which is not stored anywhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// The base URL, e.g. `https://acme.lacework.net`: a bearer is never sent to another.
    pub base_url: String,
    /// The sub-account (`Account-Name`), if any.
    pub sub_account: Option<String>,
    /// The API key id.
    pub key_id: String,
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API key {} at {}", self.key_id, self.base_url)?;
        match &self.sub_account {
            Some(sub_account) => write!(f, " (sub-account {sub_account})"),
            None => Ok(()),
        }
    }
}

/// A bearer as a store keeps it.
#[derive(Clone)]
pub struct StoredToken {
    /// The bearer itself.
    pub token: SecretString,
    /// When the client received it (wall clock: stores outlive processes).
    pub issued_at: DateTime<Utc>,
    /// When it stops working: the shorter of the lifetime asked for and the server's `expiresAt`.
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("token", &"[redacted]")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Held while one process exchanges the key for `key`; dropping it lets the others in.
pub struct ExchangeGuard(#[allow(dead_code)] Option<Box<dyn Send + Sync>>);

impl ExchangeGuard {
    /// A guard that holds `lock` (a file lock, a lease in a shared store) until it is dropped.
    pub fn holding(lock: impl Send + Sync + 'static) -> Self {
        ExchangeGuard(Some(Box::new(lock)))
    }

    /// A guard that holds nothing: the store could not lock, and says so itself.
    pub fn unlocked() -> Self {
        ExchangeGuard(None)
    }
}

/// Where bearers are kept between uses. Implementations report their own problems (as tracing
/// warnings) and answer as if empty: a store must never fail or slow down a call for long.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The bearer stored for `key`, whatever its age (the client checks expiry and plausibility).
    fn load<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Option<StoredToken>>;

    /// Stores a fresh bearer for `key`, replacing what was there.
    fn save<'a>(&'a self, key: &'a TokenKey, token: &'a StoredToken) -> BoxFuture<'a, ()>;

    /// Forgets the bearer for `key` if it is still `rejected` (the server refused it); a newer
    /// one, saved meanwhile by another process, stays.
    fn discard<'a>(&'a self, key: &'a TokenKey, rejected: &'a SecretString) -> BoxFuture<'a, ()>;

    /// Waits for the right to exchange the key for `key`, so that processes started together do
    /// one exchange between them: the first exchanges and saves, the others find its bearer.
    fn lock<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, ExchangeGuard>;
}
