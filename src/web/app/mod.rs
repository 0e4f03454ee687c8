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
//! JavaScript handler of the widget (a single wasm-bindgen closure) with `(a, b)`:
//!
//! * a DOM event (listeners on the window, the document and the shadow root);
//! * a number tag, and a payload: timers (`setTimeout`'s extra arguments) and the fetch
//!   outcome (a bound handler);
//! * a command name and its arguments (`Widget.command`).
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

use ::core::cell::RefCell;
use alloc::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::core::outbox::Outbox;
use crate::core::storage::{key, Slot};
use crate::core::survey::SiteConfig;
use crate::core::throttle::{mute_map, ThrottleState};
use crate::core::trigger::PageSignals;

use super::options::Options;
use super::store::WebStore;
use super::timer::{self, Timeout};
use super::{env, guard, js, log};

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

/// The widget: its state and the JS handler function that feeds it.
pub struct Inner {
    state: RefCell<App>,
    handler: JsValue,
}

/// Shared handle on the controller; the handler holds a [`Weak`] one so that dropping
/// the widget frees everything.
pub type Shared = Rc<Inner>;

impl Inner {
    /// Whether a valid configuration is loaded (false while the state is borrowed).
    pub fn is_active(&self) -> bool {
        self.state
            .try_borrow()
            .is_ok_and(|app| app.config.is_some())
    }

    /// Stops everything: closes the survey, removes listeners and timers.
    pub fn destroy(&self) {
        if let Ok(mut app) = self.state.try_borrow_mut() {
            app.session = None;
            app.watch = Watch::default();
            app.delivery = Delivery::default();
        }
    }
}

/// The widget's state.
pub struct App {
    /// The widget's JS handler function (listeners, timers, fetch callbacks).
    handler: JsValue,
    site: String,
    endpoint: String,
    nonce: Option<String>,
    emit: Option<JsValue>,
    /// `None`: the configuration was invalid; the widget stays dormant (no surveys).
    config: Option<SiteConfig>,
    store: WebStore,
    visitor: Visitor,
    throttle: ThrottleState,
    outbox: Outbox,
    signals: PageSignals,
    /// `performance.now()` of the last navigation.
    nav_at: f64,
    /// Surveys shown since the last navigation (not shown twice on one page view).
    shown_here: Vec<String>,
    session: Option<Session>,
    delivery: Delivery,
    watch: Watch,
    outgoing: Vec<(&'static str, JsValue)>,
}

impl App {
    /// Builds the state from the start options, then (first run) writes the mute map,
    /// starts watching the page, flushes the outbox and evaluates triggers.
    pub fn start(options: Options) -> Shared {
        let store = WebStore::open();
        let config = match &options.config_json {
            None => Some(SiteConfig::new(options.site.clone())),
            Some(json) => match SiteConfig::from_json(json) {
                Ok(config) => Some(config),
                Err(err) => {
                    log::error(&["invalid site config, widget disabled: ", &err.text()]);
                    None
                }
            },
        };
        let site = options.site;
        let visitor = Visitor::load(&store, &site);
        let throttle = store
            .get(&key(&site, Slot::Throttle))
            .map(|json| ThrottleState::from_json_or_default(&json))
            .unwrap_or_default();
        let signals = PageSignals {
            exit_intent: options.exit_intent,
            ..PageSignals::default()
        };
        let shared = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let weak = weak.clone();
            // `Fn`, not `FnMut`: the glue for a shared closure is simpler.
            let handler: Box<dyn Fn(JsValue, JsValue)> = Box::new(move |a, b| {
                if let Some(inner) = weak.upgrade() {
                    run(&inner, a, b);
                }
            });
            // Lives as long as the page: pending timers and fetches may still call it after
            // the widget is gone (they find no state then).
            let handler = Closure::wrap_aborting(handler).into_js_value();
            let app = App {
                handler: handler.clone(),
                site,
                endpoint: options.endpoint,
                nonce: options.nonce,
                emit: options.emit,
                config,
                store,
                visitor,
                throttle,
                // Read by the first flush.
                outbox: Outbox::default(),
                signals,
                nav_at: options.nav_at,
                shown_here: Vec::new(),
                session: None,
                delivery: Delivery::default(),
                watch: Watch::default(),
                outgoing: Vec::new(),
            };
            Inner {
                state: RefCell::new(app),
                handler,
            }
        });
        run(&shared, JsValue::from(START), JsValue::UNDEFINED);
        shared
    }

    fn dispatch(&mut self, a: JsValue, b: JsValue) {
        if let Some(name) = a.as_string() {
            return self.command(&name, &b);
        }
        let Some(tag) = a.as_f64() else {
            return self.on_event(&a);
        };
        match tag as u8 {
            START => {
                self.write_mute();
                self.watch_page();
                self.flush();
                self.evaluate();
            }
            DELAY => self.evaluate(),
            RETRY => self.flush(),
            THANKS => self.close_survey(),
            SENT => self.settle(&b),
            _ => {}
        }
    }

    /// Queues `emit(name, detail)` for after the state is released.
    fn emit(&mut self, name: &'static str, detail: JsValue) {
        self.outgoing.push((name, detail));
    }

    /// The stored value of this site's `slot`.
    fn load(&self, slot: Slot) -> Option<String> {
        self.store.get(&key(&self.site, slot))
    }

    /// Stores `json` as this site's `slot`: every record the controller persists goes
    /// through here.
    fn save(&self, slot: Slot, json: &str) {
        self.store.set(&key(&self.site, slot), json);
    }

    /// Rewrites `rapport:{site}:mute` for the loader after a throttle change.
    fn write_mute(&self) {
        let Some(config) = &self.config else { return };
        let map = mute_map(config, &self.throttle, env::now_ms(), &self.visitor.id);
        self.save(Slot::Mute, &map.to_json());
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

/// Runs `handler(a, b)` on the app (unless the widget is dead), then delivers the events
/// it queued. If the state is already borrowed (a page callback re-entered us), the same
/// call is made again on the next task instead.
pub fn run(inner: &Inner, a: JsValue, b: JsValue) {
    if guard::is_dead() {
        return;
    }
    let (emit, events) = match inner.state.try_borrow_mut() {
        Ok(mut app) => {
            app.dispatch(a, b);
            (app.emit.clone(), ::core::mem::take(&mut app.outgoing))
        }
        Err(_) => {
            timer::later(&inner.handler, 0.0, a, b);
            return;
        }
    };
    let Some(emit) = emit else { return };
    for (name, detail) in events {
        // A throwing handler is the page's problem; the loader already isolates handlers.
        let _ = js::call(&emit, "call", &[JsValue::UNDEFINED, name.into(), detail]);
    }
}

/// `{key: value, ...}` for event details.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js::object();
    for (k, v) in pairs {
        js::set(&obj, k, v);
    }
    obj
}
