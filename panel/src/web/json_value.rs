//! Copies a JavaScript value (the options object, a `JSON.parse`d answer) into the core's
//! [`Json`], depth-limited so hostile input cannot exhaust the stack. Functions, symbols and
//! `undefined` become `null`.

use js_sys::{Array, Object};
use rapport::core::json::{Json, MAX_DEPTH};
use wasm_bindgen::{JsCast, JsValue};

/// The JSON view of `v`.
pub fn to_json(v: &JsValue) -> Json {
    copy(v, 0)
}

fn copy(v: &JsValue, depth: usize) -> Json {
    if let Some(s) = v.as_string() {
        return Json::Str(s);
    }
    if let Some(n) = v.as_f64() {
        return if n.is_finite() {
            Json::Num(n)
        } else {
            Json::Null
        };
    }
    if let Some(b) = v.as_bool() {
        return Json::Bool(b);
    }
    if depth >= MAX_DEPTH || !v.is_object() || v.is_function() {
        return Json::Null;
    }
    if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        return Json::Arr(items.iter().map(|item| copy(&item, depth + 1)).collect());
    }
    let members = Object::entries(v.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let pair: Array = entry.unchecked_into();
            let key = pair.get(0).as_string()?;
            Some((key, copy(&pair.get(1), depth + 1)))
        })
        .collect();
    Json::Obj(members)
}
