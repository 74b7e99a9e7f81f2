//! Agent access tokens: create, list, search, details and update.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use lacework_tokens_api::types::{
    AgentAccessTokenCreate, AgentAccessTokenPropsInput, AgentAccessTokenSearch, AgentAccessTokenUpdate,
    TokenEnabled, TokenEnabledString,
};
use serde_json::{Value, json};

use super::pages::first_page;
use super::path_id::PathId;
use crate::body::read_json;
use crate::error::ApiError;
use crate::gate::Caller;
use crate::state::Shared;
use crate::store::AgentTokenRecord;
use crate::{random, search, store, wire};

type Answer = Result<(StatusCode, Json<Value>), ApiError>;

/// `tokenEnabled` in any of its wire forms, as a bool.
fn enabled(value: &TokenEnabled) -> bool {
    match value {
        TokenEnabled::String(s) => *s == TokenEnabledString::X1,
        TokenEnabled::Integer(i) => **i == 1,
        TokenEnabled::Boolean(b) => *b,
    }
}

fn apply_props(record: &mut AgentTokenRecord, props: Option<AgentAccessTokenPropsInput>) {
    let Some(props) = props else { return };
    if let Some(description) = props.description {
        record.description = Some(description);
    }
    if let Some(os) = props.os {
        record.os = Some(os.to_string());
    }
    if let Some(subscription) = props.subscription {
        record.subscription = Some(subscription.to_string());
    }
}

/// `POST /api/v2/AgentAccessTokens`
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Answer {
    let request: AgentAccessTokenCreate = read_json(body).await?;
    let mut record = AgentTokenRecord {
        access_token: random::agent_token(),
        alias: request.token_alias.to_string(),
        enabled: request.token_enabled.as_ref().is_none_or(enabled),
        created: store::now(),
        description: None,
        os: None,
        subscription: None,
        version: "0.1".to_owned(),
    };
    apply_props(&mut record, request.props);
    let mut inner = shared.lock();
    let row = wire::agent_token(&record, &inner.settings.forms, None);
    inner.store.account(&caller.sub_account).insert_agent_token(record);
    Ok((StatusCode::CREATED, Json(json!({"data": row}))))
}

/// `GET /api/v2/AgentAccessTokens`
pub async fn list(State(shared): State<Arc<Shared>>, Extension(caller): Extension<Caller>) -> Answer {
    let rows: Vec<Value> = {
        let mut inner = shared.lock();
        let forms = inner.settings.forms;
        let account = inner.store.account(&caller.sub_account);
        account.agent_tokens().iter().map(|t| wire::agent_token(t, &forms, None)).collect()
    };
    Ok((StatusCode::OK, Json(first_page(&shared, &caller, rows))))
}

/// `POST /api/v2/AgentAccessTokens/search`
pub async fn search(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Answer {
    let request: AgentAccessTokenSearch = read_json(body).await?;
    let returns = (!request.returns.is_empty()).then_some(request.returns.as_slice());
    let rows: Vec<Value> = {
        let mut inner = shared.lock();
        let forms = inner.settings.forms;
        let account = inner.store.account(&caller.sub_account);
        let hits = search::matching(account.agent_tokens(), &request).map_err(ApiError::bad_request)?;
        hits.into_iter().map(|t| wire::agent_token(t, &forms, returns)).collect()
    };
    Ok((StatusCode::OK, Json(first_page(&shared, &caller, rows))))
}

/// `GET /api/v2/AgentAccessTokens/{id}`
pub async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
) -> Answer {
    let mut inner = shared.lock();
    let forms = inner.settings.forms;
    let token = inner.store.account(&caller.sub_account).agent_token(&id).ok_or_else(not_found)?;
    Ok((StatusCode::OK, Json(json!({"data": wire::agent_token(token, &forms, None)}))))
}

/// `PATCH /api/v2/AgentAccessTokens/{id}`: changes only the fields present.
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    PathId(id): PathId,
    body: Body,
) -> Answer {
    let request: AgentAccessTokenUpdate = read_json(body).await?;
    let mut inner = shared.lock();
    let forms = inner.settings.forms;
    let token = inner.store.account(&caller.sub_account).agent_token_mut(&id).ok_or_else(not_found)?;
    if let Some(alias) = request.token_alias {
        token.alias = alias.to_string();
    }
    if let Some(value) = &request.token_enabled {
        token.enabled = enabled(value);
    }
    apply_props(token, request.props);
    Ok((StatusCode::OK, Json(json!({"data": wire::agent_token(token, &forms, None)}))))
}

fn not_found() -> ApiError {
    // The id is a secret: the message does not repeat it.
    ApiError::not_found("no agent access token with that id")
}
