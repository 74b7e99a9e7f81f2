//! Reading request bodies into the spec's generated request types. `validate` has already
//! checked the body against the spec's schema (and its size), so a failure here is a schema the
//! generated type reads more strictly than JSON Schema does; it is still a 400.

use axum::body::Body;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

use lacework_tokens_api::rules::MAX_BODY_BYTES;

/// Reads and parses a JSON body.
pub async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::bad_request("request body is larger than 1 MB, or could not be read"))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}
