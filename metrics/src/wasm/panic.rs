//! A panic hook that reports the panic message on `console.error` once.
//!
//! The shipped module is built with `panic = "abort"`: a panic traps and the
//! instance is unusable afterwards. The JS side (`pkg/metrics.js`) sees the
//! trap as a `WebAssembly.RuntimeError` and starts a fresh worker; the hook only
//! makes sure the reason is visible in the console.

use std::sync::Once;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

static HOOK: Once = Once::new();

/// Installs the hook (idempotent; called at the start of every export).
pub(crate) fn install() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error(&format!("rapport-metrics panicked: {info}"));
        }));
    });
}
