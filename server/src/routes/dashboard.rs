//! `GET /admin/api/dashboard/data?site=`: the dashboard's data (see [`crate::dashboard`]),
//! for any signed-in console user. Read-only: no audit line. A site the configuration does
//! not have is `404 unknown_site` (field `site`); a missing `site` or another parameter `400`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::app::AppState;
use crate::console::context::{Caller, RequestFacts};
use crate::console::ConsoleError;

/// `GET /admin/api/dashboard/data?site=`.
pub async fn data(
    State(state): State<AppState>,
    facts: RequestFacts,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    Caller::signed_in(&state, facts).await?;
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "site") {
        return Err(ConsoleError::field(
            unknown.clone(),
            "unknown query parameter",
        ));
    }
    let site = query
        .get("site")
        .ok_or_else(|| ConsoleError::field("site", "required"))?;
    let config = state.config();
    let entry = config
        .site(site)
        .ok_or_else(|| ConsoleError::UnknownSite(site.clone()))?;
    let now = state.clock.now_millis();
    let body = crate::dashboard::gather(&*state.store, entry, now).await?;
    Ok(no_store(StatusCode::OK, body))
}

fn no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
