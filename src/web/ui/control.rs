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

/// Faces for emoji values 1–5 (their accessible names come from the core strings).
const FACES: [&str; 5] = [
    "\u{1f61e}",
    "\u{1f641}",
    "\u{1f610}",
    "\u{1f642}",
    "\u{1f604}",
];
/// Five stars (their accessible names come from the core strings).
const STARS: [&str; 5] = ["\u{2605}"; 5];
const THUMBS: [&str; 2] = ["\u{1f44d}", "\u{1f44e}"];
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
    /// Renders the control of `question` (titled `title`) into `body`.
    pub fn build(body: &Element, question: &Question, title: &str, lang: &Lang) -> Control {
        let s = &lang.s;
        match &question.kind {
            QuestionKind::MultipleChoice { options, other } => {
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
                    add_text(&row, "span", label);
                }
                Control::Checks {
                    group,
                    other_field: None,
                }
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
                // Per type: the group's class, the number of radios, their glyphs and their
                // accessible names. Radios without a glyph show their option's label, else
                // their value; star names are built per radio.
                let (class, count, glyphs, labels): (_, _, &[&str], &[&str]) = match kind {
                    QuestionKind::Csat(_) => ("g stars", 5, &STARS, &[]),
                    QuestionKind::Emoji(_) => ("g faces", 5, &FACES, s.emoji()),
                    QuestionKind::Thumbs => ("g thumbs", 2, &THUMBS, s.thumbs()),
                    QuestionKind::SingleChoice { options } => ("list", options.len(), &[], &[]),
                    // NPS's eleven digits wrap into two rows on touch screens (style.css).
                    _ => (
                        if matches!(kind, QuestionKind::Nps(_)) {
                            "g nps"
                        } else {
                            "g"
                        },
                        kind.scale()
                            .map_or(0, |r| (r.end() - r.start() + 1) as usize),
                        &[],
                        &[],
                    ),
                };
                let stars = matches!(kind, QuestionKind::Csat(_));
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
                    // `get`, not indexing: `i` is in range, but an index panic would ship a
                    // location string.
                    let number = int(start + i as i64);
                    let text = match (glyphs.get(i), options.get(i)) {
                        (Some(glyph), _) => glyph,
                        (None, Some(option)) => lang.text(&option.label),
                        (None, None) => number.as_str(),
                    };
                    let star_label;
                    let label = if stars {
                        star_label = s.stars(i + 1);
                        &star_label
                    } else {
                        labels.get(i).copied().unwrap_or_default()
                    };
                    let radio = add_text(&group, "button", text);
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
                Control::Radios {
                    group,
                    count,
                    selected: None,
                }
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
        let Control::Checks { group, other_field } = self else {
            return;
        };
        if shown {
            if other_field.is_none() {
                let field = add(group, "input", "");
                attr(&field, "type", "text");
                attr(&field, "aria-label", label);
                attr(&field, "maxlength", &int(Limits::MAX_OTHER_CHARS as i64));
                dom::focus(&field);
                *other_field = Some(field.unchecked_into());
            }
        } else if let Some(field) = other_field.take() {
            field.remove();
        }
    }
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
