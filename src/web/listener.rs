//! DOM event listeners that unregister themselves when dropped.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget};

/// An event listener registered on `target`; dropping it removes the listener.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens for `kind` events on `target`. `passive` listeners cannot cancel the event,
    /// which keeps scrolling smooth on the host page.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        passive: bool,
        callback: impl FnMut(Event) + 'static,
    ) -> Listener {
        let closure = Closure::<dyn FnMut(Event)>::new(callback);
        let options = AddEventListenerOptions::new();
        options.set_passive(passive);
        // Registration only fails on exotic targets; a missing listener degrades a trigger,
        // it never breaks the page.
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            closure.as_ref().unchecked_ref(),
            &options,
        );
        Listener {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}
