//! `GET /v1/openapi.json`: the hand-written OpenAPI 3.1 description of the API.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The document, compiled in.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Serves [`OPENAPI_JSON`].
pub async fn openapi() -> Response {
    let mut response = OPENAPI_JSON.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}
