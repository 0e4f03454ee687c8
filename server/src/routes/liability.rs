//! `GET /v1/sites/{site}/loyalty/liability` (the site's admin token): the forecast of
//! outstanding points redeemed and expiring unused, and their value, per tier and in total
//! (see [`crate::liability`]). 409 when there are too few customers with orders to fit the
//! model.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::admin_auth::bearer_token;
use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::liability::{self, LiabilityError};
use crate::routes::loyalty::loyalty_of;

/// The liability forecast of a site.
pub async fn liability(
    State(app): State<AppState>,
    ClientIp(client): ClientIp,
    Path(site): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let config = app.config();
    let token = bearer_token(&headers).ok_or(ApiError::Unauthorized)?;
    app.admin
        .authorize(&config, client, &site, token, Instant::now())?;
    let loyalty = loyalty_of(&config, &site)?;
    match liability::compute(app.store.as_ref(), &site, loyalty, app.clock.now_millis()).await {
        Ok(v) => Ok(Json(v).into_response()),
        Err(LiabilityError::Store(e)) => Err(ApiError::Store(e)),
        Err(LiabilityError::Forecast(e)) => Err(ApiError::Conflict {
            field: "customers".into(),
            message: e.to_string(),
        }),
    }
}
