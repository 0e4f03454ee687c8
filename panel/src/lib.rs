//! Rapport's loyalty panel: a separate wasm module, fetched only when a shopper opens it
//! (`rapport('loyalty')`), never with a survey.
//!
//! * [`machine`] — every decision, as a state machine (inputs in, effects out), tested
//!   natively: loading → ready → confirm → redeeming → code, anonymous → join call to action.
//! * [`model`] — the view model of `loyalty/me`, decoded with the core's JSON decoders.
//! * [`options`] — what the loader passes (site, collector, customer token, links, theme).
//! * [`i18n`] — the panel's words in every locale (English built in, the others as
//!   locale files) and the locale file's form.
//! * [`format`] — how numbers and dates read in the panel's language (`Intl` in the shell).
//! * [`strings`] — the sentences built from the model in those words.
//! * [`error`] — the one error enum.
//! * `web` (wasm32 only) — the thin shadow-DOM shell: renders the machine's screen,
//!   forwards clicks and keys, performs fetches.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

mod prelude;

pub mod error;
pub mod format;
pub mod i18n;
pub mod machine;
pub mod model;
pub mod options;
pub mod strings;

#[cfg(target_arch = "wasm32")]
mod web;
