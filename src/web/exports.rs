//! The JS API (`--target web`, `dist/widget/widget.js`): `start(options)` and
//! `Widget.command(name, args)`. Nothing here throws into the page once started; every
//! entry point checks the dead flag first.

use wasm_bindgen::prelude::*;

use super::app::{self, App, Shared};
use super::options::Options;
use super::{guard, log};

/// A started widget, returned by [`start`].
#[wasm_bindgen]
pub struct Widget {
    app: Option<Shared>,
}

/// Starts the widget.
///
/// `options`: `{site, endpoint, nonce?, config (site config object or null),
/// emit(name, detail), exitIntent?: bool, navAt?: number}`. Bad options or an invalid
/// configuration log one `console.error` naming the field and give a dormant widget.
/// Never throws (no `Result`: that would cost an exception path in the glue).
#[wasm_bindgen]
pub fn start(options: JsValue) -> Widget {
    guard::install_panic_hook();
    if guard::is_dead() {
        return Widget { app: None };
    }
    match Options::read(&options) {
        Ok(options) => Widget {
            app: Some(App::start(options)),
        },
        Err(err) => {
            log::error(&[err.message()]);
            Widget { app: None }
        }
    }
}

#[wasm_bindgen]
impl Widget {
    /// Runs a loader command: `identify`, `track`, `show`, `config`, `page`, `hide`.
    /// Never throws; problems are reported with `console.warn`. `name` stays a JS value
    /// because the controller reads it as one (`app::run`): no string crosses the boundary
    /// twice.
    pub fn command(&self, name: JsValue, args: JsValue) {
        if let Some(app) = &self.app {
            // A number or an object would read as a timer tag or an event.
            if name.as_string().is_some() {
                app::run(app, name, args);
            } else {
                log::warn(&["command: the name must be a string"]);
            }
        }
    }

    /// Whether the widget runs with a valid configuration (false: dormant).
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        !guard::is_dead() && self.app.as_ref().is_some_and(|a| a.is_active())
    }

    /// Stops the widget: removes the survey, listeners and timers. Later commands are
    /// ignored.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}
