//! The error of the site-configuration area: what is wrong and at which JSON path.

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
        /// What serde reported, with line and column when parsed from text.
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

    /// Turns a path-tracked serde error into a [`ConfigError::Parse`] with a
    /// `surveys[0].questions[1]` style path.
    pub(crate) fn from_path_error(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = json_path(err.path());
        ConfigError::Parse {
            path,
            message: err.into_inner().to_string(),
        }
    }
}

/// Renders a serde path as `a.b[0].c`; segments serde could not name are left out.
pub(crate) fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}
