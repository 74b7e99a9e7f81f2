//! The router: one handler per operation of the spec, plus `GET /` (readiness) and the target of
//! `paging.urls.nextPage`. Every route passes through the gate (`crate::gate`).

mod access_tokens;
mod agent_tokens;
mod api_token;
mod pages;
mod path_id;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::operations::route;
use crate::state::Shared;

/// The sandbox's router.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(|| async { "lacework-tokens-sandbox\n" }))
        .route(route::API_TOKEN, post(api_token::create))
        .route(route::AGENT_TOKENS, post(agent_tokens::create).get(agent_tokens::list))
        .route(route::AGENT_SEARCH, post(agent_tokens::search))
        .route(route::AGENT_TOKEN, get(agent_tokens::get).patch(agent_tokens::update))
        .route(route::ACCESS_TOKENS, get(access_tokens::list).post(access_tokens::create))
        .route(
            route::ACCESS_TOKEN,
            get(access_tokens::get).patch(access_tokens::patch).delete(access_tokens::delete),
        )
        .route(route::NEXT_PAGE, get(pages::next))
        .method_not_allowed_fallback(|| async {
            ApiError {
                status: StatusCode::METHOD_NOT_ALLOWED,
                kind: None,
                message: "method not allowed".into(),
            }
        })
        .fallback(|| async { ApiError::not_found("no such resource") })
        // Innermost first: panics are caught around the handler and the checks, the spec's
        // request checks run after the gate (so 401 and 429 come before 400).
        .layer(axum::middleware::from_fn(crate::validate::validate))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::panics::catch))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::gate::gate))
        .with_state(shared)
}
