//! One survey: its questions and when, where and how often it is shown.

use crate::prelude::*;

use super::{Question, Targeting, ThankYou, ThrottlePolicy, Trigger};

/// A survey.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    /// Unique id within the site, sent in responses.
    pub id: String,
    /// Name for the merchant's eyes (never shown to visitors).
    pub name: Option<String>,
    /// What shows it.
    pub trigger: Trigger,
    /// Where it may be shown.
    pub targeting: Targeting,
    /// How often.
    pub throttle: ThrottlePolicy,
    /// The questions, in default order.
    pub questions: Vec<Question>,
    /// The closing screen.
    pub thank_you: ThankYou,
}

impl Survey {
    /// Index of the question with this id.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}
