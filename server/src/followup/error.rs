//! The follow-up endpoints' errors, in the console's `{"error": {code, field, message}}`
//! shape. Console checks (session, CSRF, role, cross-site) keep their own codes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::console::ConsoleError;
use crate::store::StoreError;

/// Every way a follow-up request can fail. Messages name the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum FollowupError {
    /// A console check failed (or a field of the body is wrong).
    #[error(transparent)]
    Console(#[from] ConsoleError),
    /// No such site in the configuration.
    #[error("site: no site {0:?} is configured")]
    NoSite(String),
    /// No response with this id on the site.
    #[error("id: no response {0:?} on this site")]
    NoResponse(String),
    /// The response cannot be followed up (no verified customer to reach).
    #[error("customer: {0}")]
    NotReachable(String),
    /// The response is in the holdout group: no follow-up without `override: true`.
    #[error("override: response {0:?} is in the holdout group; send \"override\": true to follow up anyway")]
    Holdout(String),
    /// The store failed; details go to the log.
    #[error("storage failure")]
    Store(#[from] StoreError),
}

impl FollowupError {
    /// Shorthand for an invalid field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        FollowupError::Console(ConsoleError::field(field, message))
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            FollowupError::Console(_) => (StatusCode::INTERNAL_SERVER_ERROR, "", ""),
            FollowupError::NoSite(_) => (StatusCode::NOT_FOUND, "unknown_site", "site"),
            FollowupError::NoResponse(_) => (StatusCode::NOT_FOUND, "not_found", "id"),
            FollowupError::NotReachable(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_reachable",
                "customer",
            ),
            FollowupError::Holdout(_) => (StatusCode::CONFLICT, "holdout", "override"),
            FollowupError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "server"),
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            FollowupError::Console(e) => e.status(),
            other => other.parts().0,
        }
    }
}

impl From<crate::error::ApiError> for FollowupError {
    fn from(e: crate::error::ApiError) -> Self {
        FollowupError::field(e.field_name().to_owned(), e.to_string())
    }
}

impl IntoResponse for FollowupError {
    fn into_response(self) -> Response {
        let (status, code, field) = match self {
            FollowupError::Console(e) => return e.into_response(),
            ref other => other.parts(),
        };
        if let FollowupError::Store(err) = &self {
            eprintln!("rapport-server: follow-up store error: {err}");
        }
        let full = self.to_string();
        let message = full
            .strip_prefix(&format!("{field}: "))
            .map(str::to_owned)
            .unwrap_or(full);
        let body = json!({ "error": { "code": code, "field": field, "message": message } });
        let mut response = (status, Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
