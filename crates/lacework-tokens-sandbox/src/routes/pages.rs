//! Paged answers: the first page goes out with the answer, the rest wait here under a cursor that
//! `paging.urls.nextPage` names, for a GET with the same authorization.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::gate::Caller;
use crate::operations::route;
use crate::random;
use crate::state::Shared;
use crate::store::PendingPages;

/// The answer for `rows`: all of them, or the first page and a `paging` block to the rest.
pub fn first_page(shared: &Shared, caller: &Caller, rows: Vec<Value>) -> Value {
    let page_size = shared.lock().settings.page_size.max(1);
    if rows.len() <= page_size {
        return json!({"data": rows});
    }
    let total_rows = rows.len();
    page(shared, PendingPages { rows, total_rows, key_id: caller.key_id.clone() }, page_size)
}

/// Takes one page off `pending`, parking the rest under a fresh cursor.
fn page(shared: &Shared, mut pending: PendingPages, page_size: usize) -> Value {
    let rest = pending.rows.split_off(page_size.min(pending.rows.len()));
    let data = std::mem::replace(&mut pending.rows, rest);
    let (rows, total_rows) = (data.len(), pending.total_rows);
    let next_page = if pending.rows.is_empty() {
        Value::Null
    } else {
        let cursor = random::hex(16);
        let url = format!("{}{}", shared.base_url, route::NEXT_PAGE.replace("{cursor}", &cursor));
        shared.lock().store.pages.insert(cursor, pending);
        Value::from(url)
    };
    json!({"data": data, "paging": {"rows": rows, "totalRows": total_rows, "urls": {"nextPage": next_page}}})
}

/// `GET /api/v2/_pages/{cursor}`.
pub async fn next(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(cursor): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (pending, page_size) = {
        let mut inner = shared.lock();
        let page_size = inner.settings.page_size.max(1);
        match inner.store.pages.remove(&cursor) {
            Some(p) if p.key_id == caller.key_id => (p, page_size),
            Some(p) => {
                inner.store.pages.insert(cursor, p);
                return Err(ApiError::not_found("no such page"));
            }
            None => return Err(ApiError::not_found("no such page, or it was already read")),
        }
    };
    Ok(Json(page(&shared, pending, page_size)))
}
