//! The DOM shell (wasm32 only): renders core state into a shadow root and forwards
//! browser events to the core. No survey logic lives here.
//!
//! * [`exports`] — `start` and the widget object it returns, the loader contract.
//! * [`app`] — the controller wiring core decisions to the page.
//! * [`ui`] — host element, stylesheet, dialog and question controls, focus.
//! * [`locales`] — the locale files of languages other than English.
//! * [`store`], [`transport`], [`timer`], [`listener`], [`regex`], [`env`] — small browser
//!   adapters over web-sys and js-sys (typed bindings: a misspelt method does not compile).

pub mod app;
pub mod env;
pub mod exports;
pub mod guard;
pub mod json_value;
pub mod listener;
pub mod locales;
pub mod log;
pub mod options;
pub mod regex;
#[cfg(not(feature = "std"))]
mod runtime;
pub mod store;
pub mod timer;
pub mod transport;
pub mod ui;
