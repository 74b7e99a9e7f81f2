//! The models users handle, built from the wire types in every form the API sends them.

mod access_token;
mod agent_token;

pub use access_token::{AccessToken, AccessTokenId, NewAccessToken, Status};
pub use agent_token::{AgentToken, AgentTokenId, AgentTokenRow, Os, Subscription};

use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// A bearer token issued by the key exchange (see [`Client::issue_bearer_token`](crate::Client::issue_bearer_token)).
#[derive(Clone, Debug)]
pub struct BearerToken {
    /// The token (`Authorization: Bearer <token>`).
    pub token: SecretString,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}
