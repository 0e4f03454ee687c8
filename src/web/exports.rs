//! The JS API (`--target web`, `dist/widget/widget.js`): `start(options)` and
//! `Widget.command(name, args)`. Nothing here throws into the page once started; every
//! entry point checks the dead flag first.

use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::app::{with_app, App, Shared};
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
#[wasm_bindgen]
pub fn start(options: JsValue) -> Result<Widget, JsValue> {
    guard::install_panic_hook();
    if guard::is_dead() {
        return Ok(Widget { app: None });
    }
    match Options::read(&options) {
        Ok(options) => Ok(Widget {
            app: Some(App::start(options)),
        }),
        Err(err) => {
            log::error(&[err.text()]);
            Ok(Widget { app: None })
        }
    }
}

#[wasm_bindgen]
impl Widget {
    /// Runs a loader command: `identify`, `track`, `show`, `config`, `page`, `hide`.
    /// Never throws; problems are reported with `console.warn`.
    pub fn command(&self, name: &str, args: JsValue) {
        let Some(app) = &self.app else { return };
        let args: Array = if Array::is_array(&args) {
            args.into()
        } else if args.is_undefined() || args.is_null() {
            Array::new()
        } else {
            Array::of1(&args)
        };
        let name = String::from(name);
        with_app(&Rc::downgrade(app), move |app| app.command(&name, &args));
    }

    /// Whether the widget runs with a valid configuration (false: dormant).
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        !guard::is_dead()
            && self
                .app
                .as_ref()
                .and_then(|a| a.try_borrow().ok().map(|a| a.is_active()))
                .unwrap_or(false)
    }

    /// Stops the widget: removes the survey, listeners and timers. Later commands are
    /// ignored.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            if let Ok(mut state) = app.try_borrow_mut() {
                state.destroy();
            }
        }
    }
}
