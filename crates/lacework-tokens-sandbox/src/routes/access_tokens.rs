//! API access tokens: list, create, get, patch and delete. Their errors carry a `type`.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use lacework_tokens_api::types::{self, AccessTokenPatch, AccessTokenPost};
use serde_json::{Value, json};

use super::path_id::PathId;
use crate::body::read_json;
use crate::error::ApiError;
use crate::gate::Caller;
use crate::state::Shared;
use crate::store::{AccessTokenRecord, AccessTokenStatus};
use crate::{random, store, wire};

type Answer = Result<(StatusCode, Json<Value>), ApiError>;

fn status(status: types::AccessTokenStatus) -> AccessTokenStatus {
    match status {
        types::AccessTokenStatus::Active => AccessTokenStatus::Active,
        types::AccessTokenStatus::Inactive => AccessTokenStatus::Inactive,
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("accessToken not found").typed()
}

/// The id in the path. The spec allows any non-empty string (checked in `validate`); one the
/// sandbox never issued is simply not found.
fn checked_id(id: Result<PathId, ApiError>) -> Result<String, ApiError> {
    id.map(|PathId(id)| id).map_err(ApiError::typed)
}

/// `GET /api/v2/AccessTokens`
pub async fn list(State(shared): State<Arc<Shared>>, Extension(caller): Extension<Caller>) -> Answer {
    let mut inner = shared.lock();
    let forms = inner.settings.forms;
    let tokens = &inner.store.account(&caller.sub_account).access_tokens;
    let items: Vec<Value> = tokens.iter().map(|t| wire::access_token(t, &forms, None)).collect();
    Ok((StatusCode::OK, Json(json!({"count": items.len(), "items": items}))))
}

/// `POST /api/v2/AccessTokens`: the answer carries the token's secret, this once.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Answer {
    let request: AccessTokenPost = read_json(body).await.map_err(ApiError::typed)?;
    let now = store::now();
    let record = AccessTokenRecord {
        id: random::object_id(),
        user_id: shared.user_id.clone(),
        name: request.name.to_string(),
        created: now,
        updated: now,
        expires: request.expiration_date,
        scope: request.scope,
        status: request.status.map_or(AccessTokenStatus::Active, status),
    };
    let secret = random::hex(32);
    let mut inner = shared.lock();
    let body = wire::access_token(&record, &inner.settings.forms, Some(&secret));
    inner.store.account(&caller.sub_account).access_tokens.push(record);
    Ok((StatusCode::CREATED, Json(body)))
}

/// `GET /api/v2/AccessTokens/{accessTokenId}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<PathId, ApiError>,
) -> Answer {
    let id = checked_id(id)?;
    let mut inner = shared.lock();
    let forms = inner.settings.forms;
    let token = inner.store.account(&caller.sub_account).access_token(&id).ok_or_else(not_found)?;
    Ok((StatusCode::OK, Json(wire::access_token(token, &forms, None))))
}

/// `PATCH /api/v2/AccessTokens/{accessTokenId}`: name and status only.
pub async fn patch(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<PathId, ApiError>,
    body: Body,
) -> Answer {
    let id = checked_id(id)?;
    let request: AccessTokenPatch = read_json(body).await.map_err(ApiError::typed)?;
    let mut inner = shared.lock();
    let forms = inner.settings.forms;
    let token = inner.store.account(&caller.sub_account).access_token_mut(&id).ok_or_else(not_found)?;
    if let Some(name) = request.name {
        token.name = name.to_string();
    }
    if let Some(new_status) = request.status {
        token.status = status(new_status);
    }
    token.updated = store::now();
    Ok((StatusCode::OK, Json(wire::access_token(token, &forms, None))))
}

/// `DELETE /api/v2/AccessTokens/{accessTokenId}`
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<PathId, ApiError>,
) -> Answer {
    let id = checked_id(id)?;
    let mut inner = shared.lock();
    let tokens = &mut inner.store.account(&caller.sub_account).access_tokens;
    let index = tokens.iter().position(|t| t.id == id).ok_or_else(not_found)?;
    tokens.remove(index);
    Ok((StatusCode::OK, Json(json!({"success": true}))))
}
