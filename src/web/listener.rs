//! DOM event listeners that unregister themselves when dropped.
//!
//! Every listener is the widget's one handler function (see `app::Inner`): it tells the
//! events apart by their `type`, so there is one wasm-bindgen closure in all.

use crate::prelude::*;

use wasm_bindgen::JsValue;

use super::js;

/// Event kinds registered with `handler`; dropping it removes them.
pub struct Listeners {
    handler: JsValue,
    on: Vec<(JsValue, &'static str)>,
}

impl Listeners {
    /// No listeners yet.
    pub fn new(handler: &JsValue) -> Listeners {
        Listeners {
            handler: handler.clone(),
            on: Vec::new(),
        }
    }

    /// Listens for `kind` events on `target`. Registration only fails on exotic targets; a
    /// missing listener degrades a trigger, it never breaks the page.
    pub fn add(&mut self, target: &JsValue, kind: &'static str) {
        js::invoke(
            target,
            "addEventListener",
            &[kind.into(), self.handler.clone()],
        );
        self.on.push((target.clone(), kind));
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, kind) in &self.on {
            js::invoke(
                target,
                "removeEventListener",
                &[(*kind).into(), self.handler.clone()],
            );
        }
    }
}
