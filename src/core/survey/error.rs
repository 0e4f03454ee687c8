//! The error of the site-configuration area: what is wrong and at which JSON path.

use crate::prelude::*;

use crate::core::json::{ShapeError, SyntaxError};
use thiserror::Error;

/// Why a site configuration was rejected. Every message names the JSON path at fault, e.g.
/// `surveys[0].questions[2].options: must not be empty`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The document is not JSON, or a field has the wrong shape (type, unknown field, ...).
    #[error("{}{message}", path_prefix(path))]
    Parse {
        /// JSON path of the offending value (`""` for the document itself).
        path: String,
        /// What is wrong, with line and column for a syntax error.
        message: String,
    },
    /// The document is well-formed but breaks a rule (unique ids, ranges, branch targets, ...).
    #[error("{path}: {message}")]
    Invalid {
        /// JSON path of the offending value.
        path: String,
        /// What rule is broken.
        message: String,
    },
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl ConfigError {
    /// JSON path of the value at fault (`""` when the whole document is).
    pub fn path(&self) -> &str {
        match self {
            ConfigError::Parse { path, .. } | ConfigError::Invalid { path, .. } => path,
        }
    }

    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<ShapeError> for ConfigError {
    fn from(e: ShapeError) -> Self {
        ConfigError::Parse {
            path: e.path,
            message: e.message,
        }
    }
}

impl From<SyntaxError> for ConfigError {
    fn from(e: SyntaxError) -> Self {
        ConfigError::Parse {
            path: String::new(),
            message: e.to_string(),
        }
    }
}
