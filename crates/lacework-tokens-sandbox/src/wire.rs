//! Records as JSON, in the wire forms a sandbox is configured with (see `config::WireForms`).
//! Every answer body the sandbox sends about a token is built here.

use chrono::{DateTime, Utc};
use lacework_tokens_api::types::AgentAccessTokenField as Field;
use serde_json::{Map, Value, json};

use crate::config::{PropsForm, TimestampForm, TokenEnabledForm, WireForms};
use crate::store::{AccessTokenRecord, AccessTokenStatus, AgentTokenRecord};

/// A timestamp in the configured form.
pub fn timestamp(at: DateTime<Utc>, forms: &WireForms) -> String {
    match forms.timestamps {
        TimestampForm::Milliseconds => at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        TimestampForm::Seconds => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// `tokenEnabled` in the configured form.
pub fn token_enabled(enabled: bool, forms: &WireForms) -> Value {
    match forms.token_enabled {
        TokenEnabledForm::String => Value::from(if enabled { "1" } else { "0" }),
        TokenEnabledForm::Integer => Value::from(u8::from(enabled)),
    }
}

fn props(token: &AgentTokenRecord, forms: &WireForms) -> Value {
    let (created, description, os, subscription) = match forms.props {
        PropsForm::JsonString => ("CREATED_TIME", "DESCRIPTION", "OS", "SUBSCRIPTION"),
        PropsForm::Object => ("createdTime", "description", "os", "subscription"),
    };
    let mut map = Map::new();
    map.insert(
        created.to_owned(),
        match forms.props {
            PropsForm::JsonString => Value::from(token.created.timestamp_millis()),
            PropsForm::Object => Value::from(timestamp(token.created, forms)),
        },
    );
    for (key, value) in
        [(description, &token.description), (os, &token.os), (subscription, &token.subscription)]
    {
        if let Some(value) = value {
            map.insert(key.to_owned(), Value::from(value.as_str()));
        }
    }
    match forms.props {
        PropsForm::JsonString => Value::from(Value::Object(map).to_string()),
        PropsForm::Object => Value::Object(map),
    }
}

/// An agent token, with only the `returns` fields when a search asked for some. `props` has no
/// search field of its own and travels only in full rows.
pub fn agent_token(token: &AgentTokenRecord, forms: &WireForms, returns: Option<&[Field]>) -> Value {
    let wanted = |field: Field| returns.is_none_or(|fields| fields.contains(&field));
    let mut row = Map::new();
    if wanted(Field::AccessToken) {
        row.insert("accessToken".into(), Value::from(token.access_token.as_str()));
    }
    if wanted(Field::CreatedTime) {
        row.insert("createdTime".into(), Value::from(timestamp(token.created, forms)));
    }
    if returns.is_none() {
        row.insert("props".into(), props(token, forms));
    }
    if wanted(Field::TokenAlias) {
        row.insert("tokenAlias".into(), Value::from(token.alias.as_str()));
    }
    if wanted(Field::TokenEnabled) {
        row.insert("tokenEnabled".into(), token_enabled(token.enabled, forms));
    }
    if wanted(Field::Version) {
        row.insert("version".into(), Value::from(token.version.as_str()));
    }
    Value::Object(row)
}

/// An access token; `secret` is included only in the answer to a create.
pub fn access_token(token: &AccessTokenRecord, forms: &WireForms, secret: Option<&str>) -> Value {
    let mut value = json!({
        "id": token.id,
        "accessTokenId": token.id,
        "userId": token.user_id,
        "name": token.name,
        "creationDate": timestamp(token.created, forms),
        "lastUpdated": timestamp(token.updated, forms),
        "scope": token.scope,
        "status": match token.status {
            AccessTokenStatus::Active => "active",
            AccessTokenStatus::Inactive => "inactive",
        },
    });
    if let Some(expires) = token.expires {
        value["expirationDate"] = Value::from(timestamp(expires, forms));
    }
    if let Some(secret) = secret {
        value["token"] = Value::from(secret);
    }
    value
}
