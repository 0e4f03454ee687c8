//! The controller: owns the widget's state, asks the core what to do, and drives the view,
//! storage, timers and transport accordingly.
//!
//! * [`watch`] — page signals (delay, scroll, exit intent) and trigger evaluation.
//! * [`session`] — the survey on screen: steps, validation, submission.
//! * [`delivery`] — outbox flushing with the core retry policy.
//! * [`commands`] — the loader's commands.
//! * [`visitor`] — the persisted visitor record.
//!
//! Everything reaches the controller through one function, [`run`], called by the one
//! JavaScript handler of the widget (a single wasm-bindgen closure) with `(a, b, c)`:
//!
//! * a DOM event (listeners on the window, the document and the shadow root);
//! * a number tag, and a payload: timers (`setTimeout`'s extra arguments) and the fetch
//!   outcome (a bound handler);
//! * the widget object's methods (see [`api`]), the handler bound to a tag: `command`
//!   (then a command name and its arguments), `destroy` and the `active` getter.
//!
//! Size: the handlers `run` reaches (open, next, submit, settle, command, ...) are
//! `#[inline(never)]`. Inlined by rustc into the one dispatcher they made the widget
//! larger (measured: about 150 B gzip); wasm-opt may still inline them later.
//!
//! Re-entrancy: page callbacks (`emit` handlers) may call back into the widget. Events
//! are therefore queued while the state is borrowed and emitted after it is released, and
//! a call that finds the state borrowed is repeated on the next task.

use crate::prelude::*;

pub mod commands;
pub mod delivery;
pub mod session;
pub mod visitor;
pub mod watch;

use ::core::cell::{OnceCell, RefCell};
use alloc::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::core::json::Json;
use crate::core::outbox::Outbox;
use crate::core::storage::{key, Slot};
use crate::core::survey::SiteConfig;
use crate::core::throttle::{mute_map, ThrottleState};
use crate::core::trigger::PageSignals;

use super::options::{Options, Start};
use super::store::WebStore;
use super::timer::{self, Timeout};
use super::{env, guard, js, json_value, log};

use delivery::Delivery;
use session::Session;
use visitor::Visitor;
use watch::Watch;

/// Tag of the first run: load and start watching.
const START: u8 = 0;
/// Tag of the delay-trigger timer: evaluate triggers.
const DELAY: u8 = 1;
/// Tag of the delivery retry timer: flush the outbox.
const RETRY: u8 = 2;
/// Tag of the thank-you timer: close the survey.
const THANKS: u8 = 3;
/// Tag of the fetch outcome (payload: the `Response` or the rejection reason).
const SENT: u8 = 4;
/// Tag of `widget.command(name, args)`.
const COMMAND: u8 = 5;
/// Tag of `widget.destroy()`: drops the state (survey, listeners, timers).
const DESTROY: u8 = 6;
/// Tag of the `widget.active` getter: whether a valid configuration is loaded.
const ACTIVE: u8 = 7;

/// The widget: its state and the JS handler function that feeds it. The handler owns it
/// (the page reaches the widget only through the handler: the widget object's methods,
/// listeners, timers, fetch callbacks).
pub struct Inner {
    /// `None` once destroyed: every later call is ignored.
    state: RefCell<Option<App>>,
    /// Set right after the handler is made (it owns this).
    handler: OnceCell<JsValue>,
}

/// The widget's state.
pub struct App {
    /// The widget's JS handler function (listeners, timers, fetch callbacks).
    handler: JsValue,
    /// The start options: site, endpoint, nonce, `emit`, and `navAt`, which [`App::navigate`]
    /// moves on (kept whole: moving the struct once is less code than field by field).
    options: Options,
    /// `None`: the configuration was invalid; the widget stays dormant (no surveys).
    config: Option<SiteConfig>,
    /// The collector's configuration as it came (empty when there was none): the surveys
    /// an inline configuration may restate (see [`crate::core::survey::known`]).
    collector: SiteConfig,
    store: WebStore,
    visitor: Visitor,
    throttle: ThrottleState,
    outbox: Outbox,
    signals: PageSignals,
    /// Surveys shown since the last navigation (not shown twice on one page view).
    shown_here: Vec<String>,
    session: Option<Session>,
    delivery: Delivery,
    watch: Watch,
    outgoing: Vec<(&'static str, JsValue)>,
}

impl App {
    /// Builds the state from what `start` was given (as [`Options::read`] returns it): the
    /// collector's configuration, then each inline configuration merged over it as a
    /// `config` command is; then (first run) reads the visitor (made and stored when new)
    /// and throttle records, writes the mute map, starts watching the page, flushes the
    /// outbox and evaluates triggers. Returns the widget's handler (see [`api`]).
    pub fn start(start: Start) -> JsValue {
        let Start {
            options,
            config: json,
            inline,
        } = start;
        let store = WebStore::open();
        let decoded = |json: &Option<Json>| match json {
            None => Ok(SiteConfig::new(options.site.clone())),
            Some(json) => SiteConfig::from_value(json),
        };
        let config = match decoded(&json) {
            Ok(config) => Some(config),
            Err(err) => {
                log::error(&["invalid site config, widget disabled: ", &err.text()]);
                None
            }
        };
        // Decoded again rather than cloned: a second walk costs less wasm than `Clone`
        // of the whole survey model.
        let collector = decoded(&json).unwrap_or_else(|_| SiteConfig::new(options.site.clone()));
        let signals = PageSignals {
            exit_intent: options.exit_intent,
            ..PageSignals::default()
        };
        let mut app = App {
            // Set below, once the handler exists (it owns the state).
            handler: JsValue::UNDEFINED,
            config,
            collector,
            store,
            // Read (or made) by the first run, through the one load path.
            visitor: Visitor::default(),
            // Read by the first run, through the one load path.
            throttle: ThrottleState::default(),
            // Read by the first flush.
            outbox: Outbox::default(),
            signals,
            options,
            shown_here: Vec::new(),
            session: None,
            delivery: Delivery::default(),
            watch: Watch::default(),
            outgoing: Vec::new(),
        };
        // Before the first run: its trigger evaluation sees the merged configuration.
        for part in &inline {
            app.apply_config(part);
        }
        let inner = Rc::new(Inner {
            state: RefCell::new(Some(app)),
            handler: OnceCell::new(),
        });
        let owner = inner.clone();
        // `Fn`, not `FnMut`: the glue for a shared closure is simpler.
        let handler: Box<dyn Fn(JsValue, JsValue, JsValue) -> JsValue> =
            Box::new(move |a, b, c| run(&owner, a, b, c));
        // Lives as long as the page (it holds the state, the state holds it): pending
        // timers and fetches may still call it after `destroy` (they find no state then).
        let handler = Closure::wrap_aborting(handler).into_js_value();
        let _ = inner.handler.set(handler.clone());
        if let Ok(mut state) = inner.state.try_borrow_mut() {
            if let Some(app) = state.as_mut() {
                app.handler = handler.clone();
            }
        }
        run(
            &inner,
            JsValue::from(START),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        );
        handler
    }

    #[inline(never)]
    fn dispatch(&mut self, tag: Option<u8>, a: JsValue, b: JsValue, c: JsValue) {
        let Some(tag) = tag else {
            return self.on_event(&a);
        };
        match tag {
            START => {
                let (visitor, new) = Visitor::load(&self.load_js(Slot::Visitor));
                self.visitor = visitor;
                if new {
                    self.save_visitor();
                }
                if let Some(json) = self.load(Slot::Throttle) {
                    self.throttle = ThrottleState::from_value_or_default(&json);
                }
                self.write_mute();
                self.watch_page();
                self.flush();
                self.evaluate();
            }
            DELAY => self.evaluate(),
            RETRY => self.flush(),
            THANKS => self.close_survey(),
            SENT => self.settle(&b),
            COMMAND => match b.as_string() {
                Some(name) => self.command(&name, &c),
                // A number or an object is no command name (the loader only passes strings).
                None => log::warn(&["command: the name must be a string"]),
            },
            _ => {}
        }
    }

    /// Queues `emit(name, detail)` for after the state is released.
    fn emit(&mut self, name: &'static str, detail: JsValue) {
        self.outgoing.push((name, detail));
    }

    /// The stored value of this site's `slot`.
    fn load(&self, slot: Slot) -> Option<Json> {
        json_value::read(&self.store.get(&key(&self.options.site, slot))?)
    }

    /// The stored value of this site's `slot` as `JSON.parse` reads it (`undefined` when
    /// there is none or it is no JSON).
    fn load_js(&self, slot: Slot) -> JsValue {
        match self.store.get(&key(&self.options.site, slot)) {
            Some(text) => js::parse(&text),
            None => JsValue::UNDEFINED,
        }
    }

    /// Stores `json` as this site's `slot`: every record the controller persists goes
    /// through here.
    fn save(&self, slot: Slot, json: &str) {
        self.store.set(&key(&self.options.site, slot), json);
    }

    /// Rewrites `rapport:{site}:mute` for the loader after a throttle change.
    fn write_mute(&self) {
        let Some(config) = &self.config else { return };
        let map = mute_map(config, &self.throttle, env::now_ms(), &self.visitor.id);
        self.save(Slot::Mute, &map);
    }

    /// Persists the visitor record.
    fn save_visitor(&self) {
        self.save(Slot::Visitor, &self.visitor.to_json());
    }

    /// Persists the throttle state and the mute map derived from it.
    fn save_throttle(&self) {
        self.save(Slot::Throttle, &self.throttle.to_json());
        self.write_mute();
    }

    /// A one-shot timer that dispatches `tag`.
    fn timer(&self, ms: f64, tag: u8) -> Timeout {
        Timeout::new(&self.handler, ms, tag)
    }
}

/// Runs `handler(a, b, c)` on the app (unless the widget is dead or destroyed), then
/// delivers the events it queued; the result is `active` for the [`ACTIVE`] tag and
/// `undefined` otherwise. If the state is already borrowed (a page callback re-entered
/// us), the same call is made again on the next task instead (`active` reads false then).
pub fn run(inner: &Inner, a: JsValue, b: JsValue, c: JsValue) -> JsValue {
    let tag = a.as_f64().map(|tag| tag as u8);
    if guard::is_dead() {
        return JsValue::FALSE;
    }
    let (emit, mut events) = match inner.state.try_borrow_mut() {
        Ok(mut state) => {
            if tag == Some(DESTROY) {
                // Closes the survey, removes listeners and timers.
                *state = None;
            }
            let Some(app) = state.as_mut() else {
                return JsValue::FALSE;
            };
            if tag == Some(ACTIVE) {
                return JsValue::from(app.config.is_some());
            }
            app.dispatch(tag, a, b, c);
            (
                app.options.emit.clone(),
                ::core::mem::take(&mut app.outgoing),
            )
        }
        Err(_) => {
            if let (Some(handler), false) = (inner.handler.get(), tag == Some(ACTIVE)) {
                timer::later(handler, 0.0, [a, b, c]);
            }
            return JsValue::FALSE;
        }
    };
    if let Some(emit) = emit {
        // Taken out in place: no by-value iteration and its drop glue.
        for (name, detail) in events.iter_mut() {
            let detail = ::core::mem::take(detail);
            // A throwing handler is the page's problem; the loader already isolates handlers.
            js::invoke(&emit, "call", &[JsValue::UNDEFINED, (*name).into(), detail]);
        }
    }
    JsValue::UNDEFINED
}

/// The object `start` returns: `command(name, args)`, `destroy()` and a read-only
/// `active`, each the widget's `handler` bound to its tag. Without a handler (bad options,
/// or the widget is dead) each is `Boolean` bound to 0 instead: it takes anything, does
/// nothing and answers false, like a destroyed widget's.
pub fn api(handler: Option<&JsValue>) -> JsValue {
    let (handler, [command, destroy, active]) = match handler {
        Some(handler) => (handler.clone(), [COMMAND, DESTROY, ACTIVE]),
        None => (js::global_get("Boolean"), [0; 3]),
    };
    let widget = js::object();
    js::set(&widget, "command", &bind(&handler, command));
    js::set(&widget, "destroy", &bind(&handler, destroy));
    let getter = js::object();
    js::set(&getter, "get", &bind(&handler, active));
    js::call_static(
        "Object",
        "defineProperty",
        &[widget.clone(), "active".into(), getter],
    );
    widget
}

/// `handler.bind(null, tag)`: `handler(tag, ...args)` (`undefined` if binding failed).
pub fn bind(handler: &JsValue, tag: u8) -> JsValue {
    js::call(handler, "bind", &[JsValue::NULL, JsValue::from(tag)]).unwrap_or_default()
}

/// `{key: value, ...}` for event details.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js::object();
    for (k, v) in pairs {
        js::set(&obj, k, v);
    }
    obj
}
