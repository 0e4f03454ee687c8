//! The open-text control: a textarea with `maxlength` and a live character counter.

use wasm_bindgen::JsValue;
use web_sys::{Document, Element, HtmlTextAreaElement};

use super::dom;

/// Id of the counter, referenced by the textarea's `aria-describedby`.
const COUNTER_ID: &str = "rc";

/// Builds the textarea and its counter; returns `(wrapper, textarea, counter)`.
///
/// Named with `aria-label` (the question text) rather than `aria-labelledby`: axe-core's
/// `label-title-only` rule does not follow an idref to the title inside a shadow root.
pub fn build(
    doc: &Document,
    label: &str,
    required: bool,
    max_length: u32,
    placeholder: Option<&str>,
) -> Result<(Element, HtmlTextAreaElement, Element), JsValue> {
    let wrapper = dom::el(doc, "div", "")?;
    let area: HtmlTextAreaElement = dom::typed(doc, "textarea", "")?;
    dom::attrs(
        &area,
        &[("aria-label", label), ("aria-describedby", COUNTER_ID)],
    )?;
    if required {
        area.set_attribute("aria-required", "true")?;
    }
    dom::set_max_length(&area, max_length)?;
    if let Some(placeholder) = placeholder {
        area.set_attribute("placeholder", placeholder)?;
    }
    let counter = dom::el(doc, "div", "cnt")?;
    counter.set_attribute("id", COUNTER_ID)?;
    wrapper.append_child(&area)?;
    wrapper.append_child(&counter)?;
    update_counter(&area, &counter, max_length);
    Ok((wrapper, area, counter))
}

/// Rewrites the counter as `used / max` (counted in characters, as the core validates).
pub fn update_counter(area: &HtmlTextAreaElement, counter: &Element, max_length: u32) {
    let used = area.value().chars().count() as i64;
    let mut text = dom::num(used);
    text.push_str(" / ");
    text.push_str(&dom::num(i64::from(max_length)));
    counter.set_text_content(Some(&text));
}
