//! Rapport: the feedback widget.
//!
//! * [`core`] — the pure survey core (no browser APIs): model, validation, branching,
//!   targeting, triggers, throttling, outbox retry policy, UI strings. The collector server
//!   uses it to validate responses.
//! * `web` (wasm32 only) — the thin shadow-DOM shell compiled to `dist/widget/`.
//!
//! The crate is `no_std` + `alloc`. With the default `std` feature it links the standard
//! library (native users, tests); the shipped widget is built without it
//! (`--no-default-features`), with its own panic handler and allocator (see `web::runtime`),
//! which keeps Rust's formatting and unwinding machinery out of the shopper's download.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod prelude;

/// The compile-time CSS minifier of the widget stylesheet (wasm32, and tested natively).
#[cfg(any(all(target_arch = "wasm32", feature = "shell"), test))]
mod css;

pub mod core;

#[cfg(all(target_arch = "wasm32", feature = "shell"))]
pub mod web;

/// Panic handler and allocator of a wasm module built on the core without the shell.
#[cfg(all(target_arch = "wasm32", not(feature = "std"), not(feature = "shell")))]
mod runtime;
