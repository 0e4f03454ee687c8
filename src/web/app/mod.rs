//! The controller: owns the widget's state, asks the core what to do, and drives the view,
//! storage, timers and transport accordingly.
//!
//! * [`watch`] — page signals (delay, scroll, exit intent) and trigger evaluation.
//! * [`session`] — the survey on screen: steps, validation, submission.
//! * [`present`] — core question → view model, with localised texts.
//! * [`delivery`] — outbox flushing with the core retry policy.
//! * [`commands`] — the loader's commands.
//! * [`visitor`] — the persisted visitor record.
//!
//! Re-entrancy: page callbacks (`emit` handlers) may call back into the widget. Events
//! are therefore queued while the state is borrowed and emitted after it is released
//! (see [`with_app`]).

use crate::prelude::*;

pub mod commands;
pub mod delivery;
pub mod present;
pub mod session;
pub mod visitor;
pub mod watch;

use ::core::cell::RefCell;
use alloc::rc::{Rc, Weak};

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::core::outbox::Outbox;
use crate::core::storage::{key, Slot};
use crate::core::survey::SiteConfig;
use crate::core::throttle::{mute_map, ThrottleState};
use crate::core::trigger::PageSignals;

use super::options::Options;
use super::store::WebStore;
use super::timer::Timeout;
use super::{env, guard, log};

use delivery::Delivery;
use session::Session;
use visitor::Visitor;
use watch::Watch;

/// Shared handle on the controller; closures hold a [`Weak`] one so that dropping the
/// widget frees everything.
pub type Shared = Rc<RefCell<App>>;

/// The widget's state.
pub struct App {
    me: Weak<RefCell<App>>,
    site: String,
    endpoint: String,
    nonce: Option<String>,
    emit: Option<Function>,
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
    /// Builds the state from the start options: loads visitor, throttle state and outbox,
    /// writes the mute map, starts watching the page, flushes the outbox and evaluates
    /// triggers.
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
        let outbox = store
            .get(&key(&site, Slot::Outbox))
            .map(|json| Outbox::from_json_or_default(&json))
            .unwrap_or_default();
        let signals = PageSignals {
            exit_intent: options.exit_intent,
            ..PageSignals::default()
        };
        let app = Rc::new(RefCell::new(App {
            me: Weak::new(),
            site,
            endpoint: options.endpoint,
            nonce: options.nonce,
            emit: options.emit,
            config,
            store,
            visitor,
            throttle,
            outbox,
            signals,
            nav_at: options.nav_at,
            shown_here: Vec::new(),
            session: None,
            delivery: Delivery::default(),
            watch: Watch::default(),
            outgoing: Vec::new(),
        }));
        let weak = Rc::downgrade(&app);
        let me = weak.clone();
        with_app(&weak, move |a| {
            a.me = me;
            a.write_mute();
            a.watch_page();
            a.flush();
            a.evaluate();
        });
        app
    }

    /// Whether a valid configuration is loaded.
    pub fn is_active(&self) -> bool {
        self.config.is_some()
    }

    /// The `<rapport-widget>` host of the open survey, if any.
    pub fn host(&self) -> Option<web_sys::HtmlElement> {
        self.session.as_ref().map(|s| s.host())
    }

    /// Stops everything: closes the survey, removes listeners and timers.
    pub fn destroy(&mut self) {
        self.session = None;
        self.watch = Watch::default();
        self.delivery = Delivery::default();
    }

    /// Queues `emit(name, detail)` for after the state is released.
    fn emit(&mut self, name: &'static str, detail: JsValue) {
        self.outgoing.push((name, detail));
    }

    /// Rewrites `rapport:{site}:mute` for the loader after a throttle change.
    fn write_mute(&self) {
        let Some(config) = &self.config else { return };
        let map = mute_map(config, &self.throttle, env::now_ms(), &self.visitor.id);
        self.store.set(&key(&self.site, Slot::Mute), &map.to_json());
    }

    /// Persists the throttle state and the mute map derived from it.
    fn save_throttle(&self) {
        self.store
            .set(&key(&self.site, Slot::Throttle), &self.throttle.to_json());
        self.write_mute();
    }

    /// A one-shot timer that runs `f` on the app.
    fn timer(&self, ms: f64, f: impl FnOnce(&mut App) + 'static) -> Timeout {
        let weak = self.me.clone();
        Timeout::new(ms, move || with_app(&weak, f))
    }
}

/// Runs `f` on the app (unless the widget is dead or gone), then delivers the events it
/// queued. If the state is already borrowed (a page callback re-entered us), `f` runs on
/// the next task instead.
pub fn with_app(weak: &Weak<RefCell<App>>, f: impl FnOnce(&mut App) + 'static) {
    // One non-generic body for every call site keeps the wasm small.
    run(weak, Box::new(f));
}

type Job = Box<dyn FnOnce(&mut App)>;

fn run(weak: &Weak<RefCell<App>>, f: Job) {
    if guard::is_dead() {
        return;
    }
    let Some(app) = weak.upgrade() else { return };
    let (emit, events) = match app.try_borrow_mut() {
        Ok(mut state) => {
            f(&mut state);
            (state.emit.clone(), ::core::mem::take(&mut state.outgoing))
        }
        Err(_) => {
            let later = weak.clone();
            // The timer owns itself until it fires; leaking one small closure on this rare
            // path is cheaper than a deferred-work queue.
            ::core::mem::forget(Timeout::new(0.0, move || run(&later, f)));
            return;
        }
    };
    let Some(emit) = emit else { return };
    for (name, detail) in events {
        // A throwing handler is the page's problem; the loader already isolates handlers.
        let _ = emit.call2(&JsValue::UNDEFINED, &JsValue::from_str(name), &detail);
    }
}

/// `{key: value, ...}` for event details.
fn object(pairs: &[(&str, &JsValue)]) -> JsValue {
    let obj = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj.into()
}
