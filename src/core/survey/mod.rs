//! The survey model: site configuration, surveys, questions, branching, trigger, targeting,
//! throttle policy and theme, with parsing and validation (`SiteConfig::from_json`).

mod branch;
pub mod decode;
mod definition;
mod error;
pub mod known;
mod question;
mod site;
mod targeting;
mod thank_you;
mod theme;
mod throttle;
mod trigger;
pub mod validate;

pub use branch::{Branch, Condition, Scalar, END};
pub use definition::Survey;
pub use error::ConfigError;
pub use question::{
    Choice, Question, QuestionKind, QuestionType, ScaleLabels, DEFAULT_MAX_LENGTH, MAX_MAX_LENGTH,
};
pub use site::{PartialSiteConfig, SiteConfig};
pub use targeting::{MatchKind, Targeting, UrlMatch};
pub use thank_you::ThankYou;
pub use theme::{is_safe_css_value, ColorMode, Position, Theme};
pub use throttle::{Frequency, ThrottlePolicy};
pub use trigger::{MobileExit, Trigger};

#[cfg(test)]
mod tests;
