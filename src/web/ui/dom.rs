//! Tiny element builders over [`crate::web::js`]. Text only ever goes in through
//! `textContent`.

use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::super::js::{self, call_s};

/// `document.createElement(tag)`, with `class` unless it is empty.
pub fn el(doc: &JsValue, tag: &str, class: &str) -> JsValue {
    let e = call_s(doc, "createElement", &[tag]);
    if !class.is_empty() {
        attr(&e, "class", class);
    }
    e
}

/// A new element (see [`el`]) appended to `parent`, made by the parent's own document (no
/// document to pass around for the controls built after the frame).
pub fn add(parent: &JsValue, tag: &str, class: &str) -> JsValue {
    let e = el(&js::get(parent, "ownerDocument"), tag, class);
    append(parent, &e);
    e
}

/// A new element without a class, with `text` as its text content, appended to `parent`.
pub fn add_text(parent: &JsValue, tag: &str, text: &str) -> JsValue {
    let e = add(parent, tag, "");
    set_text(&e, Some(text));
    e
}

/// Sets (`Some`) or clears (`None`) the text content.
pub fn set_text(e: &JsValue, text: Option<&str>) {
    js::set(
        e,
        "textContent",
        &text.map_or(JsValue::NULL, JsValue::from_str),
    );
}

/// `setAttribute(name, value)`.
pub fn attr(e: &JsValue, name: &str, value: &str) {
    call_s(e, "setAttribute", &[name, value]);
}

/// Several attributes.
pub fn attrs(e: &JsValue, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        attr(e, name, value);
    }
}

/// `getAttribute(name)`.
pub fn get_attr(e: &JsValue, name: &str) -> Option<String> {
    call_s(e, "getAttribute", &[name]).as_string()
}

/// `toggleAttribute(name, on)`: boolean attributes (`hidden`, `disabled`) set to `""` or
/// removed.
pub fn flag(e: &JsValue, name: &str, on: bool) {
    js::invoke(e, "toggleAttribute", &[name.into(), on.into()]);
}

/// `parent.appendChild(child)`; only fails for exotic parents, which [`try_append`]
/// reports.
pub fn append(parent: &JsValue, child: &JsValue) {
    let _ = try_append(parent, child);
}

/// `parent.appendChild(child)`.
pub fn try_append(parent: &JsValue, child: &JsValue) -> Result<JsValue, JsValue> {
    js::call(parent, "appendChild", ::core::slice::from_ref(child))
}

/// `focus()`; false if it failed.
pub fn focus(e: &JsValue) -> bool {
    js::call(e, "focus", &[]).is_ok()
}

/// The closest ancestor-or-self of `target` (an event target) matching `selector`.
pub fn closest(target: &JsValue, selector: &str) -> Option<JsValue> {
    Some(call_s(target, "closest", &[selector])).filter(JsValue::is_object)
}

/// The elements of `root` matching `selector`, in document order: the `NodeList` itself,
/// read with [`count`] and [`item`] (collecting it into a vector would ship vector code for
/// two readers that only want the ends or a few ids).
pub fn query_all(root: &JsValue, selector: &str) -> JsValue {
    call_s(root, "querySelectorAll", &[selector])
}

/// The length of a `NodeList` (0 when it is none).
pub fn count(list: &JsValue) -> usize {
    super::super::env::len(list)
}

/// Item `i` of a `NodeList` (`undefined` past its end).
pub fn item(list: &JsValue, i: usize) -> JsValue {
    js::get(list, &crate::core::msg::int(i as i64))
}
