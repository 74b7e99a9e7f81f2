//! Panics in handlers: caught, answered 500 (the spec's 5XX error body), and counted, so that a
//! test harness can fail any test during which a handler panicked (`Sandbox::panics`).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use crate::error::ApiError;
use crate::state::Shared;

/// The middleware.
pub async fn catch(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            shared.panics.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                kind: None,
                message: "internal error: the sandbox panicked".to_owned(),
            }
            .into_response()
        }
    }
}
