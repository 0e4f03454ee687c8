//! `GET /healthz`: liveness, plus a cheap store round trip (no row count: counting a large
//! table would make the check slow exactly when the database is busy).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::app::AppState;

/// 200 `{"status":"ok","backend":"sqlite"|"postgres"}` when the store answers, 503
/// otherwise.
pub async fn healthz(State(app): State<AppState>) -> Response {
    let backend = app.store.backend();
    match app.store.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "backend": backend })).into_response(),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "error": err.to_string() })),
        )
            .into_response(),
    }
}
