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

/// Entry point, called by `boot.js` once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    app::App::boot()
}
