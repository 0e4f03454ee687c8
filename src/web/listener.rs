//! DOM event listeners that unregister themselves when dropped.
//!
//! Every listener is the widget's one handler function (see `app::Inner`): it tells the
//! events apart by their `type`, so there is one wasm-bindgen closure in all.

use crate::prelude::*;

use js_sys::Function;
use web_sys::EventTarget;

/// Event kinds registered with `handler`; dropping it removes them.
pub struct Listeners {
    handler: Function,
    on: Vec<(EventTarget, &'static str)>,
}

impl Listeners {
    /// No listeners yet.
    pub fn new(handler: &Function) -> Listeners {
        Listeners {
            handler: handler.clone(),
            on: Vec::new(),
        }
    }

    /// Listens for `kind` events on `target`. Registration only fails on exotic targets; a
    /// missing listener degrades a trigger, it never breaks the page.
    pub fn add(&mut self, target: &EventTarget, kind: &'static str) {
        let _ = target.add_event_listener_with_callback(kind, &self.handler);
        self.on.push((target.clone(), kind));
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, kind) in &self.on {
            let _ = target.remove_event_listener_with_callback(kind, &self.handler);
        }
    }
}
