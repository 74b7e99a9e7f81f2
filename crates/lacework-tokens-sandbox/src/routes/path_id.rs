//! The id in a resource path, percent-decoded; an id that does not decode to UTF-8 is a 400 with
//! the usual JSON error body (axum's own rejection would answer plain text).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::error::ApiError;

/// The `{id}` or `{accessTokenId}` of the route.
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_request("the id in the path is not percent-encoded UTF-8"))?;
        Ok(PathId(id))
    }
}
