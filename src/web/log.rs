//! Console messages, all prefixed with `[rapport]`.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::console;

/// The concatenated parts after the prefix.
fn message(parts: &[&str]) -> JsValue {
    let mut msg = String::from("[rapport] ");
    for part in parts {
        msg.push_str(part);
    }
    JsValue::from(msg)
}

/// `console.warn` of the concatenated parts.
pub fn warn(parts: &[&str]) {
    console::warn_1(&message(parts));
}

/// `console.error` of the concatenated parts.
pub fn error(parts: &[&str]) {
    console::error_1(&message(parts));
}

/// Best-effort text of a thrown JS value (an `Error`'s message, or the value as a string).
pub fn js_text(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => value
            .as_string()
            .unwrap_or_else(|| String::from("unknown error")),
    }
}
