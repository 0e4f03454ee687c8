//! The panel's one error enum: what can go wrong between the collector's answers, the
//! loader's options and the shopper's clicks. Messages name the field or value at fault.

use core::fmt;

use rapport::core::json::ShapeError;
use rapport::core::msg::{cat, int};

use crate::prelude::*;

/// Why the panel cannot show what it was asked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelError {
    /// A JSON document (the options, `loyalty/me`, a redemption's answer) has the wrong
    /// shape at `path`.
    Shape {
        /// Which document: `options`, `loyalty/me`, `reward-redemptions`.
        document: &'static str,
        /// JSON path of the value at fault.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The collector answered `status` with its error `message` (or none could be read).
    Collector {
        /// HTTP status (0: no answer, the network failed).
        status: u16,
        /// The collector's `error.message`, when it sent one.
        message: Option<String>,
    },
    /// A reward id the shopper's action named is not in the catalogue `loyalty/me` listed.
    UnknownReward(String),
    /// The locale file of `locale` could not be used (`reason`): the panel shows English.
    LocaleFile {
        /// The locale's tag (`es`).
        locale: &'static str,
        /// Why: not fetched, not in time, or the key at fault.
        reason: String,
    },
}

impl PanelError {
    /// A shape error of `document`.
    pub fn shape(document: &'static str, e: ShapeError) -> PanelError {
        let ShapeError { path, message } = e;
        PanelError::Shape {
            document,
            path,
            message,
        }
    }
}

impl PanelError {
    /// The message (what `Display` prints), built without the formatting machinery.
    pub fn message(&self) -> String {
        match self {
            PanelError::Shape {
                document,
                path,
                message,
            } if path.is_empty() => cat(&[document, ": ", message]),
            PanelError::Shape {
                document,
                path,
                message,
            } => cat(&[document, ": ", path, ": ", message]),
            PanelError::Collector { status: 0, .. } => "the collector could not be reached".into(),
            PanelError::Collector {
                status,
                message: Some(m),
            } => cat(&["the collector answered ", &int(i64::from(*status)), ": ", m]),
            PanelError::Collector {
                status,
                message: None,
            } => cat(&["the collector answered ", &int(i64::from(*status))]),
            PanelError::UnknownReward(id) => {
                cat(&["reward `", id, "` is not in the rewards catalogue"])
            }
            PanelError::LocaleFile { locale, reason } => cat(&[
                "locale file `",
                locale,
                "`: ",
                reason,
                "; the panel is shown in English",
            ]),
        }
    }
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for PanelError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn messages_name_the_field_at_fault() {
        let e = PanelError::Shape {
            document: "loyalty/me",
            path: "rewards[1].points".into(),
            message: "expected a number, got a string".into(),
        };
        assert_eq!(
            e.to_string(),
            "loyalty/me: rewards[1].points: expected a number, got a string"
        );
        let e = PanelError::Collector {
            status: 409,
            message: Some("900 exceeds the spendable balance 20".into()),
        };
        assert_eq!(
            e.to_string(),
            "the collector answered 409: 900 exceeds the spendable balance 20"
        );
        assert_eq!(
            PanelError::Collector {
                status: 0,
                message: None
            }
            .to_string(),
            "the collector could not be reached"
        );
        assert_eq!(
            PanelError::UnknownReward("mug".into()).to_string(),
            "reward `mug` is not in the rewards catalogue"
        );
        assert_eq!(
            PanelError::LocaleFile {
                locale: "es",
                reason: "title: missing field `title`".into()
            }
            .to_string(),
            "locale file `es`: title: missing field `title`; the panel is shown in English"
        );
    }
}
