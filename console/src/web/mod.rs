//! The console's thin web shell (wasm32 only): [`app`] owns the page's landmarks, the
//! session and the history; [`pages`] renders one view each; [`dom`] and [`http`] are the
//! typed helpers they share; [`theme`] is light/dark.

mod app;
mod dom;
mod download;
mod http;
mod pages;
mod people;
mod site_picker;
mod theme;

use wasm_bindgen::prelude::*;

#[cfg(test)]
mod tests;

/// Entry point, called by `boot.js` once the module is instantiated (not in the browser
/// tests, whose page is not the console's).
#[cfg_attr(not(test), wasm_bindgen(start))]
#[cfg_attr(test, allow(dead_code))]
pub fn start() -> Result<(), JsValue> {
    app::App::boot()
}
