//! The dead flag and the panic hook.
//!
//! Wasm is built with `panic = "abort"`: a panic traps and leaves the instance unusable,
//! so the hook logs once and marks the widget dead. Every export checks [`is_dead`] first
//! so that later calls from the page are silent no-ops instead of more traps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static DEAD: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Whether a panic has disabled the widget.
pub fn is_dead() -> bool {
    DEAD.load(Ordering::Relaxed)
}

/// Installs the panic hook (idempotent).
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        // Chained so that a host that installed its own hook (a test harness) still sees
        // the panic.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Only the first panic is worth a message; after it the instance is gone.
            if !DEAD.swap(true, Ordering::Relaxed) {
                let mut msg = String::from("[rapport] internal error, widget disabled: ");
                // Formatting on the panic path only; gone with the `no_std` panic handler.
                msg.push_str(&info.to_string());
                web_sys::console::error_1(&msg.into());
            }
            previous(info);
        }));
    });
}
