//! Tiny element builders. Text only ever goes in through `set_text_content`.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// Creates `<tag class="class">`.
pub fn el(doc: &Document, tag: &str, class: &str) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_attribute("class", class)?;
    }
    Ok(e)
}

/// Creates `<tag class="class">` with `text` as its text content.
pub fn text_el(doc: &Document, tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let e = el(doc, tag, class)?;
    e.set_text_content(Some(text));
    Ok(e)
}

/// Creates an element as its concrete type. `T` must be the interface `createElement(tag)`
/// returns in an HTML document (`"button"` → `HtmlButtonElement`); the cast is unchecked
/// because an `instanceof` check per element type costs one more JS import each.
pub fn typed<T: JsCast>(doc: &Document, tag: &str, class: &str) -> Result<T, JsValue> {
    Ok(el(doc, tag, class)?.unchecked_into::<T>())
}

/// Sets the `maxlength` attribute (the same as the `maxLength` property, without binding
/// one more setter per element type).
pub fn set_max_length(e: &Element, max_length: u32) -> Result<(), JsValue> {
    e.set_attribute("maxlength", &num(i64::from(max_length)))
}

/// Sets several attributes.
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) -> Result<(), JsValue> {
    for (name, value) in pairs {
        e.set_attribute(name, value)?;
    }
    Ok(())
}

/// Decimal text of a small integer, without pulling in the formatting machinery.
pub fn num(n: i64) -> String {
    let mut digits = Vec::new();
    let mut v = n.unsigned_abs();
    loop {
        digits.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        digits.push(b'-');
    }
    digits.iter().rev().map(|&b| char::from(b)).collect()
}

/// The closest ancestor-or-self of an event target matching `selector`.
pub fn closest(target: Option<web_sys::EventTarget>, selector: &str) -> Option<Element> {
    target?.dyn_into::<Element>().ok()?.closest(selector).ok()?
}
