//! What the facade needs to know of each request it sends, read from the operation table that
//! is generated from the spec (`lacework_tokens_api::OPERATIONS`): its operationId for spans and
//! errors, whether sending it twice is harmless (which decides every retry), and the rate-limit
//! family it counts against. No operation's facts are restated here: a create added to the spec
//! is not retried because the table says so.

use lacework_tokens_api::operations;

use crate::budget::ApiFamily;

/// Following `paging.urls.nextPage`: not an operation of the spec, a GET in the family of the
/// paged call (only agent-token lists and searches page).
pub(crate) const NEXT_PAGE: &str = "nextPage";

/// The spec's operationId of the request hooks know as `name` (progenitor's snake case).
pub(crate) fn id(name: &'static str) -> &'static str {
    operations::by_name(name).map_or(name, |op| op.id)
}

/// Whether sending the request again is harmless. Anything the table does not know is not
/// repeated, whatever its method.
pub(crate) fn may_repeat(name: &str) -> bool {
    name == NEXT_PAGE || operations::by_name(name).is_some_and(|op| op.repeat_safe)
}

/// The rate-limit family of the request: the service counts one window per functionality, and
/// the spec's tags are those functionalities.
pub(crate) fn family(name: &str) -> ApiFamily {
    match operations::by_name(name).map(|op| op.tag) {
        Some("Auth") => ApiFamily::KeyExchange,
        Some("AccessTokens") => ApiFamily::AccessTokens,
        _ => ApiFamily::AgentAccessTokens,
    }
}

#[cfg(test)]
mod tests {
    use lacework_tokens_api::OPERATIONS;
    use lacework_tokens_api::ops::{CREATE_ACCESS_TOKEN, CREATE_AGENT_ACCESS_TOKEN};

    use super::*;

    #[test]
    fn the_retry_decision_is_the_tables() {
        for op in OPERATIONS {
            assert_eq!(may_repeat(op.name), op.repeat_safe, "{}", op.id);
            assert_eq!(id(op.name), op.id);
        }
        assert!(!may_repeat(CREATE_AGENT_ACCESS_TOKEN.name) && !may_repeat(CREATE_ACCESS_TOKEN.name));
        assert!(may_repeat(NEXT_PAGE));
        assert!(!may_repeat("an_operation_nobody_declared"), "unknown means not repeated");
    }

    #[test]
    fn every_tag_is_a_known_family() {
        // A new tag would otherwise be counted as agent tokens: name its family in `family`.
        for op in OPERATIONS {
            assert!(["Auth", "AgentAccessTokens", "AccessTokens"].contains(&op.tag), "{}: {}", op.id, op.tag);
        }
    }
}
