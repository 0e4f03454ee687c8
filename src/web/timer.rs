//! One-shot timers that cancel themselves when dropped.

use crate::prelude::*;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A pending `setTimeout`; dropping it clears the timeout.
pub struct Timeout {
    id: Option<i32>,
    // Kept alive until fired or dropped; wasm-bindgen defers the free while it runs,
    // so the callback may drop its own `Timeout`.
    _closure: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `callback` once after `millis` milliseconds (clamped to the 32-bit range
    /// browsers accept; longer delays fire early and the caller re-checks).
    pub fn new(millis: f64, callback: impl FnOnce() + 'static) -> Timeout {
        Timeout::boxed(millis, Box::new(callback))
    }

    // Non-generic, so each caller adds only the boxing, not a copy of this body.
    fn boxed(millis: f64, callback: Box<dyn FnOnce()>) -> Timeout {
        let mut callback = Some(callback);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(callback) = callback.take() {
                callback();
            }
        });
        let delay = millis.clamp(0.0, 2_147_483_647.0) as i32;
        let id = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                delay,
            )
            .ok()
        });
        Timeout {
            id,
            _closure: closure,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}
