//! One-shot timers that cancel themselves when dropped.
//!
//! A timer calls the widget's one handler function with a numeric tag (`setTimeout`'s extra
//! arguments), so timers need no closure of their own.

use js_sys::{Array, Function};
use wasm_bindgen::JsValue;

use super::env;

/// A pending `setTimeout`; dropping it clears the timeout.
pub struct Timeout(Option<i32>);

impl Timeout {
    /// Calls `handler(tag)` once after `millis` milliseconds (clamped to the 32-bit range
    /// browsers accept; longer delays fire early and the caller re-checks).
    pub fn new(handler: &Function, millis: f64, tag: u8) -> Timeout {
        let delay = millis.clamp(0.0, 2_147_483_647.0);
        Timeout(later(
            handler,
            delay,
            [JsValue::from(tag), JsValue::UNDEFINED, JsValue::UNDEFINED],
        ))
    }
}

/// `setTimeout(handler, millis, a, b, c)`: `handler(a, b, c)` after `millis`
/// milliseconds; the id (`None` if it failed).
pub fn later(handler: &Function, millis: f64, [a, b, c]: [JsValue; 3]) -> Option<i32> {
    env::window()?
        .set_timeout_with_callback_and_timeout_and_arguments(
            handler,
            millis as i32,
            &Array::of3(&a, &b, &c),
        )
        .ok()
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.0, env::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}
