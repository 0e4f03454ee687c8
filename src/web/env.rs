//! Facts read from the browser: clock, URL, languages, randomness, scroll depth.
//!
//! Each function degrades to a neutral value instead of failing: a missing API must
//! never break the host page.

use crate::prelude::*;

use wasm_bindgen::JsValue;

/// Wall-clock time in epoch milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The current time as an ISO-8601 UTC string (`2026-11-22T10:00:00.000Z`).
pub fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// `performance.now()`: the monotonic clock the loader's `navAt` is measured on.
pub fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The full page URL.
pub fn href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Path plus query string (`/order/1?x=2`), which URL targeting matches against.
pub fn path_and_query() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::from("/");
    };
    let mut out = location.pathname().unwrap_or_else(|_| String::from("/"));
    out.push_str(&location.search().unwrap_or_default());
    out
}

/// Preferred languages, best first: `<html lang>`, then `navigator.languages`.
pub fn languages() -> Vec<String> {
    let mut out = Vec::new();
    let Some(window) = web_sys::window() else {
        return out;
    };
    if let Some(lang) = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
    {
        if !lang.trim().is_empty() {
            out.push(String::from(lang.trim()));
        }
    }
    for lang in window.navigator().languages().iter() {
        if let Some(lang) = lang.as_string() {
            out.push(lang);
        }
    }
    out
}

/// Fills `buf` from `crypto.getRandomValues`, falling back to `Math.random` where the
/// Web Crypto API is missing (the ids stay unique enough for idempotency keys).
pub fn fill_random(buf: &mut [u8]) {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(crypto) = crypto {
        if crypto.get_random_values_with_u8_array(buf).is_ok() {
            return;
        }
    }
    for b in buf.iter_mut() {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
}

/// How far down the page the bottom of the viewport is, 0–100.
pub fn scroll_percent() -> f64 {
    let Some(window) = web_sys::window() else {
        return 0.0;
    };
    let Some(root) = window.document().and_then(|d| d.document_element()) else {
        return 0.0;
    };
    let height = f64::from(root.scroll_height());
    let bottom = window.scroll_y().unwrap_or(0.0)
        + window
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
    if height <= 0.0 {
        return 100.0;
    }
    (bottom / height * 100.0).min(100.0)
}

/// Reads `obj[key]` without throwing (getters on hostile objects may throw).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
