//! Rapport: the feedback widget.
//!
//! * [`core`] — the pure survey core (no browser APIs): model, validation, branching,
//!   targeting, triggers, throttling, outbox retry policy, UI strings. The collector server
//!   uses it to validate responses.
//! * `web` (wasm32 only) — the thin shadow-DOM shell compiled to `dist/widget/`.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
