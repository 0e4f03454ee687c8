//! The console's one error enum: what went wrong talking to the collector, in words the
//! page can show.

use std::fmt;

/// A failed request or an answer the console cannot read.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleError {
    /// The collector answered with an error (`{"error", "message"}`).
    Api {
        /// HTTP status.
        status: u16,
        /// Machine-readable code (`unauthenticated`, `csrf`, `bad_credentials`…).
        code: String,
        /// The collector's message.
        message: String,
    },
    /// No answer (offline, refused).
    Network,
    /// An answer whose body is not what the contract says; names the field.
    Decode(String),
    /// Input refused before sending; names the field.
    Field {
        /// The field at fault.
        field: &'static str,
        /// Why.
        message: String,
    },
}

impl ConsoleError {
    /// Whether the session is gone (sign in again).
    pub fn is_signed_out(&self) -> bool {
        matches!(self, ConsoleError::Api { status: 401, .. })
    }
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsoleError::Api { status: 429, .. } => {
                write!(f, "Too many attempts: wait a little and try again.")
            }
            ConsoleError::Api { message, code, .. } if message.is_empty() => write!(f, "{code}"),
            ConsoleError::Api { message, .. } => write!(f, "{message}"),
            ConsoleError::Network => write!(
                f,
                "The collector did not answer. Check the connection and try again."
            ),
            ConsoleError::Decode(what) => {
                write!(f, "Unexpected answer from the collector ({what}).")
            }
            ConsoleError::Field { field, message } => write!(f, "{field}: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_failed() {
        let e = ConsoleError::Api {
            status: 401,
            code: "unauthenticated".into(),
            message: String::new(),
        };
        assert!(e.is_signed_out());
        assert_eq!(e.to_string(), "unauthenticated");
        assert_eq!(
            ConsoleError::Decode("user.email".into()).to_string(),
            "Unexpected answer from the collector (user.email)."
        );
        let f = ConsoleError::Field {
            field: "password",
            message: "at least 12 characters".into(),
        };
        assert_eq!(f.to_string(), "password: at least 12 characters");
    }
}
