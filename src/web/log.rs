//! Console messages, all prefixed with `[rapport]`.
//!
//! Built by concatenation rather than `format!` to keep the formatting machinery out of
//! the hot paths (it costs bytes in the shipped wasm).

use crate::prelude::*;

fn join(parts: &[&str]) -> wasm_bindgen::JsValue {
    let mut msg = String::from("[rapport] ");
    for part in parts {
        msg.push_str(part);
    }
    msg.into()
}

/// `console.warn` of the concatenated parts.
pub fn warn(parts: &[&str]) {
    web_sys::console::warn_1(&join(parts));
}

/// `console.error` of the concatenated parts.
pub fn error(parts: &[&str]) {
    web_sys::console::error_1(&join(parts));
}

/// Best-effort text of a thrown JS value (an `Error`'s message, or the value as a string).
pub fn js_text(value: &wasm_bindgen::JsValue) -> String {
    if let Some(err) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(value) {
        return String::from(err.message());
    }
    value
        .as_string()
        .unwrap_or_else(|| String::from("unknown error"))
}
