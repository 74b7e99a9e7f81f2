//! Request checks against the spec: every request that reaches a handler has path parameters,
//! header parameters and a body that the spec's schemas for its operation allow (checked by
//! `lacework_tokens_contract::check_request`, with the spec compiled in). Nothing here restates a
//! schema; the few rules a schema cannot state are in `lacework_tokens_api::rules`.
//!
//! A violation is a 400 naming the parameter or body member, before any handler runs, so a bad
//! request changes nothing.

use axum::body::Body;
use axum::extract::{MatchedPath, RawPathParams, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lacework_tokens_api::rules::MAX_BODY_BYTES;
use serde_json::Value;

use crate::error::ApiError;
use crate::operations;

/// The middleware: checks the request, then hands it on with its body intact.
pub async fn validate(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let Some(operation) = route.as_deref().and_then(|r| operations::operation(request.method(), r)) else {
        return next.run(request).await;
    };
    let typed = |e: ApiError| if operation.typed_errors() { e.typed() } else { e };
    let (mut parts, body) = request.into_parts();
    let params = match axum::RequestPartsExt::extract::<RawPathParams>(&mut parts).await {
        Ok(params) => params,
        Err(_) => {
            return typed(ApiError::bad_request("path: a parameter is not percent-encoded UTF-8"))
                .into_response();
        }
    };
    let path: Vec<(&str, &str)> = params.iter().collect();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return typed(ApiError::bad_request("body: larger than 1 MB, or could not be read"))
                .into_response();
        }
    };
    let json = if bytes.is_empty() || !lacework_tokens_contract::takes_body(operation.id) {
        None
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(json) => Some(json),
            Err(e) => return typed(ApiError::bad_request(format!("body: not JSON: {e}"))).into_response(),
        }
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(violation) =
        lacework_tokens_contract::check_request(operation.id, &path, header, json.as_ref())
    {
        return typed(ApiError::bad_request(violation.to_string())).into_response();
    }
    drop(params);
    // JSON Schema counts 60.0 as an integer; the generated types would not read it as one.
    let bytes = match json {
        Some(mut json) => {
            if integral_floats_to_integers(&mut json) {
                serde_json::to_vec(&json).map_or(bytes, Into::into)
            } else {
                bytes
            }
        }
        None => bytes,
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Rewrites every number with no fractional part (`60.0`) as an integer (`60`), as JSON Schema
/// reads it; says whether it changed anything.
fn integral_floats_to_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                *value = Value::from(f as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => {
            items.iter_mut().fold(false, |changed, v| integral_floats_to_integers(v) | changed)
        }
        Value::Object(map) => {
            map.values_mut().fold(false, |changed, v| integral_floats_to_integers(v) | changed)
        }
        _ => false,
    }
}
