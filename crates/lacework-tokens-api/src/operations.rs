//! The API's operations as data: for each, its ids, HTTP method, path, tag, and whether sending
//! it twice is harmless. The table itself, [`OPERATIONS`](crate::OPERATIONS), is generated from
//! the spec with the client, so no operation name or fact needs to be typed anywhere else.
//!
//! Whether repeating an operation is safe comes from its HTTP method where RFC 9110 makes the
//! method idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE); for POST and PATCH, from the
//! operation's `x-idempotent` extension in the spec; an operation that does not say is not safe
//! to repeat. A retry policy must never resend an operation that is not.

use crate::OPERATIONS;

/// One operation of the API, as the spec declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The spec's operationId, e.g. `createAgentAccessToken`.
    pub id: &'static str,
    /// The operationId in snake case, as progenitor names the builder method and as
    /// [`RequestHooks`](crate::RequestHooks) receive it, e.g. `create_agent_access_token`.
    pub name: &'static str,
    /// The HTTP method, upper case, e.g. `POST`.
    pub method: &'static str,
    /// The path template, e.g. `/api/v2/AgentAccessTokens/{id}`.
    pub path: &'static str,
    /// The operation's tag, which names its `Client*Ext` trait.
    pub tag: &'static str,
    /// Whether sending the operation twice has the same effect as sending it once.
    pub repeat_safe: bool,
}

/// The operation progenitor names `name` (snake case, as hooks see it).
pub fn by_name(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

/// The operation whose operationId is `id`.
pub fn by_id(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}
