//! Facts read from the browser: clock, URL, languages, randomness, scroll depth.
//!
//! Each function degrades to a neutral value instead of failing: a missing API must
//! never break the host page.

use crate::prelude::*;

use js_sys::Date;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, VisualViewport, Window};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `globalThis`: one import, where `web_sys::window()` (through `js_sys::global()`)
    /// tries four (`globalThis`, `self`, `window`, `global`) for runtimes that lack it.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// The page's `window`; `None` outside a page (a worker), where the widget stays dormant.
pub fn window() -> Option<Window> {
    GLOBAL_THIS.with(|global| global.dyn_ref::<Window>().cloned())
}

/// `document`, if there is one.
pub fn document() -> Option<Document> {
    window()?.document()
}

/// Wall-clock time in epoch milliseconds.
pub fn now_ms() -> f64 {
    Date::now()
}

/// The current time as an ISO-8601 UTC string (`2026-11-22T10:00:00.000Z`).
pub fn iso_now() -> String {
    Date::new_0().to_iso_string().into()
}

/// `Date.parse(text)`: epoch ms, `None` when the browser cannot read it as a date.
pub fn parse_date(text: &str) -> Option<f64> {
    Some(Date::parse(text)).filter(|ms| !ms.is_nan())
}

/// `performance.now()`: the monotonic clock the loader's `navAt` is measured on.
pub fn perf_now() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The full page URL.
pub fn href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// `document.documentElement`.
fn root_element() -> Option<Element> {
    document()?.document_element()
}

/// The preferred languages, best first: `<html lang>`, then `navigator.languages`.
pub fn languages() -> Vec<String> {
    let mut out = Vec::new();
    if let Some(lang) = root_element().and_then(|root| root.get_attribute("lang")) {
        if !lang.trim_ascii().is_empty() {
            out.push(String::from(lang.trim_ascii()));
        }
    }
    if let Some(window) = window() {
        for lang in window.navigator().languages().iter() {
            if let Some(lang) = lang.as_string() {
                out.push(lang);
            }
        }
    }
    out
}

/// 16 random bytes from `crypto.getRandomValues`, falling back to `Math.random` where the
/// Web Crypto API is missing (ids made from them stay unique enough for idempotency keys).
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// How far down the page the bottom of the viewport is, 0–100.
pub fn scroll_percent() -> f64 {
    let height = root_element().map_or(0.0, |root| f64::from(root.scroll_height()));
    let Some(window) = window() else { return 100.0 };
    let number = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let bottom = window.scroll_y().unwrap_or(0.0) + number(window.inner_height());
    if height <= 0.0 {
        return 100.0;
    }
    (bottom / height * 100.0).min(100.0)
}

/// Whether the shopper is acting on the page right now: the event being dispatched
/// (`window.event`) is a trusted click or key press, as when a page's click handler calls
/// `show` and the loader forwards it at once.
///
/// Not `navigator.userActivation.isActive`: that stays on for seconds after any key press
/// or click (a `show` from a script three seconds after the shopper typed in a search field
/// would take focus from them), and a test driver's own script calls count as activation.
/// A `show` that waits for the widget to load comes later, outside the event: a launcher
/// passes `{shopper: true}` with it instead.
pub fn user_activation() -> bool {
    let Some(window) = window() else { return false };
    window
        .event()
        .dyn_ref::<Event>()
        .is_some_and(|event| event.is_trusted() && ACTIVATING.contains(&event.type_().as_str()))
}

/// The events whose handlers act for the shopper (see [`user_activation`]).
const ACTIVATING: [&str; 7] = [
    "click",
    "keydown",
    "keyup",
    "mousedown",
    "mouseup",
    "pointerup",
    "touchend",
];

/// `window.visualViewport`: the part of the page on screen (pinch zoom, a page wider than
/// the screen); `None` where unsupported.
pub fn visual_viewport() -> Option<VisualViewport> {
    window()?.visual_viewport()
}
