//! The view model: what one step of the dialog shows, with every text already resolved
//! for the visitor's locale. Built by the controller from core state; rendered by
//! [`super::dialog`].

use crate::prelude::*;

use crate::core::response::AnswerValue;

use super::radios::RadioItem;

/// One question screen.
pub struct StepModel {
    /// The question prompt (also the dialog's accessible name).
    pub title: String,
    /// "Question 2 of 4".
    pub progress: String,
    /// Bar fill, 0–1.
    pub fraction: f64,
    /// Label of the primary button ("Next" / "Submit").
    pub go: String,
    /// Whether an answer is needed to move on.
    pub required: bool,
    /// The answer control.
    pub control: ControlModel,
}

/// The answer control of a step.
pub enum ControlModel {
    /// A radio group; `values[i]` is the answer of `items[i]`.
    Radios {
        /// CSS class of the group (layout: scale row, stars, faces, list).
        class: &'static str,
        /// The radios.
        items: Vec<RadioItem>,
        /// Answer of each radio.
        values: Vec<AnswerValue>,
        /// Label under the lowest value.
        low: Option<String>,
        /// Label under the highest value.
        high: Option<String>,
    },
    /// Checkboxes: `(option id, label)`, and the "Other" label when offered.
    Checks {
        /// Options.
        options: Vec<(String, String)>,
        /// "Other" label, when the question allows free text.
        other: Option<String>,
        /// Maximum length of the "Other" text.
        other_max: u32,
    },
    /// A textarea.
    Text {
        /// Maximum length in characters.
        max_length: u32,
        /// Placeholder.
        placeholder: Option<String>,
    },
}

/// The thank-you screen.
pub struct ThanksModel {
    /// Heading (also the dialog's accessible name).
    pub title: String,
    /// Body text, if any.
    pub body: Option<String>,
}
