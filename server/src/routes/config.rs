//! `GET /v1/sites/{site}/config`: the public site configuration (no `origins`, no
//! `adminToken`). Readable cross-origin only by the site's own origins.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::app::AppState;
use crate::cors;
use crate::error::ApiError;

/// Browsers may cache the config this long (seconds).
pub const CONFIG_MAX_AGE: &str = "public, max-age=60";

/// The site's public configuration, or 404 for an unknown site.
pub async fn get_config(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    let config = app.config();
    let origin = cors::request_origin(&headers);
    let Some(entry) = config.site(&site) else {
        let allowed = origin.is_some_and(|o| cors::allowed_for_any(&config, o));
        let mut response = ApiError::SiteNotFound(site).into_response();
        cors::decorate(&mut response, origin, allowed);
        return response;
    };
    let allowed = origin.is_some_and(|o| {
        cors::allowed_for_site(&config, &entry.id, o) || cors::is_same_origin(&headers, o)
    });
    let mut response = Json(entry.public.clone()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CONFIG_MAX_AGE),
    );
    cors::decorate(&mut response, origin, allowed);
    response
}

/// Preflight for the config endpoint (only needed if a client adds custom headers).
pub async fn options_config(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    let config = app.config();
    cors::preflight(
        &headers,
        |o| cors::allowed_for_site(&config, &site, o),
        &[Method::GET],
    )
}
