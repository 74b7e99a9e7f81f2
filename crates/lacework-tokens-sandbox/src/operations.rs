//! The operations of the spec as the sandbox routes them: one table from (method, route) to
//! operationId and rate-limit functionality. The router and the gate both read it.

use axum::http::Method;

/// Route templates, in axum's syntax.
pub mod route {
    /// The key-for-bearer exchange.
    pub const API_TOKEN: &str = "/api/v2/access/tokens";
    /// Agent tokens: list and create.
    pub const AGENT_TOKENS: &str = "/api/v2/AgentAccessTokens";
    /// Agent tokens: search.
    pub const AGENT_SEARCH: &str = "/api/v2/AgentAccessTokens/search";
    /// One agent token.
    pub const AGENT_TOKEN: &str = "/api/v2/AgentAccessTokens/{id}";
    /// Access tokens: list and create.
    pub const ACCESS_TOKENS: &str = "/api/v2/AccessTokens";
    /// One access token.
    pub const ACCESS_TOKEN: &str = "/api/v2/AccessTokens/{accessTokenId}";
    /// The next page of a paged answer (the target of `paging.urls.nextPage`).
    pub const NEXT_PAGE: &str = "/api/v2/_pages/{cursor}";
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    /// The rate-limit bucket it counts against.
    pub functionality: &'static str,
}

const AUTH: &str = "auth";
const AGENT: &str = "agentAccessTokens";
const ACCESS: &str = "accessTokens";

/// Every operation of the spec: (method, route, operationId, functionality).
pub const OPERATIONS: [(Method, &str, &str, &str); 11] = [
    (Method::POST, route::API_TOKEN, "createApiToken", AUTH),
    (Method::POST, route::AGENT_TOKENS, "createAgentAccessToken", AGENT),
    (Method::GET, route::AGENT_TOKENS, "listAgentAccessTokens", AGENT),
    (Method::POST, route::AGENT_SEARCH, "searchAgentAccessTokens", AGENT),
    (Method::GET, route::AGENT_TOKEN, "getAgentAccessToken", AGENT),
    (Method::PATCH, route::AGENT_TOKEN, "updateAgentAccessToken", AGENT),
    (Method::GET, route::ACCESS_TOKENS, "listAccessTokens", ACCESS),
    (Method::POST, route::ACCESS_TOKENS, "createAccessToken", ACCESS),
    (Method::GET, route::ACCESS_TOKEN, "getAccessToken", ACCESS),
    (Method::PATCH, route::ACCESS_TOKEN, "patchAccessToken", ACCESS),
    (Method::DELETE, route::ACCESS_TOKEN, "deleteAccessToken", ACCESS),
];

/// The operation a request with this method and matched route is.
pub fn operation(method: &Method, route: &str) -> Option<Operation> {
    OPERATIONS
        .iter()
        .find(|(m, r, _, _)| m == method && *r == route)
        .map(|&(_, _, id, functionality)| Operation { id, functionality })
}

/// Whether a request needs a bearer token: every operation but the exchange, and next pages.
/// A wrong method on a known route needs none, so that it is answered 405, not 401.
pub fn needs_bearer(method: &Method, route: Option<&str>, operation: Option<Operation>) -> bool {
    match operation {
        Some(operation) => operation.id != "createApiToken",
        None => method == Method::GET && route == Some(route::NEXT_PAGE),
    }
}

/// The rate-limit bucket of a route that is not an operation (next pages count as agent tokens).
pub fn functionality_of(route: &str) -> &'static str {
    if route.starts_with("/api/v2/AccessTokens") { ACCESS } else { AGENT }
}
