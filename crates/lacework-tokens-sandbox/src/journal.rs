//! The journal: what the sandbox received and what it did with it, for tests to read (e.g. that
//! a create happened exactly once, or that a hostile id did not change the request path).
//!
//! It holds raw paths, which may contain agent tokens: it lives in memory for tests and is never
//! logged.

use crate::faults::Fault;

/// One request.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    /// The operationId it was routed to, if any.
    pub operation: Option<&'static str>,
    /// The HTTP method.
    pub method: String,
    /// The path exactly as received (still percent-encoded), with the query if any.
    pub raw_path: String,
    /// The `Account-Name` header, if any.
    pub sub_account: Option<String>,
    /// The API key the request was made with: the bearer's key, or for an exchange that
    /// succeeded, the key exchanged.
    pub key_id: Option<String>,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// Whether the request reached its handler, i.e. its effect (a create, an update) happened
    /// if its status is a success.
    pub processed: bool,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
}

impl JournalEntry {
    /// Whether the request was processed and succeeded: a create that created.
    pub fn took_effect(&self) -> bool {
        self.processed && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}
