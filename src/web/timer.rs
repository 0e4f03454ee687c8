//! One-shot timers that cancel themselves when dropped.
//!
//! A timer calls the widget's one handler function with a numeric tag (`setTimeout`'s extra
//! arguments), so timers need no closure of their own.

use wasm_bindgen::JsValue;

use super::js;

/// A pending `setTimeout`; dropping it clears the timeout.
pub struct Timeout(JsValue);

impl Timeout {
    /// Calls `handler(tag)` once after `millis` milliseconds (clamped to the 32-bit range
    /// browsers accept; longer delays fire early and the caller re-checks).
    pub fn new(handler: &JsValue, millis: f64, tag: u8) -> Timeout {
        let delay = millis.clamp(0.0, 2_147_483_647.0);
        Timeout(later(
            handler,
            delay,
            [JsValue::from(tag), JsValue::UNDEFINED, JsValue::UNDEFINED],
        ))
    }
}

/// `setTimeout(handler, millis, a, b, c)`: `handler(a, b, c)` after `millis`
/// milliseconds; the id (`undefined` if it failed).
pub fn later(handler: &JsValue, millis: f64, [a, b, c]: [JsValue; 3]) -> JsValue {
    js::call_global("setTimeout", &[handler.clone(), millis.into(), a, b, c]).unwrap_or_default()
}

impl Drop for Timeout {
    fn drop(&mut self) {
        js::invoke(
            &js::global(),
            "clearTimeout",
            ::core::slice::from_ref(&self.0),
        );
    }
}
