//! `GET /v1/sites/{site}/config`: the public site configuration (no `origins`, no
//! `adminToken`). Readable cross-origin only by the site's own origins.
//!
//! Surveys with an `audience` ([`crate::scoring::audience`]) are left out of the answer to
//! an anonymous request, which stays exactly what it was (`public, max-age=60`, the same
//! bytes for everyone). A request with a customer token — `Authorization: Bearer <token>`,
//! or `?token=<token>` so that a storefront can give it to the loader as its
//! `data-config-url` with no extra request or byte for anyone — gets, once the token
//! verifies, the surveys whose audience admits that customer's segments, resolved here
//! from the store ([`crate::segment_lookup`]): never from anything the page says. Such an
//! answer is `Cache-Control: private` and `Vary: Authorization`. A token that does not
//! verify gets the anonymous surveys.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;

use serde_json::Value;

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::config::SiteEntry;
use crate::cors;
use crate::error::ApiError;
use crate::loyalty::token;
use crate::segment_lookup;

/// Browsers may cache the config this long (seconds).
pub const CONFIG_MAX_AGE: &str = "public, max-age=60";

/// Browsers may keep a configuration for one identified shopper this long (seconds).
pub const TARGETED_MAX_AGE: &str = "private, max-age=60";

/// The customer token of a config request: the `Authorization` header, else `?token=`.
fn customer_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(t) = bearer_token(headers) {
        return Some(t.to_owned());
    }
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

/// The configuration for the shopper `token` names, `None` for an anonymous answer.
async fn targeted(app: &AppState, entry: &SiteEntry, token: Option<String>) -> Option<Value> {
    let token = token?;
    let loyalty = entry.loyalty.as_ref()?;
    let now = app.clock.now_millis();
    let claims = token::verify(
        loyalty.customer_token_secret.as_bytes(),
        &entry.id,
        &token,
        now,
    )
    .ok()?;
    if entry.targeted.is_empty() {
        return Some(entry.public.clone());
    }
    match segment_lookup::customer_segments(app.store.as_ref(), entry, &claims.sub, now).await {
        Ok(segments) => Some(entry.public_for(&segments)),
        Err(e) => {
            eprintln!("rapport-server: config of {:?}: segments: {e}", entry.id);
            Some(entry.public.clone())
        }
    }
}

/// The site's public configuration, or 404 for an unknown site.
pub async fn get_config(
    State(app): State<AppState>,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
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
    let token = customer_token(&headers, query.as_deref());
    let identified = token.is_some();
    let body = match targeted(&app, entry, token).await {
        Some(body) => body,
        None => entry.public.clone(),
    };
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    if identified {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(TARGETED_MAX_AGE),
        );
        headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    } else {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CONFIG_MAX_AGE),
        );
    }
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
