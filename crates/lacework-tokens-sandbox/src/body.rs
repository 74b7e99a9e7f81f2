//! Reading request bodies: at most 1 MB (the service refuses more with 400), JSON, into the
//! spec's generated request types, so that wrong types and forbidden extra fields are refused
//! exactly as the spec says.

use axum::body::Body;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body the service accepts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads and parses a JSON body.
pub async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::bad_request("request body is larger than 1 MB, or could not be read"))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}
