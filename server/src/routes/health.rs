//! `GET /healthz`: liveness, plus a cheap store round trip.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::app::AppState;

/// 200 `{"status":"ok","responses":N}` when the store answers, 503 otherwise.
pub async fn healthz(State(app): State<AppState>) -> Response {
    match app.store.count().await {
        Ok(n) => Json(json!({ "status": "ok", "responses": n })).into_response(),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "error": err.to_string() })),
        )
            .into_response(),
    }
}
