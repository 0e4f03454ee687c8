//! The JS API (`--target web`, `dist/widget/widget.js`): `start(options)`, which returns
//! the widget object `{command(name, args), destroy(), active}`. Nothing here throws into
//! the page once started; every entry point checks the dead flag first.
//!
//! The widget object is a plain object whose methods are the widget's one handler bound to
//! a tag (`app::api`) rather than an exported class: each exported method would cost a
//! wasm export with its borrow checks and a glue wrapper.

use wasm_bindgen::prelude::*;

use super::app::{self, App};
use super::options::Options;
use super::{guard, log};

/// Starts the widget and returns it: `{command(name, args), destroy(), active}`.
///
/// `options`: `{site, endpoint, nonce?, config (the collector's site config object, or
/// null when it could not be read), inline? (an array of inline config objects, applied in
/// order as `config` commands are), emit(name, detail), exitIntent?: bool, navAt?: number}`.
/// Bad options or an invalid collector config log one `console.error` naming the field and
/// give a dormant widget; an inline `surveys` member is refused with one error and the rest
/// of that inline config applies (surveys are defined only in the collector's config, see
/// [`crate::core::survey::PartialSiteConfig`]). Never throws.
///
/// * `command(name, args)` runs a loader command: `identify`, `track`, `show`, `config`,
///   `page`, `hide`; problems are reported with `console.warn`.
/// * `destroy()` stops the widget: removes the survey, listeners and timers. Later
///   commands are ignored.
/// * `active` (read-only): whether the widget runs with a valid configuration (false:
///   dormant or destroyed).
#[wasm_bindgen]
pub fn start(options: JsValue) -> JsValue {
    guard::install_panic_hook();
    let handler = if guard::is_dead() {
        None
    } else {
        match Options::read(&options) {
            Ok(options) => Some(App::start(options)),
            Err(err) => {
                log::error(&[err.message()]);
                None
            }
        }
    };
    app::api(handler.as_ref())
}
