//! Error answers: Lacework operations answer `{"message": ...}`, the access-token operations
//! `{"type": ..., "message": ...}`, as the access-token API documents; both are the spec's `Error` schema.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The `type` field, for access-token operations.
    pub kind: Option<&'static str>,
    /// What went wrong, for the caller.
    pub message: String,
}

impl ApiError {
    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, kind: None, message: message.into() }
    }

    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self { status: StatusCode::NOT_FOUND, kind: None, message: message.into() }
    }

    /// 401 with a message.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self { status: StatusCode::UNAUTHORIZED, kind: None, message: message.into() }
    }

    /// Adds the `type` field that the access-token operations send.
    pub fn typed(mut self) -> Self {
        self.kind = Some(match self.status {
            StatusCode::BAD_REQUEST => "BadRequest",
            StatusCode::UNAUTHORIZED => "Unauthorized",
            StatusCode::NOT_FOUND => "NotFound",
            StatusCode::TOO_MANY_REQUESTS => "TooManyRequests",
            _ => "InternalError",
        });
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.kind {
            Some(kind) => json!({"type": kind, "message": self.message}),
            None => json!({"message": self.message}),
        };
        (self.status, Json(body)).into_response()
    }
}
