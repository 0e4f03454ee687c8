//! Facts read from the browser: clock, URL, languages, randomness, scroll depth.
//!
//! Each function degrades to a neutral value instead of failing: a missing API must
//! never break the host page.

use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::js::{self, get, get_f64, get_str, global_get};
use crate::core::msg::int;

/// Wall-clock time in epoch milliseconds.
pub fn now_ms() -> f64 {
    js::call_static("Date", "now", &[]).as_f64().unwrap_or(0.0)
}

/// The current time as an ISO-8601 UTC string (`2026-11-22T10:00:00.000Z`).
pub fn iso_now() -> String {
    js::construct("Date", &[])
        .map(|date| js::call_s(&date, "toISOString", &[]))
        .ok()
        .and_then(|iso| iso.as_string())
        .unwrap_or_default()
}

/// `Date.parse(text)`: epoch ms, `None` when the browser cannot read it as a date.
pub fn parse_date(text: &str) -> Option<f64> {
    js::call_static("Date", "parse", &[text.into()])
        .as_f64()
        .filter(|ms| !ms.is_nan())
}

/// `performance.now()`: the monotonic clock the loader's `navAt` is measured on.
pub fn perf_now() -> f64 {
    js::call_static("performance", "now", &[])
        .as_f64()
        .unwrap_or(0.0)
}

/// `location`.
fn location() -> JsValue {
    global_get("location")
}

/// The full page URL.
pub fn href() -> String {
    get_str(&location(), "href").unwrap_or_default()
}

/// Path plus query string (`/order/1?x=2`), which URL targeting matches against.
pub fn path_and_query() -> String {
    let location = location();
    let mut out = get_str(&location, "pathname").unwrap_or_else(|| String::from("/"));
    out.push_str(&get_str(&location, "search").unwrap_or_default());
    out
}

/// `document`.
pub fn document() -> JsValue {
    global_get("document")
}

/// `document.documentElement`.
fn root_element() -> JsValue {
    get(&document(), "documentElement")
}

/// Appends the preferred languages to `out`, best first: `<html lang>`, then
/// `navigator.languages`.
pub fn languages(out: &mut Vec<String>) {
    if let Some(lang) = js::call_s(&root_element(), "getAttribute", &["lang"]).as_string() {
        if !lang.trim_ascii().is_empty() {
            out.push(String::from(lang.trim_ascii()));
        }
    }
    let list = get(&global_get("navigator"), "languages");
    for i in 0..len(&list) {
        if let Some(lang) = get_str(&list, &int(i as i64)) {
            out.push(lang);
        }
    }
}

/// `length` of an array-like (0 when there is none).
pub fn len(list: &JsValue) -> usize {
    get_f64(list, "length").unwrap_or(0.0) as usize
}

/// A fresh UUID v4 from `crypto.getRandomValues`, falling back to `Math.random` where the
/// Web Crypto API is missing (the ids stay unique enough for idempotency keys).
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    let buf = js::construct("Uint8Array", &[JsValue::from_f64(16.0)]).unwrap_or_default();
    let filled = js::call(
        &global_get("crypto"),
        "getRandomValues",
        ::core::slice::from_ref(&buf),
    )
    .is_ok();
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = if filled {
            get_f64(&buf, &int(i as i64)).unwrap_or(0.0)
        } else {
            js::math("random", &[]) * 256.0
        } as u8;
    }
    crate::core::uuid::uuid_v4(bytes)
}

/// How far down the page the bottom of the viewport is, 0–100.
pub fn scroll_percent() -> f64 {
    let height = get_f64(&root_element(), "scrollHeight").unwrap_or(0.0);
    let window = js::global();
    let bottom =
        get_f64(&window, "scrollY").unwrap_or(0.0) + get_f64(&window, "innerHeight").unwrap_or(0.0);
    if height <= 0.0 {
        return 100.0;
    }
    (bottom / height * 100.0).min(100.0)
}
