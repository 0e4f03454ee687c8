//! The multiple-choice control: native checkboxes, plus "Other" with a text field that
//! appears while it is checked.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement};

use super::dom;

/// `data-c` value of the "Other" checkbox (option ids come from the config, so the
/// marker is an attribute of its own rather than a reserved id).
const OTHER_ATTR: &str = "data-other";

/// Builds `<div role="group">` of labelled checkboxes; `other` adds the "Other" box.
pub fn build(
    doc: &Document,
    labelled_by: &str,
    options: &[(&str, &str)],
    other: Option<&str>,
) -> Result<Element, JsValue> {
    let group = dom::el(doc, "div", "list")?;
    dom::attrs(
        &group,
        &[("role", "group"), ("aria-labelledby", labelled_by)],
    )?;
    for (id, label) in options {
        let row = row(doc, label)?;
        if let Some(input) = row.first_element_child() {
            input.set_attribute("data-c", id)?;
        }
        group.append_child(&row)?;
    }
    if let Some(label) = other {
        let row = row(doc, label)?;
        if let Some(input) = row.first_element_child() {
            input.set_attribute(OTHER_ATTR, "")?;
        }
        group.append_child(&row)?;
    }
    Ok(group)
}

fn row(doc: &Document, label: &str) -> Result<Element, JsValue> {
    let row = dom::el(doc, "label", "")?;
    let input = dom::el(doc, "input", "")?;
    input.set_attribute("type", "checkbox")?;
    row.append_child(&input)?;
    let text = dom::text_el(doc, "span", "", label)?;
    row.append_child(&text)?;
    Ok(row)
}

/// Whether `target` is the "Other" checkbox.
pub fn is_other(target: &Element) -> bool {
    target.has_attribute(OTHER_ATTR)
}

/// Shows or removes the "Other" text field after the group, focusing it when shown.
/// Returns the field while it is shown.
pub fn toggle_other_field(
    doc: &Document,
    group: &Element,
    shown: bool,
    existing: Option<HtmlInputElement>,
    label: &str,
    max_length: u32,
) -> Result<Option<HtmlInputElement>, JsValue> {
    match (shown, existing) {
        (true, Some(field)) => Ok(Some(field)),
        (true, None) => {
            let field: HtmlInputElement = dom::typed(doc, "input", "")?;
            dom::attrs(&field, &[("type", "text"), ("aria-label", label)])?;
            dom::set_max_length(&field, max_length)?;
            group.append_child(&field)?;
            let _ = field.focus();
            Ok(Some(field))
        }
        (false, Some(field)) => {
            field.remove();
            Ok(None)
        }
        (false, None) => Ok(None),
    }
}

/// Ids of the checked options, in display order, and whether "Other" is checked.
pub fn checked(group: &Element) -> (Vec<String>, bool) {
    let mut ids = Vec::new();
    let mut other = false;
    let Ok(list) = group.query_selector_all("input[type=checkbox]") else {
        return (ids, other);
    };
    for i in 0..list.length() {
        let Some(input) = list
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        else {
            continue;
        };
        if !input.checked() {
            continue;
        }
        if is_other(&input) {
            other = true;
        } else if let Some(id) = input.get_attribute("data-c") {
            ids.push(id);
        }
    }
    (ids, other)
}
