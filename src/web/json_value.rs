//! JSON into the core's [`Json`] through the browser's own `JSON.parse`.
//!
//! The core's parser (`Json::parse`) is what the collector and the native tests use; the
//! widget reads JSON text (the collector's config, its own stored records) with the
//! parser every browser already has and copies the result into a [`Json`] value, which
//! keeps a parser out of the download. `JSON.parse` and the core agree on what matters
//! here: numbers are doubles and a repeated key keeps its last value. They differ at the
//! edges only: object members come in JavaScript's property order (integer-like keys
//! first); the browser rounds long mantissas exactly where the core's reader may be an ulp
//! off; and a number too large for a double is `Infinity` here (which the configuration's
//! range checks then reject) where the core's parser refuses the text.

use crate::prelude::*;

use wasm_bindgen::JsValue;

use crate::core::json::{Json, MAX_DEPTH};
use crate::core::msg;

use super::js;

/// `JSON.parse(text)` as a [`Json`]; `None` when `text` is not JSON. What the widget
/// uses: it never shows why a text is no JSON, so the browser's message is not read.
pub fn read(text: &str) -> Option<Json> {
    json_parse(text).ok().map(|value| from_js(&value))
}

/// [`read`] with the browser's message when `text` is not JSON (`Err`), for callers that
/// show it (the widget has none: this stays out of its wasm).
pub fn parse(text: &str) -> Result<Json, String> {
    match json_parse(text) {
        Ok(value) => Ok(from_js(&value)),
        Err(thrown) => Err(js::get_str(&thrown, "message").unwrap_or_default()),
    }
}

/// `JSON.parse(text)`, or what it threw.
fn json_parse(text: &str) -> Result<JsValue, JsValue> {
    js::call(&js::global_get("JSON"), "parse", &[text.into()])
}

/// `Array.isArray(value)`.
pub fn is_array(value: &JsValue) -> bool {
    js::call_static("Array", "isArray", ::core::slice::from_ref(value)).is_truthy()
}

/// A JSON-shaped JS value (what `JSON.parse` returns) as a [`Json`]. Anything JSON cannot
/// hold (`undefined`, functions, symbols) reads as `null`, and so does whatever is nested
/// deeper than the core parser accepts ([`MAX_DEPTH`]): `JSON.parse` has no depth limit,
/// and a hostile stored record must not exhaust the wasm stack.
pub fn from_js(value: &JsValue) -> Json {
    at_depth(value, 0)
}

fn at_depth(value: &JsValue, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    if let Some(text) = value.as_string() {
        return Json::Str(text);
    }
    if let Some(number) = value.as_f64() {
        return Json::Num(number);
    }
    if !value.is_object() {
        // What is left of JSON's types: `null` and the booleans.
        return match value.is_null_or_undefined() || value.is_function() {
            true => Json::Null,
            false => Json::Bool(!value.is_falsy()),
        };
    }
    // `Object.keys` lists an array's indices as strings too.
    let keys = js::call_static("Object", "keys", ::core::slice::from_ref(value));
    let count = js::get_f64(&keys, "length").unwrap_or(0.0) as usize;
    let is_array = is_array(value);
    let mut items = Vec::new();
    let mut members = Vec::new();
    for index in 0..count {
        let key = js::get_str(&keys, &msg::uint(index as u64)).unwrap_or_default();
        let item = at_depth(&js::get(value, &key), depth + 1);
        if is_array {
            items.push(item);
        } else {
            members.push((key, item));
        }
    }
    match is_array {
        true => Json::Arr(items),
        false => Json::Obj(members),
    }
}
