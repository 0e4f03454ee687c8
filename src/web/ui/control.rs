//! The answer control of the current question: built from the view model, read back as
//! a core [`AnswerValue`].

use crate::prelude::*;

use wasm_bindgen::JsValue;
use web_sys::{Document, Element, HtmlInputElement, HtmlTextAreaElement};

use crate::core::response::{AnswerValue, MultipleChoice};

use super::dialog::TITLE_ID;
use super::model::{ControlModel, StepModel};
use super::{checks, dom, radios, text};

/// Id of the scale end labels, describing a radio group.
const ENDS_ID: &str = "re";

/// The rendered control and what it needs to report its value.
pub enum Control {
    /// A radio group; `values[i]` is the answer of radio `i`.
    Radios {
        /// The `role="radiogroup"` element.
        group: Element,
        /// Answer of each radio.
        values: Vec<AnswerValue>,
        /// Index of the checked radio.
        selected: Option<usize>,
    },
    /// Checkboxes, with the "Other" text field while "Other" is checked.
    Checks {
        /// The `role="group"` element.
        group: Element,
        /// The "Other" text field, while shown.
        other_field: Option<HtmlInputElement>,
        /// Accessible name of the "Other" field.
        other_label: String,
        /// Maximum length of the "Other" text.
        other_max: u32,
    },
    /// A textarea with its character counter.
    Text {
        /// The textarea.
        area: HtmlTextAreaElement,
        /// The `used / max` counter.
        counter: Element,
        /// Maximum length in characters.
        max_length: u32,
    },
    /// No answer control (thank-you screen).
    Nothing,
}

impl Control {
    /// Renders the control of `step` into `body`.
    pub fn build(doc: &Document, body: &Element, step: &StepModel) -> Result<Control, JsValue> {
        Ok(match &step.control {
            ControlModel::Radios {
                class,
                items,
                values,
                low,
                high,
            } => {
                let group = radios::build(doc, class, TITLE_ID, step.required, items)?;
                body.append_child(&group)?;
                if low.is_some() || high.is_some() {
                    let ends = dom::el(doc, "div", "ends")?;
                    ends.set_attribute("id", ENDS_ID)?;
                    for label in [low, high] {
                        let span = dom::text_el(doc, "span", "", label.as_deref().unwrap_or(""))?;
                        ends.append_child(&span)?;
                    }
                    body.append_child(&ends)?;
                    group.set_attribute("aria-describedby", ENDS_ID)?;
                }
                Control::Radios {
                    group,
                    values: values.clone(),
                    selected: None,
                }
            }
            ControlModel::Checks {
                options,
                other,
                other_max,
            } => {
                let pairs: Vec<(&str, &str)> = options
                    .iter()
                    .map(|(i, l)| (i.as_str(), l.as_str()))
                    .collect();
                let group = checks::build(doc, TITLE_ID, &pairs, other.as_deref())?;
                body.append_child(&group)?;
                Control::Checks {
                    group,
                    other_field: None,
                    other_label: other.clone().unwrap_or_default(),
                    other_max: *other_max,
                }
            }
            ControlModel::Text {
                max_length,
                placeholder,
            } => {
                let (wrapper, area, counter) = text::build(
                    doc,
                    &step.title,
                    step.required,
                    *max_length,
                    placeholder.as_deref(),
                )?;
                body.append_child(&wrapper)?;
                Control::Text {
                    area,
                    counter,
                    max_length: *max_length,
                }
            }
        })
    }

    /// The current answer, `None` when nothing is entered.
    pub fn value(&self) -> Option<AnswerValue> {
        match self {
            Control::Radios {
                values, selected, ..
            } => selected.and_then(|i| values.get(i).cloned()),
            Control::Checks {
                group, other_field, ..
            } => {
                let (choices, other_checked) = checks::checked(group);
                let other = other_field
                    .as_ref()
                    .filter(|_| other_checked)
                    .map(|f| f.value())
                    .filter(|v| !v.trim().is_empty());
                if choices.is_empty() && other.is_none() {
                    None
                } else {
                    Some(AnswerValue::Choices(MultipleChoice { choices, other }))
                }
            }
            Control::Text { area, .. } => {
                let value = area.value();
                if value.trim().is_empty() {
                    None
                } else {
                    Some(AnswerValue::Text(value))
                }
            }
            Control::Nothing => None,
        }
    }
}
