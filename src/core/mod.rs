//! The pure survey core: no browser APIs, tested natively, shared by the wasm shell and the
//! collector.
//!
//! * [`survey`] — the site configuration model, parsing and validation.
//! * [`response`] — responses, their limits and validation.
//! * [`branching`] — next question, path taken, progress.
//! * [`targeting`] / [`trigger`] — which surveys are due on this page now.
//! * [`throttle`] — sampling, frequency, recontact and cooldown; the loader's mute map.
//! * [`outbox`] / [`retry`] — the persisted delivery queue and its backoff policy.
//! * [`text`] / [`i18n`] — localised configuration text; the widget's own strings.
//! * [`storage`] — the key-value store trait and key names.
//! * [`uuid`] — response ids.
//! * [`json`] — the small JSON value, parser and writer every model is read and written with.
//! * [`msg`] — message text (integers, concatenation) built without `core::fmt`.
//! * [`datetime`] — HTTP-date and RFC 3339 parsing without a date library.

pub mod branching;
pub mod datetime;
pub mod i18n;
pub mod json;
pub mod machine;
pub mod msg;
pub mod outbox;
pub mod response;
pub mod retry;
pub mod scan;
pub mod storage;
pub mod survey;
pub mod targeting;
pub mod text;
pub mod throttle;
pub mod trigger;
pub mod uuid;

pub use branching::{next_step, Progress, Step};
pub use response::{
    validate_envelope, validate_response, Answer, AnswerValue, Limits, Response, ResponseError,
};
pub use survey::{ConfigError, PartialSiteConfig, Question, QuestionKind, SiteConfig, Survey};
pub use text::LocalizedText;
