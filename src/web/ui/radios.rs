//! An ARIA radio group of buttons: the control of every scale question (NPS, CSAT, CES,
//! thumbs, emoji) and of single choice.
//!
//! Roving tabindex: exactly one radio is in the Tab order (the checked one, else the
//! first). Arrow keys, Home and End move and select; Space and Enter select the focused
//! radio. Arrows follow reading direction in right-to-left layouts.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, KeyboardEvent};

use super::dom;

/// One radio: its visible text and an optional accessible name replacing it.
pub struct RadioItem {
    /// Visible text (a number, a glyph or an option label).
    pub text: String,
    /// Accessible name when the visible text is not one (`★` → "3 of 5").
    pub aria_label: Option<String>,
}

/// Builds `<div role="radiogroup" class="class">` with one button per item.
pub fn build(
    doc: &Document,
    class: &str,
    labelled_by: &str,
    required: bool,
    items: &[RadioItem],
) -> Result<Element, JsValue> {
    let group = dom::el(doc, "div", class)?;
    dom::attrs(
        &group,
        &[("role", "radiogroup"), ("aria-labelledby", labelled_by)],
    )?;
    if required {
        group.set_attribute("aria-required", "true")?;
    }
    for (i, item) in items.iter().enumerate() {
        let radio = dom::text_el(doc, "button", "", &item.text)?;
        let index = dom::num(i as i64);
        dom::attrs(
            &radio,
            &[
                ("type", "button"),
                ("role", "radio"),
                ("aria-checked", "false"),
                ("tabindex", if i == 0 { "0" } else { "-1" }),
                ("data-i", &index),
            ],
        )?;
        if let Some(label) = &item.aria_label {
            radio.set_attribute("aria-label", label)?;
        }
        group.append_child(&radio)?;
    }
    Ok(group)
}

/// Checks radio `index` (unchecking the others), makes it the Tab stop, and optionally
/// focuses it. Radios before it get class `on` (filled stars).
pub fn select(group: &Element, index: usize, focus: bool) {
    let radios = group.children();
    for i in 0..radios.length() {
        let Some(radio) = radios.item(i) else {
            continue;
        };
        let on = i as usize == index;
        let _ = radio.set_attribute("aria-checked", if on { "true" } else { "false" });
        let _ = radio.set_attribute("tabindex", if on { "0" } else { "-1" });
        let _ = radio
            .class_list()
            .toggle_with_force("on", i as usize <= index);
        if on && focus {
            if let Some(el) = radio.dyn_ref::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
}

/// The radio index a click or key landed on (`data-i`), if it is one of ours.
pub fn index_of(target: &Element) -> Option<usize> {
    target.get_attribute("data-i")?.parse().ok()
}

/// Where a key press in the group moves the selection, given the focused radio `at`
/// among `count`. `None` for keys the group does not handle.
pub fn key_target(event: &KeyboardEvent, at: usize, count: usize, rtl: bool) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let last = count - 1;
    let forward = |i: usize| if i >= last { 0 } else { i + 1 };
    let back = |i: usize| if i == 0 { last } else { i - 1 };
    match event.key().as_str() {
        "ArrowDown" => Some(forward(at)),
        "ArrowUp" => Some(back(at)),
        "ArrowRight" => Some(if rtl { back(at) } else { forward(at) }),
        "ArrowLeft" => Some(if rtl { forward(at) } else { back(at) }),
        "Home" => Some(0),
        "End" => Some(last),
        " " | "Enter" => Some(at),
        _ => None,
    }
}
