//! Element builders and small DOM reads over web-sys. Text only ever goes in through
//! `textContent`.

use crate::prelude::*;

use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlElement, NodeList};

/// `document.createElement(tag)`, with `class` unless it is empty. Tags are constants of
/// the widget: `createElement` only throws for an invalid name (and if it did, the exception
/// would end the call as a trap does, see `app::run`).
pub fn el(doc: &Document, tag: &'static str, class: &str) -> Element {
    let e = doc.create_element(tag).expect_throw("a valid tag name");
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// A new element (see [`el`]) appended to `parent`, made by the parent's own document.
pub fn add(parent: &Element, tag: &'static str, class: &str) -> Element {
    // `expect_throw`, not `expect`: no panic location or formatting in the wasm.
    let doc = parent
        .owner_document()
        .expect_throw("an element has an owner document");
    let e = el(&doc, tag, class);
    append(parent, &e);
    e
}

/// A new element without a class, with `text` as its text content, appended to `parent`.
pub fn add_text(parent: &Element, tag: &'static str, text: &str) -> Element {
    let e = add(parent, tag, "");
    set_text(&e, Some(text));
    e
}

/// Sets (`Some`) or clears (`None`) the text content.
pub fn set_text(e: &Element, text: Option<&str>) {
    e.set_text_content(text);
}

/// `setAttribute(name, value)` (it only fails for invalid names, which are constants here).
pub fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

/// Several attributes.
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        attr(e, name, value);
    }
}

/// `toggleAttribute(name, on)`: boolean attributes (`hidden`, `disabled`).
pub fn flag(e: &Element, name: &str, on: bool) {
    let _ = e.toggle_attribute_with_force(name, on);
}

/// `parent.appendChild(child)`; only fails for exotic parents.
pub fn append(parent: &web_sys::Node, child: &web_sys::Node) {
    let _ = parent.append_child(child);
}

/// `focus()` of an element (anything focusable here is an `HTMLElement`).
pub fn focus(e: &Element) -> bool {
    match e.dyn_ref::<HtmlElement>() {
        Some(e) => e.focus().is_ok(),
        None => false,
    }
}

/// The closest ancestor-or-self of `target` (an event target) matching `selector`.
pub fn closest(target: Option<&web_sys::EventTarget>, selector: &str) -> Option<Element> {
    target?
        .dyn_ref::<Element>()?
        .closest(selector)
        .ok()
        .flatten()
}

/// The elements of `root` matching `selector`, in document order.
pub fn query_all(root: &Element, selector: &str) -> Vec<Element> {
    match root.query_selector_all(selector) {
        Ok(list) => elements(&list),
        Err(_) => Vec::new(),
    }
}

/// The elements of a `NodeList`.
fn elements(list: &NodeList) -> Vec<Element> {
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}
