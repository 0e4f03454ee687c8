//! The error of the response area, shaped for the collector's `{"error": {code, field,
//! message}}` body.

use crate::prelude::*;

/// Why a response was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseError {
    /// The body exceeds [`super::Limits::MAX_BODY_BYTES`] (HTTP 413).
    TooLarge {
        /// Body size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not JSON or has the wrong shape.
    Malformed {
        /// JSON path at fault (`""` for the document).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A field breaks a rule that holds for every site (id and text lengths, control
    /// characters, the number of answers, timestamps, the size of `traits`).
    Invalid {
        /// JSON path at fault, e.g. `userId`.
        field: String,
        /// What is wrong, e.g. `must be 1–128 characters`.
        message: String,
    },
    /// A well-formed response that does not fit the site's configuration: another site,
    /// an unknown survey, question or option, a value the question does not take, an
    /// answer given twice, a required question on the path taken left out.
    Mismatch {
        /// JSON path at fault, e.g. `answers[1].value`.
        field: String,
        /// What is wrong, e.g. `11 is outside 0–10`.
        message: String,
    },
}

impl ResponseError {
    /// Machine-readable code: `payload_too_large`, `invalid_json`, `invalid_field` or
    /// `survey_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            ResponseError::TooLarge { .. } => "payload_too_large",
            ResponseError::Malformed { .. } => "invalid_json",
            ResponseError::Invalid { .. } => "invalid_field",
            ResponseError::Mismatch { .. } => "survey_mismatch",
        }
    }

    /// JSON path at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ResponseError::TooLarge { .. } => None,
            ResponseError::Malformed { field, .. } if field.is_empty() => None,
            ResponseError::Malformed { field, .. }
            | ResponseError::Invalid { field, .. }
            | ResponseError::Mismatch { field, .. } => Some(field),
        }
    }

    /// The full message, `{field}: {message}` (just the message when there is no field);
    /// what `Display` prints, built without `core::fmt`.
    pub fn text(&self) -> String {
        use crate::core::msg::{cat, uint};
        match self {
            ResponseError::TooLarge { size, limit } => cat(&[
                "body is ",
                &uint(*size as u64),
                " bytes; the limit is ",
                &uint(*limit as u64),
            ]),
            ResponseError::Malformed { field, message } if field.is_empty() => message.clone(),
            ResponseError::Malformed { field, message }
            | ResponseError::Invalid { field, message }
            | ResponseError::Mismatch { field, message } => cat(&[field, ": ", message]),
        }
    }

    /// The message without the field prefix.
    pub fn message(&self) -> String {
        match self {
            ResponseError::TooLarge { .. } => self.text(),
            ResponseError::Malformed { message, .. }
            | ResponseError::Invalid { message, .. }
            | ResponseError::Mismatch { message, .. } => message.clone(),
        }
    }
}

impl ::core::fmt::Display for ResponseError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ::core::error::Error for ResponseError {}
