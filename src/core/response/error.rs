//! The error of the response area, shaped for the collector's `{"error": {code, field,
//! message}}` body.

use crate::prelude::*;

use thiserror::Error;

/// Why a response was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ResponseError {
    /// The body exceeds [`super::Limits::MAX_BODY_BYTES`] (HTTP 413).
    #[error("body is {size} bytes; the limit is {limit}")]
    TooLarge {
        /// Body size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not JSON or has the wrong shape.
    #[error("{}{message}", if field.is_empty() { String::new() } else { format!("{field}: ") })]
    Malformed {
        /// JSON path at fault (`""` for the document).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A field breaks a rule (range, unknown id, length, required question skipped, ...).
    #[error("{field}: {message}")]
    Invalid {
        /// JSON path at fault, e.g. `answers[1].value`.
        field: String,
        /// What is wrong, e.g. `11 is outside 0–10`.
        message: String,
    },
}

impl ResponseError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ResponseError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Machine-readable code: `payload_too_large`, `invalid_json` or `invalid_field`.
    pub fn code(&self) -> &'static str {
        match self {
            ResponseError::TooLarge { .. } => "payload_too_large",
            ResponseError::Malformed { .. } => "invalid_json",
            ResponseError::Invalid { .. } => "invalid_field",
        }
    }

    /// JSON path at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ResponseError::TooLarge { .. } => None,
            ResponseError::Malformed { field, .. } if field.is_empty() => None,
            ResponseError::Malformed { field, .. } | ResponseError::Invalid { field, .. } => {
                Some(field)
            }
        }
    }

    /// The message without the field prefix.
    pub fn message(&self) -> String {
        match self {
            ResponseError::TooLarge { .. } => self.to_string(),
            ResponseError::Malformed { message, .. } | ResponseError::Invalid { message, .. } => {
                message.clone()
            }
        }
    }
}
