//! The driver: owns the [`Machine`] and carries out what it asks (render, store, post,
//! timers, events, console), turning browser events, timers, fetch outcomes and the
//! loader's commands into its inputs. No survey rule lives here.
//!
//! * [`effects`] — carrying out the machine's effects.
//! * [`inputs`] — reading browser events and JavaScript values into inputs.
//!
//! Everything reaches the driver through one function, [`run`], called by the one
//! JavaScript handler of the widget (a single wasm-bindgen closure) with `(a, b, c)`:
//!
//! * a DOM event (listeners on the window, the document and the shadow root);
//! * a number tag, and a payload: timers (`setTimeout`'s extra arguments), the fetch
//!   outcome and a stored response's receipt (bound handlers);
//! * the widget object's methods (see [`api`]), the handler bound to a tag: `command`
//!   (then a command name and its arguments), `destroy` and the `active` getter.
//!
//! Re-entrancy: page callbacks (`emit` handlers, the page's own focus listeners) may call
//! back into the widget. Events are therefore queued while the state is borrowed and
//! emitted after it is released, and a call that finds the state borrowed is repeated on
//! the next task — once: a state still borrowed then was left so by a trap, which marks
//! the widget dead (see [`run`]).

use crate::prelude::*;

mod effects;
mod inputs;

use ::core::cell::{Cell, OnceCell, RefCell};
use alloc::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::json::Json;
use crate::core::machine::{Input, Machine, Timer};
use crate::core::targeting::RegexMatcher;

use super::listener::Listeners;
use super::options::{Options, Start};
use super::regex::JsRegex;
use super::store::WebStore;
use super::timer::{self, Timeout};
use super::ui::dialog::View;
use super::{env, guard};

/// Tag of the first run: start the machine and watch the page.
const START: u8 = 0;
/// Tag of the delay-trigger timer.
const DELAY: u8 = 1;
/// Tag of the delivery retry timer.
const RETRY: u8 = 2;
/// Tag of the thank-you timer.
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
/// Tag of a locale file that arrived (payload: the locale's tag, then the file's value).
const STRINGS: u8 = 9;
/// Tag of a locale file that could not be fetched (payload: the locale's tag).
const NO_STRINGS: u8 = 10;
/// Tag of the timer that ends the wait for a locale file.
const STRINGS_WAIT: u8 = 11;
/// Tag of a stored response's receipt (payload: the `Response`, then its JSON body or the
/// reason it could not be read).
const RECEIPT: u8 = 12;
/// Tag of an impression's fetch outcome: ignored (no retry, nothing stored).
const IMPRESSION: u8 = 13;

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

/// The survey dialog on screen.
struct Shown {
    // Dropped before `view` removes the host (field order).
    _listeners: Listeners,
    view: View,
    /// No question rendered yet: the first one decides where focus goes.
    fresh: bool,
}

/// The widget's state: the machine and what carries out its effects.
pub struct App {
    /// The widget's JS handler function (listeners, timers, fetch callbacks).
    handler: Function,
    options: Options,
    /// The collector's configuration and the inline ones given at start, until the first
    /// run hands them to the machine.
    config: Option<Json>,
    inline: Vec<Json>,
    machine: Machine,
    store: WebStore,
    /// The page's listeners (scroll, online, exit intent); dropping them stops watching.
    _watch: Option<Listeners>,
    /// Pending timers: delay, retry, thank-you, locale-file wait.
    timers: [Option<Timeout>; 4],
    shown: Option<Shown>,
    outgoing: Vec<(&'static str, JsValue)>,
}

impl App {
    /// Builds the state from what `start` was given (as [`Options::read`] returns it) and
    /// runs the first input. Returns the widget's handler (see [`api`]).
    pub fn start(start: Start) -> Function {
        let Start {
            options,
            config,
            inline,
        } = start;
        let app = App {
            // Set below, once the handler exists (it owns the state).
            handler: Function::unchecked_from_js(JsValue::UNDEFINED),
            machine: Machine::new(&options.site),
            options,
            config,
            inline,
            store: WebStore::open(),
            _watch: None,
            timers: [None, None, None, None],
            shown: None,
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

    /// One call of the handler: the input it means, handled by the machine.
    fn dispatch(&mut self, tag: Option<u8>, a: JsValue, b: JsValue, c: JsValue) {
        let input = match tag {
            None => self.event_input(&a),
            Some(START) => {
                self.watch_page();
                Some(Input::Start {
                    config: self.config.take(),
                    inline: ::core::mem::take(&mut self.inline),
                    exit_intent: self.options.exit_intent,
                    nav_at: self.options.nav_at,
                    languages: env::languages(),
                })
            }
            Some(DELAY) => Some(Input::Timer(Timer::Delay)),
            Some(RETRY) => Some(Input::Timer(Timer::Retry)),
            Some(THANKS) => Some(Input::Timer(Timer::Thanks)),
            Some(STRINGS_WAIT) => Some(Input::Timer(Timer::Strings)),
            // A stored response settles once its receipt is read (it reports the points
            // the response earned, see `transport::read_receipt`).
            Some(SENT) if super::transport::read_receipt(&b, &self.handler, RECEIPT) => None,
            Some(SENT) => Some(inputs::sent(&b, &JsValue::UNDEFINED)),
            Some(RECEIPT) => Some(inputs::sent(&b, &c)),
            Some(COMMAND) => Some(inputs::command(&b, &c)),
            Some(STRINGS) => inputs::strings(&b, Some(&c)),
            Some(NO_STRINGS) => inputs::strings(&b, None),
            // An impression's outcome (`IMPRESSION`) and anything unknown.
            Some(_) => None,
        };
        if let Some(input) = input {
            self.handle(input);
        }
    }

    /// Hands `input` to the machine with the facts of the moment, then carries out its
    /// effects.
    fn handle(&mut self, input: Input) {
        let now = inputs::now();
        let regex: &dyn RegexMatcher = &JsRegex;
        let effects = self.machine.handle(&now, input, &self.store, regex);
        for effect in effects {
            self.apply(effect);
        }
    }

    /// Starts listening to the page: scroll, exit intent, `online`, and the page being
    /// hidden or left (`visibilitychange`, `pagehide`: a partial response is kept).
    fn watch_page(&mut self) {
        let mut listeners = Listeners::new(&self.handler);
        if let Some(window) = env::window() {
            listeners.add(&window, "scroll");
            listeners.add(&window, "online");
            listeners.add(&window, "pagehide");
        }
        if let Some(document) = env::document() {
            listeners.add(&document, "mouseout");
            listeners.add(&document, "visibilitychange");
        }
        self._watch = Some(listeners);
    }

    /// Queues `emit(name, detail)` for after the state is released.
    fn emit(&mut self, name: &'static str, detail: JsValue) {
        self.outgoing.push((name, detail));
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
                return JsValue::from(app.machine.is_active());
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

/// `{key: value, ...}`: event details and the widget object, plain data objects; also the
/// option objects of `fetch` and `attachShadow` (one `Reflect.set` rather than a typed
/// setter per option, each of which is a function in the glue and an import).
pub(super) fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj.into()
}
