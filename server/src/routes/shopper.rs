//! What every customer-scoped endpoint (`Authorization: Bearer <customer token>`, see
//! [`crate::loyalty::token`]) does around its own work: the verified customer, the
//! `{id, …}` body of a `POST`, the expiries due before a balance is used, and the CORS
//! grant for the site's origins.
//!
//! These endpoints are called from the shopper's page (the loyalty panel), so they answer
//! cross-origin requests from the site's own `origins` (and the collector's own origin):
//! every answer, errors too, carries the echoed `Access-Control-Allow-Origin` for those
//! ([`with_cors`]), and `OPTIONS` answers the preflight that the `Authorization` header
//! causes ([`preflight_get`], [`preflight_post`]).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::cors;
use crate::error::ApiError;
use crate::loyalty::expiry::ExpiryPolicy;
use crate::loyalty::token::{self, CustomerClaims};
use crate::routes::loyalty::{body_object, loyalty_of, text};

/// The verified customer of a request (recorded as seen now).
pub(crate) async fn customer(
    app: &AppState,
    site: &str,
    headers: &HeaderMap,
) -> Result<CustomerClaims, ApiError> {
    let config = app.config();
    let loyalty = loyalty_of(&config, site)?;
    let token = bearer_token(headers).ok_or(ApiError::Unauthorized)?;
    let now = app.clock.now_millis();
    let claims = token::verify(loyalty.customer_token_secret.as_bytes(), site, token, now)
        .map_err(|e| {
            ApiError::InvalidToken(e.to_string().trim_start_matches("token: ").to_owned())
        })?;
    app.store
        .loyalty()
        .touch_customer(claims.clone(), now)
        .await?;
    Ok(claims)
}

/// Records the customer's expiries due by `now` under the site's `policy` (none: points do
/// not expire), before their balance is read or spent: points that expired are never shown
/// or spent.
pub(crate) async fn record_expiry(
    app: &AppState,
    site: &str,
    claims: &CustomerClaims,
    policy: Option<ExpiryPolicy>,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(policy) = policy {
        app.store
            .loyalty()
            .expire(site.to_owned(), claims.sub.clone(), policy, now)
            .await?;
    }
    Ok(())
}

/// A customer's `POST` with an `{id, …}` JSON body: the id makes it idempotent.
pub(crate) struct ShopperPost {
    /// The verified customer.
    pub claims: CustomerClaims,
    /// The body's members.
    pub body: Map<String, Value>,
    /// The body's `id`.
    pub id: String,
}

/// Verifies the customer, then reads the body as an object with a non-empty `id` (in that
/// order: a request without a valid token learns nothing about its body).
pub(crate) async fn shopper_post(
    app: &AppState,
    site: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<ShopperPost, ApiError> {
    let claims = customer(app, site, headers).await?;
    let body = body_object(body)?;
    let id = text(&body, "id")?;
    Ok(ShopperPost { claims, body, id })
}

/// `answer` (or its error) with the CORS grant for `site`'s origins and the collector's own.
pub(crate) fn with_cors(
    app: &AppState,
    site: &str,
    headers: &HeaderMap,
    answer: Result<Response, ApiError>,
) -> Response {
    let mut response = answer.unwrap_or_else(IntoResponse::into_response);
    let origin = cors::request_origin(headers);
    let allowed = origin.is_some_and(|o| {
        cors::allowed_for_site(&app.config(), site, o) || cors::is_same_origin(headers, o)
    });
    cors::decorate(&mut response, origin, allowed);
    response
}

fn preflight(app: &AppState, site: &str, headers: &HeaderMap, method: Method) -> Response {
    let config = app.config();
    cors::preflight(
        headers,
        |o| cors::allowed_for_site(&config, site, o),
        &[method],
    )
}

/// Preflight of a customer-scoped `GET` (`loyalty/me`).
pub async fn preflight_get(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    preflight(&app, &site, &headers, Method::GET)
}

/// Preflight of a customer-scoped `POST` (`loyalty/redemptions`,
/// `loyalty/reward-redemptions`).
pub async fn preflight_post(
    State(app): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Response {
    preflight(&app, &site, &headers, Method::POST)
}
