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

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;
    use crate::config::{RateLimit, WireForms};
    use crate::state::{Inner, Settings};

    #[tokio::test]
    async fn a_panicking_handler_is_answered_500_and_counted() {
        let inner = Inner {
            settings: Settings {
                forms: WireForms::default(),
                page_size: 10,
                rate_limit: RateLimit::default(),
            },
            store: Default::default(),
            faults: Default::default(),
            limiter: Default::default(),
            journal: VecDeque::new(),
        };
        let shared = Arc::new(Shared::new(String::new(), String::new(), String::new(), String::new(), inner));
        let panicking: fn() -> std::future::Ready<&'static str> = || panic!("a handler bug");
        let router = Router::new()
            .route("/boom", get(panicking))
            .route("/fine", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(shared.clone(), catch));
        let call = |path: &'static str| {
            let router = router.clone();
            async move { router.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap().status() }
        };
        assert_eq!(call("/fine").await, StatusCode::OK);
        assert_eq!(shared.panics.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!(call("/boom").await, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(shared.panics.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
