//! `api-token`: a bearer token, alone on its line so `$(lwtokens api-token)` is the token, or
//! with its expiry in JSON.

use lacework_tokens::{BearerToken, ExposeSecret};
use schemars::JsonSchema;
use serde::Serialize;

use super::table::TableStyle;
use super::{View, time};

/// A bearer token (docs/json.md, "Bearer token").
#[derive(Serialize, JsonSchema)]
pub struct BearerTokenView {
    /// The bearer token, for `Authorization: Bearer ...` (or LW_API_TOKEN).
    token: String,
    /// When it expires.
    #[serde(serialize_with = "time::serialize")]
    #[schemars(with = "Option<chrono::DateTime<chrono::Utc>>")]
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BearerTokenView {
    /// The view of an issued token.
    pub fn new(bearer: &BearerToken) -> BearerTokenView {
        BearerTokenView {
            token: bearer.token.expose_secret().to_owned(),
            expires_at: Some(bearer.expires_at),
        }
    }
}

impl View for BearerTokenView {
    fn table(&self, _style: &TableStyle) -> String {
        // The client refuses a bearer with control characters; escaped all the same.
        format!("{}\n", crate::terminal::escape(&self.token))
    }
}
