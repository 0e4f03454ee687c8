//! Survey feedback: NPS with a confidence interval, CSAT and CES, scored by
//! each question's type, per question and per ISO week (Monday, UTC).
//!
//! * [`scores`] — the three scores of a set of answers ([`nps`], [`csat`], [`ces`]).
//! * [`report`] — the report over a collector export ([`feedback_report`]).

pub mod report;
pub mod scores;

pub use report::{
    feedback_report, FeedbackOptions, FeedbackReport, QuestionScore, TypeSource, Unscored,
    WeeklyScores,
};
pub use scores::{ces, csat, normal_quantile, nps, Ces, Csat, FeedbackError, Nps};
