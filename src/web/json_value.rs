//! JSON into the core's [`Json`] through the browser's own `JSON.parse`.
//!
//! The core has no JSON text parser (the collector reads text with serde_json); the widget
//! reads JSON text (the collector's config, its own stored records) with the parser every
//! browser already has and copies the result into a [`Json`] value. `JSON.parse` and
//! serde_json agree on what matters here: numbers are doubles and a repeated key keeps its
//! last value. They differ at the edges only: object members come in JavaScript's property
//! order (integer-like keys first) where serde_json sorts them; a lone surrogate escape is
//! kept by the browser (and becomes U+FFFD in Rust text) where serde_json refuses it (the
//! collector replaces it first); and a number too large for a double is `Infinity` here
//! (which the configuration's range checks then reject) where serde_json refuses the text.

use crate::prelude::*;

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::json::{Json, MAX_DEPTH};
use crate::core::response::{AnswerValue, MultipleChoice};

/// `JSON.parse(text)` as a [`Json`]; `None` when `text` is not JSON.
pub fn read(text: &str) -> Option<Json> {
    JSON::parse(text).ok().map(|value| from_js(&value))
}

/// [`read`] with the browser's message when `text` is not JSON (`Err`).
pub fn parse(text: &str) -> Result<Json, String> {
    match JSON::parse(text) {
        Ok(value) => Ok(from_js(&value)),
        Err(thrown) => Err(super::log::js_text(&thrown)),
    }
}

/// `JSON.stringify(value)`; `None` for values JSON cannot hold or that throw (cycles).
pub fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value).ok()?.as_string()
}

/// `answer` with the text the browser wrote as JSON literals ([`AnswerValue::Json`], a JSON
/// "Other") read back as plain text, as the collector reads it (a lone surrogate becomes
/// U+FFFD): the form [`crate::core::response::check_answer`] checks.
pub fn plain(answer: &AnswerValue) -> AnswerValue {
    let text = |literal: &str| {
        JSON::parse(literal)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    match answer {
        AnswerValue::Json(literal) => AnswerValue::Text(text(literal)),
        AnswerValue::Choices(mc) if mc.other_is_json => AnswerValue::Choices(MultipleChoice {
            choices: mc.choices.clone(),
            other: mc.other.as_deref().map(text),
            other_is_json: false,
        }),
        other => other.clone(),
    }
}

/// A value the page passed (a command argument, an inline configuration) as JSON:
/// objects through `JSON.stringify` (which drops functions and prototype junk, and refuses
/// cycles: those read as `null`).
pub fn plain_data(arg: &JsValue) -> Json {
    if let Some(text) = arg.as_string() {
        return Json::Str(text);
    }
    if arg.is_object() && !arg.is_function() {
        return stringify(arg)
            .and_then(|text| read(&text))
            .unwrap_or(Json::Null);
    }
    from_js(arg)
}

/// Whether `value` is an array.
pub fn is_array(value: &JsValue) -> bool {
    Array::is_array(value)
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
    if let Some(flag) = value.as_bool() {
        return Json::Bool(flag);
    }
    if !value.is_object() || value.is_function() {
        return Json::Null;
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        return Json::Arr(
            array
                .iter()
                .map(|item| at_depth(&item, depth + 1))
                .collect(),
        );
    }
    let mut members = Vec::new();
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let item = Reflect::get(value, &key).unwrap_or(JsValue::NULL);
        if let Some(key) = key.as_string() {
            members.push((key, at_depth(&item, depth + 1)));
        }
    }
    Json::Obj(members)
}
