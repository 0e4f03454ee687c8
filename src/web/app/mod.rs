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
//! a call that finds the state borrowed is repeated on the next task — once: a state still
//! borrowed then was left so by a trap, which marks the widget dead (see [`run`]).

use crate::prelude::*;

pub mod commands;
pub mod delivery;
pub mod session;
pub mod visitor;
pub mod watch;

use ::core::cell::{Cell, OnceCell, RefCell};
use alloc::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::json::Json;
use crate::core::outbox::Outbox;
use crate::core::storage::{key, Slot};
use crate::core::survey::SiteConfig;
use crate::core::throttle::{mute_map, ThrottleState};
use crate::core::trigger::PageSignals;

use super::options::Options;
use super::store::WebStore;
use super::timer::{self, Timeout};
use super::{env, guard, json_value, log};

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
/// Tag of the timer that replays the calls deferred while the state was borrowed.
const REPLAY: u8 = 8;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `Boolean` function: the methods of a widget that never started.
    #[wasm_bindgen(thread_local_v2, js_name = Boolean)]
    static BOOLEAN: Function;
}

/// The widget: its state and the JS handler function that feeds it. The handler owns it
/// (the page reaches the widget only through the handler: the widget object's methods,
/// listeners, timers, fetch callbacks).
pub struct Inner {
    /// `None` once destroyed: every later call is ignored.
    state: RefCell<Option<App>>,
    /// Set right after the handler is made (it owns this).
    handler: OnceCell<Function>,
    /// Calls that found the state borrowed, replayed in order on the next task.
    deferred: RefCell<Vec<[JsValue; 3]>>,
    /// Set when a trap left the state borrowed: every later call is ignored.
    dead: Cell<bool>,
}

/// The widget's state.
pub struct App {
    /// The widget's JS handler function (listeners, timers, fetch callbacks).
    handler: Function,
    /// The start options: site, endpoint, nonce, `emit`, and `navAt`, which [`App::navigate`]
    /// moves on (kept whole: moving the struct once is less code than field by field).
    options: Options,
    /// `None`: the configuration was invalid; the widget stays dormant (no surveys).
    config: Option<SiteConfig>,
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
    /// Builds the state from the start options and the site configuration's JSON (as
    /// [`Options::read`] returns them), then (first run) reads the visitor (made
    /// and stored when new) and throttle records, writes the mute map, starts watching the
    /// page, flushes the outbox and evaluates triggers. Returns the
    /// widget's handler (see [`api`]).
    pub fn start((options, config): (Options, Option<Json>)) -> Function {
        let store = WebStore::open();
        let config = match config {
            None => Some(SiteConfig::new(options.site.clone())),
            Some(json) => match SiteConfig::from_value(&json) {
                Ok(config) => Some(config),
                Err(err) => {
                    log::error(&["invalid site config, widget disabled: ", &err.text()]);
                    None
                }
            },
        };
        let signals = PageSignals {
            exit_intent: options.exit_intent,
            ..PageSignals::default()
        };
        let app = App {
            // Set below, once the handler exists (it owns the state).
            handler: Function::unchecked_from_js(JsValue::UNDEFINED),
            config,
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
        let inner = Rc::new(Inner {
            state: RefCell::new(Some(app)),
            handler: OnceCell::new(),
            deferred: RefCell::new(Vec::new()),
            dead: Cell::new(false),
        });
        let owner = inner.clone();
        // `Fn`, not `FnMut`: the glue for a shared closure is simpler.
        let handler: Box<dyn Fn(JsValue, JsValue, JsValue) -> JsValue> =
            Box::new(move |a, b, c| run(&owner, a, b, c));
        // Lives as long as the page (it holds the state, the state holds it): pending
        // timers and fetches may still call it after `destroy` (they find no state then).
        let handler: Function = Closure::wrap_aborting(handler)
            .into_js_value()
            .unchecked_into();
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
        self.store
            .get(&key(&self.options.site, slot))
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .unwrap_or(JsValue::UNDEFINED)
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
/// `undefined` otherwise.
///
/// A call that finds the state borrowed is either a page callback re-entering us (an `emit`
/// handler calling `command`) or comes after a trap that was no Rust panic (stack
/// exhaustion, an engine `RangeError`): wasm stopped mid-call and the borrow was never
/// released. Such calls are deferred to the next task ([`REPLAY`]), when nothing of ours
/// can be on the stack: a state still borrowed then was left so by a trap, and the widget
/// is marked dead instead of deferring for ever.
pub fn run(inner: &Inner, a: JsValue, b: JsValue, c: JsValue) -> JsValue {
    let tag = a.as_f64().map(|tag| tag as u8);
    if guard::is_dead() || inner.dead.get() {
        return JsValue::FALSE;
    }
    if tag == Some(REPLAY) {
        return replay(inner);
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
            if tag != Some(ACTIVE) {
                defer(inner, [a, b, c]);
            }
            return JsValue::FALSE;
        }
    };
    if let Some(emit) = emit {
        for (name, detail) in events.iter_mut() {
            let detail = ::core::mem::take(detail);
            // A throwing handler is the page's problem; the loader already isolates handlers.
            let _ = emit.call2(&JsValue::UNDEFINED, &JsValue::from_str(name), &detail);
        }
    }
    JsValue::UNDEFINED
}

/// Keeps a call for [`replay`], arming its timer with the first one.
fn defer(inner: &Inner, call: [JsValue; 3]) {
    let Ok(mut deferred) = inner.deferred.try_borrow_mut() else {
        return guard::disable_one(&inner.dead);
    };
    deferred.push(call);
    if deferred.len() == 1 {
        if let Some(handler) = inner.handler.get() {
            let tag = JsValue::from(REPLAY);
            timer::later(handler, 0.0, [tag, JsValue::UNDEFINED, JsValue::UNDEFINED]);
        }
    }
}

/// Replays the deferred calls in order, or marks the widget dead when the state is still
/// borrowed (see [`run`]).
fn replay(inner: &Inner) -> JsValue {
    if inner.state.try_borrow_mut().is_err() {
        guard::disable_one(&inner.dead);
        return JsValue::FALSE;
    }
    let calls = match inner.deferred.try_borrow_mut() {
        Ok(mut deferred) => ::core::mem::take(&mut *deferred),
        Err(_) => Vec::new(),
    };
    for [a, b, c] in calls {
        run(inner, a, b, c);
    }
    JsValue::UNDEFINED
}

/// The object `start` returns: `command(name, args)`, `destroy()` and a read-only
/// `active`, each the widget's `handler` bound to its tag. Without a handler (bad options,
/// or the widget is dead) each is `Boolean` bound to 0 instead: it takes anything, does
/// nothing and answers false, like a destroyed widget's.
pub fn api(handler: Option<&Function>) -> JsValue {
    let (handler, [command, destroy, active]) = match handler {
        Some(handler) => (handler.clone(), [COMMAND, DESTROY, ACTIVE]),
        None => (BOOLEAN.with(Function::clone), [0; 3]),
    };
    let widget = object(&[
        ("command", bind(&handler, command).into()),
        ("destroy", bind(&handler, destroy).into()),
    ]);
    let getter = object(&[("get", bind(&handler, active).into())]);
    Object::<JsValue>::define_property(
        widget.unchecked_ref(),
        &JsValue::from_str("active"),
        getter.unchecked_ref(),
    );
    widget
}

/// `handler.bind(null, tag)`: `handler(tag, ...args)`.
pub fn bind(handler: &Function, tag: u8) -> Function {
    handler
        .bind1(&JsValue::NULL, &JsValue::from(tag))
        .unchecked_into()
}

/// `{key: value, ...}`: event details and the widget object, plain data objects.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj.into()
}
