//! The operations of the spec as the sandbox routes them, read from the table generated from
//! the spec (`lacework_tokens_api::OPERATIONS`): (method, route) to operationId and rate-limit
//! functionality. The router and the gate both read it.

use axum::http::Method;
use lacework_tokens_api::{OPERATIONS, ops};

/// Route templates, in axum's syntax (the spec's paths: axum 0.8 writes parameters as `{id}` too).
pub mod route {
    use lacework_tokens_api::ops;

    /// The key-for-bearer exchange.
    pub const API_TOKEN: &str = ops::CREATE_API_TOKEN.path;
    /// Agent tokens: list and create.
    pub const AGENT_TOKENS: &str = ops::LIST_AGENT_ACCESS_TOKENS.path;
    /// Agent tokens: search.
    pub const AGENT_SEARCH: &str = ops::SEARCH_AGENT_ACCESS_TOKENS.path;
    /// One agent token.
    pub const AGENT_TOKEN: &str = ops::GET_AGENT_ACCESS_TOKEN.path;
    /// Access tokens: list and create.
    pub const ACCESS_TOKENS: &str = ops::LIST_ACCESS_TOKENS.path;
    /// One access token.
    pub const ACCESS_TOKEN: &str = ops::GET_ACCESS_TOKEN.path;
    /// The next page of a paged answer (the target of `paging.urls.nextPage`): the sandbox's own.
    pub const NEXT_PAGE: &str = "/api/v2/_pages/{cursor}";
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    /// The rate-limit bucket it counts against: the operation's tag, as the service counts one
    /// window per functionality.
    pub functionality: &'static str,
}

impl Operation {
    /// Whether its errors take the typed `{type, message}` shape: the access-token operations'.
    pub fn typed_errors(self) -> bool {
        self.functionality == ops::LIST_ACCESS_TOKENS.tag
    }
}

/// The operation a request with this method and matched route is, from the generated table.
pub fn operation(method: &Method, route: &str) -> Option<Operation> {
    OPERATIONS
        .iter()
        .find(|op| op.method == method.as_str() && op.path == route)
        .map(|op| Operation { id: op.id, functionality: op.tag })
}

/// Whether a request needs a bearer token: every operation but the exchange, and next pages.
/// A wrong method on a known route needs none, so that it is answered 405, not 401.
pub fn needs_bearer(method: &Method, route: Option<&str>, operation: Option<Operation>) -> bool {
    match operation {
        Some(operation) => operation.id != ops::CREATE_API_TOKEN.id,
        None => method == Method::GET && route == Some(route::NEXT_PAGE),
    }
}

/// The rate-limit bucket of a route that is not an operation: next pages count as the agent
/// tokens they list.
pub fn functionality_of(_route: &str) -> &'static str {
    ops::LIST_AGENT_ACCESS_TOKENS.tag
}
