//! `POST /api/v2/access/tokens`: the key-for-bearer exchange.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use lacework_tokens_api::types::ApiTokenRequest;
use serde_json::{Value, json};

use crate::body::read_json;
use crate::error::ApiError;
use crate::gate::ExchangedKey;
use crate::state::Shared;
use crate::store::Bearer;
use crate::{random, wire};

/// The lifetime a bearer gets when none is asked for (the spec bounds `expiryTime`, checked in
/// `validate`).
const DEFAULT_EXPIRY_SECS: u32 = 3_600;

pub async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Extension<ExchangedKey>, Json<Value>), ApiError> {
    let secret = headers.get("x-lw-uaks").and_then(|v| v.to_str().ok());
    let request: ApiTokenRequest = read_json(body).await?;
    let expiry = request.expiry_time.map_or(DEFAULT_EXPIRY_SECS, |e| e.get());
    // One message for both: which half of the credentials was wrong is not the caller's business.
    if request.key_id.as_str() != shared.key_id || secret != Some(shared.secret.as_str()) {
        return Err(ApiError::unauthorized("invalid API key id or secret"));
    }
    let token = format!("_{}", random::hex(24));
    let lifetime = Duration::from_secs(expiry.into());
    let expires_at = chrono::Utc::now() + lifetime;
    let forms = {
        let mut inner = shared.lock();
        let expires = Instant::now() + lifetime;
        inner.store.bearers.retain(|_, b| b.expires > Instant::now());
        inner.store.bearers.insert(token.clone(), Bearer { key_id: shared.key_id.clone(), expires });
        inner.settings.forms
    };
    let body = json!({"token": token, "expiresAt": wire::timestamp(expires_at, &forms)});
    Ok((StatusCode::CREATED, Extension(ExchangedKey(shared.key_id.clone())), Json(body)))
}
