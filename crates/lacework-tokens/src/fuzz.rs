//! Entry points for fuzzing: everything that decodes bytes the network sent, in one call. Used by
//! the property tests below (on every `cargo test`) and by the coverage-guided fuzz target in
//! `fuzz/` (see the README's "Fuzzing"). Not part of the API.

use lacework_tokens_api::types;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::call;
use crate::error::scrub;
use crate::models::{AccessToken, AgentToken, AgentTokenRow, NewAccessToken};
use crate::rate_limit::{RateLimitInfo, requested_wait};
use crate::transport::error_body_as_json;

/// Feeds `bytes` to every decoder of answers, as the client would meet them. Must never panic.
pub fn decode_everything(bytes: &[u8]) {
    let models = |bytes: &[u8]| {
        if let Ok(token) = call::decode::<types::AgentAccessTokenResponse>("fuzz", None, bytes) {
            let model = AgentToken::from(token.data);
            let _ = format!("{model:?}");
        }
        if let Ok(list) = call::decode::<types::AgentAccessTokenList>("fuzz", None, bytes) {
            let _: Vec<AgentToken> = list.data.into_iter().map(AgentToken::from).collect();
        }
        if let Ok(rows) = call::decode::<types::AgentAccessTokenSearchResult>("fuzz", None, bytes) {
            let _: Vec<Option<AgentToken>> =
                rows.data.into_iter().map(|r| AgentTokenRow::from(r).into_token()).collect();
        }
        if let Ok(token) = call::decode::<types::AccessToken>("fuzz", None, bytes) {
            let _ = (AccessToken::from(token.clone()), NewAccessToken::from(token));
        }
        if let Ok(list) = call::decode::<types::AccessTokenList>("fuzz", None, bytes) {
            let _: Vec<AccessToken> = list.items.into_iter().map(AccessToken::from).collect();
        }
        let _ = call::decode::<types::ApiToken>("fuzz", None, bytes);
        let _ = call::decode::<types::Success>("fuzz", None, bytes);
        match call::decode::<types::Error>("fuzz", None, bytes) {
            Ok(error) => {
                let _ = error.message.as_deref().map(scrub);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    };
    models(bytes);
    // Error answers that are not JSON are rewritten, then decoded as errors.
    for status in [StatusCode::BAD_REQUEST, StatusCode::BAD_GATEWAY] {
        let rewritten = error_body_as_json(status, std::str::from_utf8(bytes).ok(), bytes.to_vec());
        let error: types::Error = serde_json::from_slice(&rewritten).expect("the rewrite is always an Error");
        let _ = error.message;
    }
    let text = String::from_utf8_lossy(bytes);
    let _ = scrub(&text);
    // Rate-limit headers with whatever values arrive.
    if let Ok(value) = HeaderValue::from_bytes(bytes) {
        let mut headers = HeaderMap::new();
        for name in ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"] {
            headers.insert(HeaderName::from_static(name), value.clone());
        }
        let _ = (RateLimitInfo::from_headers(&headers), requested_wait(&headers));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::decode_everything;

    /// JSON shaped like the API's answers: the right keys, any values.
    fn wire_json() -> impl Strategy<Value = Value> {
        let key = prop::sample::select(vec![
            "data",
            "paging",
            "urls",
            "nextPage",
            "rows",
            "totalRows",
            "accessToken",
            "createdTime",
            "props",
            "tokenAlias",
            "tokenEnabled",
            "version",
            "items",
            "count",
            "id",
            "accessTokenId",
            "userId",
            "name",
            "creationDate",
            "lastUpdated",
            "expirationDate",
            "scope",
            "status",
            "token",
            "expiresAt",
            "success",
            "message",
            "type",
            "ok",
            "CREATED_TIME",
            "DESCRIPTION",
            "OS",
            "SUBSCRIPTION",
            "description",
            "os",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            prop::sample::select(vec![
                "1",
                "0",
                "true",
                "",
                "active",
                "inactive",
                "linux",
                "2020-12-16T16:43:37.915Z",
                "2020-12-16T16:43:37Z",
                "{\"CREATED_TIME\":1598530228648,\"DESCRIPTION\":\"x\"}",
                "{\"CREATED_TIME\":\"x\"}",
                "9999-99-99T99:99:99Z",
                "{"
            ])
            .prop_map(Value::from),
            ".*".prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            decode_everything(&bytes);
        }

        #[test]
        fn api_shaped_json_never_panics(value in wire_json()) {
            decode_everything(value.to_string().as_bytes());
            // Also as the `data` of a single answer and of a list, where the models look.
            decode_everything(json!({"data": value.clone()}).to_string().as_bytes());
            decode_everything(json!({"data": [value.clone()], "items": [value]}).to_string().as_bytes());
        }
    }
}
