//! The state one sandbox shares between its connections: settings, data, faults, rate limits and
//! the journal, behind one lock (requests hold it only for in-memory work, never across I/O).

use std::collections::VecDeque;
use std::sync::atomic::AtomicUsize;
use std::sync::{Mutex, MutexGuard};

use crate::config::{RateLimit, WireForms};
use crate::faults::FaultPlan;
use crate::journal::JournalEntry;
use crate::ratelimit::RateLimiter;
use crate::store::Store;

/// How many journal entries are kept; older ones are dropped so long runs stay small.
pub const JOURNAL_CAPACITY: usize = 100_000;

/// Settings that a test may change while the sandbox runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Answer forms.
    pub forms: WireForms,
    /// Rows per page.
    pub page_size: usize,
    /// Rate limiting.
    pub rate_limit: RateLimit,
}

/// Everything that changes.
#[derive(Debug)]
pub struct Inner {
    /// Settings.
    pub settings: Settings,
    /// Tokens, bearers and pending pages.
    pub store: Store,
    /// Planned faults.
    pub faults: FaultPlan,
    /// Rate-limit windows.
    pub limiter: RateLimiter,
    /// Recent requests, oldest first.
    pub journal: VecDeque<JournalEntry>,
}

/// The shared state of one sandbox.
#[derive(Debug)]
pub struct Shared {
    /// The base URL clients use, e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// The API key id the exchange accepts.
    pub key_id: String,
    /// Its secret.
    pub secret: String,
    /// The user the key belongs to (owner of access tokens).
    pub user_id: String,
    /// Handler panics caught so far (see `panics`).
    pub panics: AtomicUsize,
    inner: Mutex<Inner>,
}

impl Shared {
    /// New state.
    pub fn new(base_url: String, key_id: String, secret: String, user_id: String, inner: Inner) -> Self {
        Self { base_url, key_id, secret, user_id, panics: AtomicUsize::new(0), inner: Mutex::new(inner) }
    }

    /// Locks the state. A panic while it was held cannot leave it half-changed in a way that
    /// matters for a test server, so a poisoned lock is used as is.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends to the journal, dropping the oldest entry when full.
    pub fn record(&self, entry: JournalEntry) {
        let mut inner = self.lock();
        if inner.journal.len() == JOURNAL_CAPACITY {
            inner.journal.pop_front();
        }
        inner.journal.push_back(entry);
    }
}
