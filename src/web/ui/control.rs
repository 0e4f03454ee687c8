//! The answer control of the current question, rendered straight from the core
//! [`Question`] and read back as a core [`AnswerValue`].
//!
//! * Scale questions (NPS, CSAT, CES, thumbs, emoji) and single choice are an ARIA radio
//!   group of buttons with a roving tabindex: exactly one radio is in the Tab order (the
//!   checked one, else the first). Arrow keys, Home and End move and select; Space and
//!   Enter select the focused radio. Arrows follow reading direction in right-to-left
//!   layouts.
//! * Multiple choice is native checkboxes, plus "Other" with a text field that appears
//!   while it is checked.
//! * Open text is a textarea with `maxlength` and a live character counter.

use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

use crate::core::response::{AnswerValue, Limits, MultipleChoice};
use crate::core::survey::{Question, QuestionKind};

use super::dom::{self, add, add_text, attr, attrs};
use super::icon::{self, Icon};
use crate::core::i18n::Lang;
use crate::core::msg::int;

#[wasm_bindgen]
extern "C" {
    /// A text field (`<input>` or `<textarea>`) whose `value` is read as the JavaScript
    /// string it is: web-sys's `value()` converts it to a Rust `String`, which replaces lone
    /// UTF-16 surrogates.
    type TextField;

    #[wasm_bindgen(method, getter, js_name = value)]
    fn raw_value(this: &TextField) -> JsValue;

    /// Sets the field's `value` to a JavaScript string as it is (see [`restore_text`]).
    #[wasm_bindgen(method, setter, js_name = value)]
    fn set_raw_value(this: &TextField, value: &JsValue);
}

/// Id of the element naming the dialog.
pub const TITLE_ID: &str = "rq";
/// Id of the scale end labels, describing a radio group.
const ENDS_ID: &str = "re";
/// Id of the counter, referenced by the textarea's `aria-describedby`.
const COUNTER_ID: &str = "rc";
/// Marks the "Other" checkbox (option ids come from the config, so the marker is an
/// attribute of its own rather than a reserved id).
const OTHER_ATTR: &str = "data-other";

/// Answers of the thumbs radios.
const THUMB_VALUES: [&str; 2] = ["up", "down"];

/// The rendered control and what it needs to report its value.
pub enum Control {
    /// A radio group of `count` radios.
    Radios {
        /// The `role="radiogroup"` element.
        group: Element,
        /// Number of radios.
        count: usize,
        /// Index of the checked radio.
        selected: Option<usize>,
    },
    /// Checkboxes, with the "Other" text field while "Other" is checked.
    Checks {
        /// The `role="group"` element.
        group: Element,
        /// The "Other" text field, shown while "Other" is checked.
        other_field: Option<HtmlInputElement>,
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

/// The first value of a scale question (0 for NPS, 1 otherwise).
fn scale_start(kind: &QuestionKind) -> i64 {
    kind.scale().map_or(0, |range| *range.start())
}

impl Control {
    /// Renders the control of `question` (titled `title`) into `body`, showing `answer`,
    /// given to it before the shopper came back to it, as it was entered: its radio
    /// checked, its boxes ticked and "Other" filled in, its text typed. Nothing takes
    /// focus. An answer that does not fit the control leaves it empty.
    pub fn build(
        body: &Element,
        question: &Question,
        title: &str,
        lang: &Lang,
        answer: Option<&AnswerValue>,
    ) -> Control {
        let s = &lang.s;
        match &question.kind {
            QuestionKind::MultipleChoice { options, other } => {
                let chosen = match answer {
                    Some(AnswerValue::Choices(chosen)) => Some(chosen),
                    _ => None,
                };
                let group = add(body, "div", "list");
                attrs(&group, &[("role", "group"), ("aria-labelledby", TITLE_ID)]);
                // One row per option, then "Other" (an index loop: no iterator chain code).
                for i in 0..options.len() + usize::from(*other) {
                    let (marker, id, label) = match options.get(i) {
                        Some(o) => ("data-c", o.id.as_str(), lang.text(&o.label)),
                        None => (OTHER_ATTR, "", s.other()),
                    };
                    let row = add(&group, "label", "");
                    let input = add(&row, "input", "");
                    attr(&input, "type", "checkbox");
                    attr(&input, marker, id);
                    // Ticked as the answer given earlier has it (a new box's `checked`
                    // attribute is its state).
                    let on = match (chosen, options.get(i)) {
                        (Some(chosen), Some(_)) => chosen.choices.iter().any(|c| c == id),
                        (Some(chosen), None) => chosen.other.is_some(),
                        _ => false,
                    };
                    dom::flag(&input, "checked", on);
                    add_text(&row, "span", label);
                }
                let mut control = Control::Checks {
                    group,
                    other_field: None,
                };
                if let Some(chosen) = chosen {
                    if let Some(other) = &chosen.other {
                        if let Some(field) = control.open_other(s.other()) {
                            restore_text(field, other, chosen.other_is_json);
                        }
                    }
                }
                control
            }
            QuestionKind::OpenText {
                max_length,
                placeholder,
            } => {
                // Named with `aria-label` (the question text) rather than `aria-labelledby`:
                // axe-core's `label-title-only` rule does not follow an idref to the title
                // inside a shadow root.
                let wrapper = add(body, "div", "");
                let area = add(&wrapper, "textarea", "");
                attr(&area, "aria-label", title);
                attr(&area, "aria-describedby", COUNTER_ID);
                if question.required {
                    attr(&area, "aria-required", "true");
                }
                attr(&area, "maxlength", &int(i64::from(*max_length)));
                attr(
                    &area,
                    "placeholder",
                    lang.or(placeholder.as_ref(), s.text_placeholder()),
                );
                if let Some(AnswerValue::Json(text) | AnswerValue::Text(text)) = answer {
                    restore_text(&area, text, matches!(answer, Some(AnswerValue::Json(_))));
                }
                let counter = add(&wrapper, "div", "cnt");
                attr(&counter, "id", COUNTER_ID);
                let control = Control::Text {
                    area: area.unchecked_into(),
                    counter,
                    max_length: *max_length,
                };
                control.update_counter();
                control
            }
            kind => {
                // Per type: the group's class, the number of radios, their pictures and
                // their accessible names. Radios without a picture show their option's
                // label, else their value; star names are built per radio.
                let scale = kind
                    .scale()
                    .map_or(0, |r| (r.end() - r.start() + 1) as usize);
                let (class, count, labels): (_, _, &[&str]) = match kind {
                    QuestionKind::Csat(_) => ("g stars", scale, &[]),
                    QuestionKind::Emoji(_) => ("g faces", scale, s.emoji()),
                    QuestionKind::Thumbs => ("g thumbs", THUMB_VALUES.len(), s.thumbs()),
                    QuestionKind::SingleChoice { options } => ("list", options.len(), &[]),
                    // NPS wraps into two rows on small and touch screens (style.css).
                    QuestionKind::Nps(_) => ("g nps", scale, &[]),
                    _ => ("g", scale, &[]),
                };
                let group = add(body, "div", class);
                attrs(
                    &group,
                    &[("role", "radiogroup"), ("aria-labelledby", TITLE_ID)],
                );
                if question.required {
                    attr(&group, "aria-required", "true");
                }
                let options = kind.options();
                let start = scale_start(kind);
                for i in 0..count {
                    let picture = match kind {
                        QuestionKind::Csat(_) => Some(Icon::Star),
                        QuestionKind::Emoji(_) => Some(Icon::Face(i)),
                        QuestionKind::Thumbs => Some(Icon::Thumb),
                        _ => None,
                    };
                    let radio = match picture {
                        Some(picture) => {
                            let radio = add(&group, "button", "");
                            icon::add(&radio, picture);
                            radio
                        }
                        None => {
                            // `get`, not indexing: `i` is in range, but an index panic would
                            // ship a location string.
                            let number = int(start + i as i64);
                            let text = match options.get(i) {
                                Some(option) => lang.text(&option.label),
                                None => number.as_str(),
                            };
                            add_text(&group, "button", text)
                        }
                    };
                    // A constant table (stored once, not built per call), then what varies.
                    attrs(
                        &radio,
                        &[
                            ("type", "button"),
                            ("role", "radio"),
                            ("aria-checked", "false"),
                        ],
                    );
                    attr(&radio, "tabindex", if i == 0 { "0" } else { "-1" });
                    let star_label;
                    let label = if picture == Some(Icon::Star) {
                        star_label = s.stars(i + 1);
                        &star_label
                    } else {
                        labels.get(i).copied().unwrap_or_default()
                    };
                    if !label.is_empty() {
                        attr(&radio, "aria-label", label);
                    }
                }
                if let (Some(labels), Some((low, high))) =
                    (kind.labels(), s.scale_labels(kind.question_type()))
                {
                    let ends = add(body, "div", "ends");
                    attr(&ends, "id", ENDS_ID);
                    add_text(&ends, "span", lang.or(labels.low.as_ref(), low));
                    add_text(&ends, "span", lang.or(labels.high.as_ref(), high));
                    attr(&group, "aria-describedby", ENDS_ID);
                }
                let mut control = Control::Radios {
                    group,
                    count,
                    selected: None,
                };
                // The radio of the answer given earlier.
                let index = match (kind, answer) {
                    (QuestionKind::Thumbs, Some(AnswerValue::Text(value))) => {
                        THUMB_VALUES.iter().position(|v| v == value)
                    }
                    (QuestionKind::SingleChoice { options }, Some(AnswerValue::Text(id))) => {
                        options.iter().position(|o| &o.id == id)
                    }
                    (kind, Some(AnswerValue::Number(n))) => n
                        .checked_sub(scale_start(kind))
                        .and_then(|i| usize::try_from(i).ok()),
                    _ => None,
                };
                if let Some(index) = index {
                    control.select(index, false);
                }
                control
            }
        }
    }

    /// The current answer to `question`, `None` when nothing is entered.
    pub fn value(&self, question: &Question) -> Option<AnswerValue> {
        match self {
            Control::Radios { selected, .. } => {
                let i = (*selected)?;
                Some(match &question.kind {
                    QuestionKind::Thumbs => AnswerValue::Text(String::from(*THUMB_VALUES.get(i)?)),
                    QuestionKind::SingleChoice { options } => {
                        AnswerValue::Text(options.get(i)?.id.clone())
                    }
                    kind => AnswerValue::Number(scale_start(kind) + i as i64),
                })
            }
            Control::Checks {
                group, other_field, ..
            } => {
                let mut choices = Vec::new();
                // The checked options (the "Other" checkbox has no `data-c`).
                for checked in dom::query_all(group, "[data-c]:checked") {
                    if let Some(id) = checked.get_attribute("data-c") {
                        choices.push(id);
                    }
                }
                // The field exists exactly while "Other" is checked (see `toggle_other`).
                let other = other_field.as_ref().and_then(|field| entered(field));
                if choices.is_empty() && other.is_none() {
                    None
                } else {
                    Some(AnswerValue::Choices(MultipleChoice {
                        choices,
                        other,
                        other_is_json: true,
                    }))
                }
            }
            Control::Text { area, .. } => entered(area).map(AnswerValue::Json),
            Control::Nothing => None,
        }
    }

    /// Rewrites the counter as `used / max` (counted in characters, as the core validates).
    pub fn update_counter(&self) {
        if let Control::Text {
            area,
            counter,
            max_length,
        } = self
        {
            let used = crate::core::scan::char_count(&area.value());
            let mut text = int(used as i64);
            text.push_str(" / ");
            text.push_str(&int(i64::from(*max_length)));
            dom::set_text(counter, Some(&text));
        }
    }

    /// Checks radio `index` (unchecking the others), makes it the Tab stop, and optionally
    /// focuses it. Radios before it get class `on` (filled stars). False if there is no
    /// such radio.
    pub fn select(&mut self, index: usize, focus: bool) -> bool {
        let Control::Radios {
            group,
            count,
            selected,
        } = self
        else {
            return false;
        };
        if index >= *count {
            return false;
        }
        // Sibling by sibling (the radios are the group's only children).
        let mut radio = group.first_element_child();
        let mut i = 0;
        while let Some(el) = radio {
            let on = i == index;
            attr(&el, "aria-checked", if on { "true" } else { "false" });
            attr(&el, "tabindex", if on { "0" } else { "-1" });
            // Radios carry no other class.
            el.set_class_name(if i <= index { "on" } else { "" });
            if on && focus {
                dom::focus(&el);
            }
            radio = el.next_element_sibling();
            i += 1;
        }
        *selected = Some(index);
        true
    }

    /// Where a key press on radio `at` moves the selection. `None` for keys the group does
    /// not handle, or when this is not a radio group.
    pub fn key_target(&self, key: &str, at: usize, rtl: bool) -> Option<usize> {
        let Control::Radios { count, .. } = self else {
            return None;
        };
        let last = count.checked_sub(1)?;
        let forward = if at >= last { 0 } else { at + 1 };
        let back = if at == 0 { last } else { at - 1 };
        match key {
            "ArrowDown" => Some(forward),
            "ArrowUp" => Some(back),
            "ArrowRight" => Some(if rtl { back } else { forward }),
            "ArrowLeft" => Some(if rtl { forward } else { back }),
            "Home" => Some(0),
            "End" => Some(last),
            " " | "Enter" => Some(at),
            _ => None,
        }
    }

    /// Shows or removes the "Other" text field (named `label`) after the checkboxes,
    /// focusing it when shown.
    pub fn toggle_other(&mut self, shown: bool, label: &str) {
        if shown {
            if let Some(field) = self.open_other(label) {
                dom::focus(field);
            }
        } else if let Control::Checks { other_field, .. } = self {
            if let Some(field) = other_field.take() {
                field.remove();
            }
        }
    }

    /// The "Other" text field (named `label`), added after the checkboxes unless it is
    /// there already; `None` when this is not a checkbox group.
    fn open_other(&mut self, label: &str) -> Option<&HtmlInputElement> {
        let Control::Checks { group, other_field } = self else {
            return None;
        };
        if other_field.is_none() {
            let field = add(group, "input", "");
            attr(&field, "type", "text");
            attr(&field, "aria-label", label);
            attr(&field, "maxlength", &int(Limits::MAX_OTHER_CHARS as i64));
            *other_field = Some(field.unchecked_into());
        }
        other_field.as_ref()
    }
}

/// Puts `text` back into `field`: a JSON string literal written by the browser (`json`,
/// see [`AnswerValue::Json`]) is read with `JSON.parse`, so lone surrogates come back as
/// they were typed.
fn restore_text(field: &Element, text: &str, json: bool) {
    let value = if json {
        // The shell wrote it with `JSON.stringify` (see [`entered`]): a string literal.
        let Ok(value) = js_sys::JSON::parse(text) else {
            return;
        };
        value
    } else {
        JsValue::from_str(text)
    };
    field.unchecked_ref::<TextField>().set_raw_value(&value);
}

/// The text in `field` as a JSON string literal written by the browser (`JSON.stringify`),
/// `None` when it is blank. The browser escapes lone UTF-16 surrogates (`\udXXX`), which
/// would not survive the trip into a Rust string: the text reaches the collector exactly
/// as the shopper entered it.
fn entered(field: &Element) -> Option<String> {
    let value = field.unchecked_ref::<TextField>().raw_value();
    if crate::core::text::is_blank(&value.as_string()?) {
        return None;
    }
    js_sys::JSON::stringify(&value).ok()?.as_string()
}

/// Whether `target` is the "Other" checkbox.
pub fn is_other(target: &Element) -> bool {
    target.has_attribute(OTHER_ATTR)
}

/// The index of the radio a click or key landed on, if it is one of ours. Radios are
/// their group's only children, so the index is the number of siblings before the radio
/// (no index attribute to write per radio and parse back).
pub fn index_of(target: Option<&web_sys::EventTarget>) -> Option<usize> {
    let mut sibling = dom::closest(target, "[role=radio]")?;
    let mut index = 0;
    while let Some(previous) = sibling.previous_element_sibling() {
        sibling = previous;
        index += 1;
    }
    Some(index)
}
