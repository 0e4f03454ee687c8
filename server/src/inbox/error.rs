//! The inbox API's error type, answered in the console's JSON error shape
//! (`{"error": {"code", "field", "message"}}`); sign-in, CSRF and cross-site refusals are
//! the console's own ([`ConsoleError`]).

use axum::response::{IntoResponse, Response};

use crate::console::ConsoleError;
use crate::store::StoreError;

/// Every way an inbox request can fail. Messages name the parameter or field at fault.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// Not signed in, no CSRF token, cross-site, or a bad parameter (the console's errors).
    #[error(transparent)]
    Console(#[from] ConsoleError),
    /// No configured site with this id.
    #[error("{field}: no site {site:?} is configured")]
    NoSuchSite {
        /// Parameter or field naming it.
        field: String,
        /// The id given.
        site: String,
    },
    /// No inbox row for this response.
    #[error("id: no response {id:?} in site {site:?}")]
    NoSuchResponse {
        /// Site.
        site: String,
        /// Response id.
        id: String,
    },
    /// A well-formed value the collector cannot act on (e.g. an assignee who is no
    /// console user).
    #[error("{field}: {message}")]
    Unprocessable {
        /// Field at fault.
        field: String,
        /// Why.
        message: String,
    },
}

impl InboxError {
    /// A 400 naming `field`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        InboxError::Console(ConsoleError::field(field, message))
    }
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        InboxError::Console(ConsoleError::Store(e))
    }
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        let (status, code, field, message) = match self {
            InboxError::Console(e) => return e.into_response(),
            InboxError::NoSuchSite { field, site } => (
                axum::http::StatusCode::NOT_FOUND,
                "unknown_site",
                field,
                format!("no site {site:?} is configured"),
            ),
            InboxError::NoSuchResponse { site, id } => (
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "id".to_owned(),
                format!("no response {id:?} in site {site:?}"),
            ),
            InboxError::Unprocessable { field, message } => (
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
                field,
                message,
            ),
        };
        let body = serde_json::json!({
            "error": { "code": code, "field": field, "message": message }
        });
        let mut response = (status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        response
    }
}
