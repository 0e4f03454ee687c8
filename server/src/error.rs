//! The HTTP error type of the collector API and its JSON body
//! `{"error": {"code", "field", "message"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::store::StoreError;

/// Every way an API request can fail. Messages name the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request body is not valid JSON (or not UTF-8).
    #[error("body: malformed JSON: {0}")]
    MalformedJson(String),
    /// A field is missing, has the wrong type or a value out of range.
    #[error("{field}: {message}")]
    InvalidField {
        /// JSON path of the field, e.g. `answers[0].value`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A well-formed response that does not fit the site's configuration (unknown survey,
    /// question or option, a value the question does not take, …).
    #[error("{field}: {message}")]
    SurveyMismatch {
        /// JSON path of the field, e.g. `answers[0].value`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The body is larger than the limit.
    #[error("body: larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body did not arrive within the body read deadline.
    #[error("body: not received within {secs} s")]
    RequestTimeout {
        /// The deadline in seconds.
        secs: f64,
    },
    /// The `Content-Type` is neither JSON nor text.
    #[error("content-type: expected application/json, got {0}")]
    UnsupportedMediaType(String),
    /// No site with that id is configured.
    #[error("site: unknown site {0:?}")]
    SiteNotFound(String),
    /// No `Authorization: Bearer` header.
    #[error("authorization: missing bearer token")]
    Unauthorized,
    /// A bearer token that is not this site's admin token.
    #[error("authorization: token is not valid for site {0:?}")]
    Forbidden(String),
    /// A cross-origin request from an origin the site does not list.
    #[error("origin: {0:?} is not an allowed origin for this site")]
    OriginNotAllowed(String),
    /// The client exceeded its rate limit.
    #[error("rate limit exceeded; retry after {retry_after_secs} s")]
    RateLimited {
        /// Whole seconds until one request is allowed again.
        retry_after_secs: u64,
    },
    /// No route matches.
    #[error("path: no such endpoint {0:?}")]
    NotFound(String),
    /// `after=` names no response of the site being exported.
    #[error("after: no response {0:?} to resume after in this site")]
    UnknownCursor(String),
    /// The store failed; details go to the log, not to the client.
    #[error("storage failure")]
    Store(#[from] StoreError),
}

impl ApiError {
    /// Shorthand for [`ApiError::InvalidField`].
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) | ApiError::InvalidField { .. } => StatusCode::BAD_REQUEST,
            ApiError::SurveyMismatch { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::SiteNotFound(_) | ApiError::NotFound(_) | ApiError::UnknownCursor(_) => {
                StatusCode::NOT_FOUND
            }
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::OriginNotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::InvalidField { .. } => "invalid_field",
            ApiError::SurveyMismatch { .. } => "survey_mismatch",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::RequestTimeout { .. } => "request_timeout",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::SiteNotFound(_) => "unknown_site",
            ApiError::NotFound(_) | ApiError::UnknownCursor(_) => "not_found",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::OriginNotAllowed(_) => "origin_not_allowed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Store(_) => "internal",
        }
    }

    /// The field at fault (`body`, `site`, `answers[0].value`, …).
    pub fn field_name(&self) -> &str {
        match self {
            ApiError::MalformedJson(_)
            | ApiError::PayloadTooLarge { .. }
            | ApiError::RequestTimeout { .. } => "body",
            ApiError::InvalidField { field, .. } | ApiError::SurveyMismatch { field, .. } => field,
            ApiError::UnsupportedMediaType(_) => "content-type",
            ApiError::SiteNotFound(_) => "site",
            ApiError::Unauthorized | ApiError::Forbidden(_) => "authorization",
            ApiError::OriginNotAllowed(_) => "origin",
            ApiError::RateLimited { .. } => "client",
            ApiError::NotFound(_) => "path",
            ApiError::UnknownCursor(_) => "after",
            ApiError::Store(_) => "server",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::InvalidField { message, .. } | ApiError::SurveyMismatch { message, .. } => {
                message.clone()
            }
            other => {
                let full = other.to_string();
                // Drop the "field: " prefix the Display form carries; the field has its own key.
                let prefix = format!("{}: ", other.field_name());
                full.strip_prefix(&prefix)
                    .map(str::to_owned)
                    .unwrap_or(full)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Store(err) = &self {
            eprintln!("rapport-server: store error: {err}");
        }
        let body = json!({
            "error": { "code": self.code(), "field": self.field_name(), "message": self.message() }
        });
        let mut response = (self.status(), Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            // The rest of the body may still be on its way: do not reuse the connection.
            ApiError::RequestTimeout { .. } => {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            ApiError::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            ApiError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"rapport\""),
                );
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_drops_field_prefix() {
        let err = ApiError::SiteNotFound("nope".into());
        assert_eq!(err.field_name(), "site");
        assert_eq!(err.message(), "unknown site \"nope\"");
        let err = ApiError::field("answers[0].value", "must be an integer 0-10");
        assert_eq!(err.field_name(), "answers[0].value");
        assert_eq!(err.message(), "must be an integer 0-10");
    }

    #[test]
    fn statuses() {
        assert_eq!(ApiError::PayloadTooLarge { limit: 1 }.status(), 413);
        assert_eq!(
            ApiError::RateLimited {
                retry_after_secs: 1
            }
            .status(),
            429
        );
        assert_eq!(ApiError::Unauthorized.status(), 401);
        assert_eq!(ApiError::Forbidden("d".into()).status(), 403);
    }
}
