//! The console API's error type and its JSON body, the collector's usual
//! `{"error": {"code", "field", "message"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::store::StoreError;

/// Every way a console request can fail. Messages name the field or header at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The body is not JSON of the expected shape, or a field has a wrong value.
    #[error("{field}: {message}")]
    InvalidField {
        /// JSON path or parameter at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// No session cookie, or one naming no live session.
    #[error("cookie: not signed in (no live console session)")]
    Unauthenticated,
    /// E-mail and password do not match an enabled user.
    #[error("password: wrong e-mail or password")]
    BadCredentials,
    /// The setup token is unknown, used or expired.
    #[error("token: setup link is unknown, used or expired")]
    BadSetupToken,
    /// The signed-in user's role may not do this.
    #[error("role: {role} may not {action}")]
    WrongRole {
        /// The user's role.
        role: &'static str,
        /// What was refused.
        action: &'static str,
    },
    /// A state-changing request without the session's CSRF token.
    #[error("x-csrf-token: missing or not this session's CSRF token")]
    Csrf,
    /// A request another site's page made (`Sec-Fetch-Site` or `Origin`).
    #[error("{header}: cross-site request refused ({value:?})")]
    CrossSite {
        /// `sec-fetch-site` or `origin`.
        header: &'static str,
        /// Its value.
        value: String,
    },
    /// Too many failed sign-ins from this client or for this account.
    #[error("rate limit exceeded; retry after {retry_after_secs} s")]
    RateLimited {
        /// Whole seconds until one attempt is allowed again.
        retry_after_secs: u64,
    },
    /// A user with this e-mail exists.
    #[error("email: a user with this e-mail exists")]
    EmailTaken,
    /// No console endpoint at this path.
    #[error("path: no such endpoint {0:?}")]
    NotFound(String),
    /// No configured site with this id (path, query or body): `404 unknown_site`, field
    /// `site`, so the console can tell it from a missing item (`404 not_found`, field `id`).
    #[error("site: no site {0:?} is configured")]
    UnknownSite(String),
    /// No user with this id.
    #[error("id: no user {0:?}")]
    NoSuchUser(String),
    /// An owner tried to disable themselves (the console would lose its owner).
    #[error("disabled: an owner cannot disable their own account")]
    SelfDisable,
    /// The store failed; details go to the log, not to the client.
    #[error("storage failure")]
    Store(#[from] StoreError),
    /// Hashing failed (resources); details go to the log.
    #[error("password hashing failed")]
    Hash(String),
}

impl ConsoleError {
    /// Shorthand for [`ConsoleError::InvalidField`].
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConsoleError::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ConsoleError::InvalidField { .. } => StatusCode::BAD_REQUEST,
            ConsoleError::Unauthenticated
            | ConsoleError::BadCredentials
            | ConsoleError::BadSetupToken => StatusCode::UNAUTHORIZED,
            ConsoleError::WrongRole { .. }
            | ConsoleError::Csrf
            | ConsoleError::CrossSite { .. } => StatusCode::FORBIDDEN,
            ConsoleError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::EmailTaken | ConsoleError::SelfDisable => StatusCode::CONFLICT,
            ConsoleError::NoSuchUser(_)
            | ConsoleError::NotFound(_)
            | ConsoleError::UnknownSite(_) => StatusCode::NOT_FOUND,
            ConsoleError::Store(_) | ConsoleError::Hash(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ConsoleError::InvalidField { .. } => "invalid_field",
            ConsoleError::Unauthenticated => "unauthenticated",
            ConsoleError::BadCredentials => "bad_credentials",
            ConsoleError::BadSetupToken => "bad_setup_token",
            ConsoleError::WrongRole { .. } => "forbidden_role",
            ConsoleError::Csrf => "csrf",
            ConsoleError::CrossSite { .. } => "cross_site",
            ConsoleError::RateLimited { .. } => "rate_limited",
            ConsoleError::EmailTaken => "conflict",
            ConsoleError::NoSuchUser(_) | ConsoleError::NotFound(_) => "not_found",
            ConsoleError::UnknownSite(_) => "unknown_site",
            ConsoleError::SelfDisable => "conflict",
            ConsoleError::Store(_) | ConsoleError::Hash(_) => "internal",
        }
    }

    /// The field or header at fault.
    pub fn field_name(&self) -> &str {
        match self {
            ConsoleError::InvalidField { field, .. } => field,
            ConsoleError::Unauthenticated => "cookie",
            ConsoleError::BadCredentials => "password",
            ConsoleError::BadSetupToken => "token",
            ConsoleError::WrongRole { .. } => "role",
            ConsoleError::Csrf => "x-csrf-token",
            ConsoleError::CrossSite { header, .. } => header,
            ConsoleError::RateLimited { .. } => "client",
            ConsoleError::EmailTaken => "email",
            ConsoleError::NoSuchUser(_) => "id",
            ConsoleError::NotFound(_) => "path",
            ConsoleError::UnknownSite(_) => "site",
            ConsoleError::SelfDisable => "disabled",
            ConsoleError::Store(_) | ConsoleError::Hash(_) => "server",
        }
    }

    fn message(&self) -> String {
        match self {
            ConsoleError::InvalidField { message, .. } => message.clone(),
            other => {
                let full = other.to_string();
                let prefix = format!("{}: ", other.field_name());
                full.strip_prefix(&prefix)
                    .map(str::to_owned)
                    .unwrap_or(full)
            }
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match &self {
            ConsoleError::Store(err) => eprintln!("rapport-server: console store error: {err}"),
            ConsoleError::Hash(err) => eprintln!("rapport-server: console password hash: {err}"),
            _ => {}
        }
        let body = json!({
            "error": { "code": self.code(), "field": self.field_name(), "message": self.message() }
        });
        let mut response = (self.status(), Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let ConsoleError::RateLimited { retry_after_secs } = &self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_codes_and_fields() {
        assert_eq!(ConsoleError::Unauthenticated.status(), 401);
        assert_eq!(
            ConsoleError::WrongRole {
                role: "agent",
                action: "manage users"
            }
            .status(),
            403
        );
        assert_eq!(ConsoleError::Csrf.field_name(), "x-csrf-token");
        assert_eq!(
            ConsoleError::Csrf.message(),
            "missing or not this session's CSRF token"
        );
        let e = ConsoleError::RateLimited {
            retry_after_secs: 7,
        };
        assert_eq!((e.status().as_u16(), e.code()), (429, "rate_limited"));
        let e = ConsoleError::UnknownSite("nope".into());
        assert_eq!(
            (e.status().as_u16(), e.code(), e.field_name(), e.message()),
            (
                404,
                "unknown_site",
                "site",
                "no site \"nope\" is configured".to_owned()
            )
        );
        let e = ConsoleError::NoSuchUser("u1".into());
        assert_eq!((e.code(), e.field_name()), ("not_found", "id"));
    }
}
