//! Console messages, all prefixed with `[rapport]`.
//!
//! Built by concatenation rather than `format!` to keep the formatting machinery out of
//! the hot paths (it costs bytes in the shipped wasm).

use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::js;

/// `console[level]` of the concatenated parts.
fn log(level: &str, parts: &[&str]) {
    let mut msg = String::from("[rapport] ");
    for part in parts {
        msg.push_str(part);
    }
    console(level, &msg);
}

/// `console[level](message)`.
pub(super) fn console(level: &str, message: &str) {
    js::invoke(&js::global_get("console"), level, &[message.into()]);
}

/// `console.warn` of the concatenated parts.
pub fn warn(parts: &[&str]) {
    log("warn", parts);
}

/// `console.error` of the concatenated parts.
pub fn error(parts: &[&str]) {
    log("error", parts);
}

/// Best-effort text of a thrown JS value (an `Error`'s message, or the value as a string).
pub fn js_text(value: &JsValue) -> String {
    js::get_str(value, "message")
        .or_else(|| value.as_string())
        .unwrap_or_else(|| String::from("unknown error"))
}
