//! The dead flag and what a panic does.
//!
//! Wasm is built with `panic = "abort"`: a panic traps and leaves the instance unusable,
//! so the first panic logs once and marks the widget dead. Every export checks [`is_dead`]
//! first so that later calls from the page are silent no-ops instead of more traps.
//!
//! The shipped build (no `std`) reaches [`disable`] from its panic handler
//! (`super::runtime`); with `std` (tests) a panic hook does the same and keeps the message.

use ::core::sync::atomic::{AtomicBool, Ordering};

static DEAD: AtomicBool = AtomicBool::new(false);

const DISABLED: &str = "[rapport] internal error, widget disabled";

/// Whether a panic has disabled the widget.
pub fn is_dead() -> bool {
    DEAD.load(Ordering::Relaxed)
}

/// Marks every widget of the page dead (after a panic: the instance is unusable); the
/// first call logs one `console.error`.
pub fn disable() {
    if !DEAD.swap(true, Ordering::Relaxed) {
        web_sys::console::error_1(&DISABLED.into());
    }
}

/// Marks one widget dead through its own `flag` (after a trap that was no panic, see
/// `app::run`); the first call logs one `console.error`.
pub fn disable_one(flag: &::core::cell::Cell<bool>) {
    if !flag.replace(true) {
        web_sys::console::error_1(&DISABLED.into());
    }
}

/// Installs the panic hook (idempotent). The shipped build needs none: its panic handler
/// calls [`disable`] directly.
#[cfg(not(feature = "std"))]
pub fn install_panic_hook() {}

/// Installs the panic hook (idempotent), chained so that a host that installed its own
/// hook (a test harness) still sees the panic.
#[cfg(feature = "std")]
pub fn install_panic_hook() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(std::boxed::Box::new(move |info| {
            if !DEAD.swap(true, Ordering::Relaxed) {
                let message = std::format!("{DISABLED}: {info}");
                web_sys::console::error_1(&message.into());
            }
            previous(info);
        }));
    });
}
