//! The error of the site-configuration area: what is wrong and at which JSON path.

use crate::prelude::*;

use crate::core::json::ShapeError;

/// Why a site configuration was rejected. Every message names the JSON path at fault, e.g.
/// `surveys[0].questions[2].options: must not be empty`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The document is not JSON, a field has the wrong shape (type, unknown field, ...) or
    /// breaks a rule (unique ids, ranges, branch targets, ...).
    Parse {
        /// JSON path of the offending value (`""` for the document itself).
        path: String,
        /// What is wrong, with line and column for a syntax error.
        message: String,
    },
}

impl ConfigError {
    /// JSON path of the value at fault (`""` when the whole document is).
    pub fn path(&self) -> &str {
        match self {
            ConfigError::Parse { path, .. } => path,
        }
    }

    /// The full message, `{path}: {message}` (just the message when the path is empty, for a
    /// document that is not JSON); what `Display` prints, built without `core::fmt`.
    pub fn text(&self) -> String {
        match self {
            ConfigError::Parse { path, message } if path.is_empty() => message.clone(),
            ConfigError::Parse { path, message } => {
                crate::core::msg::subst("{}: {}", path, message)
            }
        }
    }
}

impl ::core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl ::core::error::Error for ConfigError {}

impl From<Box<ShapeError>> for ConfigError {
    fn from(e: Box<ShapeError>) -> Self {
        ConfigError::from(*e)
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

/// JSON text that serde_json could not read (the `from_json` readers): the whole document
/// is at fault; the message has the line and column.
#[cfg(feature = "serde_json")]
impl From<serde_json::Error> for ConfigError {
    fn from(e: serde_json::Error) -> Self {
        ConfigError::Parse {
            path: String::new(),
            message: e.to_string(),
        }
    }
}
