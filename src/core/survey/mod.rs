//! The survey model: site configuration, surveys, questions, branching, trigger, targeting,
//! throttle policy and theme.
//!
//! Reading a configuration is two steps: [`decode`] (the JSON shape → the typed model, shape
//! errors naming the field's path) and [`validate`] (the rules on the model: ranges, unique
//! ids, branch targets, limits). The collector runs both at load and refuses a
//! configuration with any fault ([`SiteConfig::from_value`]); the widget only decodes what
//! the collector serves, part by part ([`SiteConfig::read`]).

mod branch;
pub mod decode;
mod definition;
mod error;
mod question;
mod site;
mod targeting;
mod thank_you;
mod theme;
mod throttle;
mod trigger;
pub mod validate;

pub use branch::{Branch, Condition, Scalar, END};
pub use decode::Faults;
pub use definition::Survey;
pub use error::ConfigError;
pub use question::{
    Choice, Question, QuestionKind, QuestionType, ScaleLabels, DEFAULT_MAX_LENGTH, MAX_MAX_LENGTH,
};
pub use site::{PartialSiteConfig, SiteConfig, SURVEYS_NOT_INLINE};
pub use targeting::{MatchKind, Targeting, UrlMatch};
pub use thank_you::ThankYou;
pub use theme::{is_safe_css_value, ColorMode, Position, Theme};
pub use throttle::{Frequency, ThrottlePolicy};
pub use trigger::{MobileExit, Trigger};

#[cfg(test)]
mod tests;
