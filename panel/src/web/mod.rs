//! The panel's shell: `open(options)` (called by the loader's `rapport('loyalty')`) builds
//! the host and the dialog, turns clicks and keys into the machine's inputs, and performs
//! its effects (fetch, render, close). Nothing here decides anything the machine does.
//!
//! Dialog semantics: `role="dialog"`, `aria-modal="true"`, labelled by its title; focus
//! moves in on open, Tab and Shift+Tab stay inside, Escape and the close button close it
//! and give focus back to the element that had it. Nothing the page can see throws: every
//! failure is one `console.warn`. No `std`: a panic traps (the core's runtime), which the
//! loader's `open` call catches; nothing in the panel panics on input.

mod fetch;
mod host;
mod intl;
mod json_value;
mod render;

use core::cell::RefCell;

use js_sys::Reflect;
use rapport::core::json::{Json, ObjectWriter};
use rapport::core::msg::cat;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlElement, KeyboardEvent};

use crate::machine::{Effect, Input, Machine};
use crate::options::Options;
use crate::prelude::*;

struct App {
    machine: Machine,
    options: Options,
    doc: Document,
    dialog: Element,
    /// Where focus was before the panel opened.
    back: Option<HtmlElement>,
    // Dropped with the app: the host element goes, the listeners with it.
    host: host::Host,
    /// The loader's `locales(tag)`: a promise of a locale file's JSON.
    locales: Option<js_sys::Function>,
    _listeners: Vec<Closure<dyn FnMut(Event)>>,
}

/// The open panel. The wasm is single-threaded (no `atomics`), so the one instance of this
/// static is only ever reached from the page's one thread.
struct Slot(RefCell<Option<App>>);
// SAFETY: wasm32 without the `atomics` feature has one thread; nothing is ever shared.
unsafe impl Sync for Slot {}
static APP: Slot = Slot(RefCell::new(None));

/// `f` with the panel's slot (thread-local in spirit: see [`Slot`]).
fn with_app<T>(f: impl FnOnce(&RefCell<Option<App>>) -> T) -> T {
    f(&APP.0)
}

fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&cat(&["[rapport] loyalty: ", message])));
}

/// Opens the loyalty panel (once: a second call while it is open moves focus into it).
#[wasm_bindgen]
pub fn open(options: JsValue) {
    if let Err(e) = try_open(&options) {
        warn(
            &e.as_string()
                .unwrap_or_else(|| "the panel could not be opened".into()),
        );
    }
}

/// Closes the panel if it is open (tests, single-page apps).
#[wasm_bindgen]
pub fn close() {
    dispatch(Input::Close);
}

fn page_languages(doc: &Document) -> Json {
    let mut tags = Vec::new();
    if let Some(lang) = doc.document_element().and_then(|e| e.get_attribute("lang")) {
        tags.push(Json::Str(lang));
    }
    if let Some(w) = web_sys::window() {
        for l in w.navigator().languages().iter() {
            if let Some(l) = l.as_string() {
                tags.push(Json::Str(l));
            }
        }
    }
    Json::Arr(tags)
}

fn try_open(options_js: &JsValue) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let doc = window.document().ok_or("no document")?;
    let already = with_app(|a| a.borrow().as_ref().map(|app| app.dialog.clone()));
    if let Some(dialog) = already {
        render::focus(&dialog, &crate::machine::Focus::First, None);
        return Ok(());
    }
    let mut json = json_value::to_json(options_js);
    if let Json::Obj(members) = &mut json {
        if !members.iter().any(|(k, _)| k == "languages") {
            members.push(("languages".into(), page_languages(&doc)));
        }
    }
    let options = Options::from_json(&json).map_err(|e| JsValue::from_str(&e.message()))?;
    let host = host::Host::attach(&doc, options.nonce.as_deref(), &options.host_vars())?;
    let root = host.root();
    let backdrop = doc.create_element("div")?;
    backdrop.set_attribute("class", "bd")?;
    backdrop.set_attribute("data-a", "close")?;
    root.append_child(&backdrop)?;
    let dialog = doc.create_element("div")?;
    dialog.set_attribute("class", &cat(&["p", options.mode_class()]))?;
    dialog.set_attribute("role", "dialog")?;
    dialog.set_attribute("aria-modal", "true")?;
    dialog.set_attribute("aria-labelledby", "rl-t")?;
    // Focusable from script only: on open the dialog itself takes focus (its title is read,
    // and nothing scrolls to a control far down a long panel); Tab goes on to its controls.
    dialog.set_attribute("tabindex", "-1")?;
    root.append_child(&dialog)?;
    let on_click = Closure::<dyn FnMut(Event)>::new(on_click);
    let on_key = Closure::<dyn FnMut(Event)>::new(on_key);
    root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    root.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref())?;
    let back = doc
        .active_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let locales = Reflect::get(options_js, &"locales".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let machine = Machine::new(options.token.is_some(), options.wanted());
    with_app(|a| {
        *a.borrow_mut() = Some(App {
            machine,
            options,
            doc,
            dialog,
            back,
            host,
            locales,
            _listeners: vec![on_click, on_key],
        })
    });
    dispatch(Input::Open);
    Ok(())
}

/// Runs `input` through the machine, then performs its effects.
fn dispatch(input: Input) {
    let effects = with_app(|a| match a.borrow_mut().as_mut() {
        Some(app) => app.machine.handle(input),
        None => Vec::new(),
    });
    for effect in effects {
        perform(effect);
    }
}

fn perform(effect: Effect) {
    match effect {
        Effect::Render(focus) => with_app(|a| {
            if let Some(app) = a.borrow().as_ref() {
                let kept = app
                    .host
                    .root()
                    .active_element()
                    .and_then(|e| render::key_of(&e));
                let can_share = web_sys::window().is_some_and(|w| {
                    Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false)
                });
                let shown = app.machine.shown();
                let format = intl::Intl::new(shown.tag());
                let page = render::Page {
                    doc: &app.doc,
                    options: &app.options,
                    can_share,
                    strings: app.machine.strings(),
                    lang: shown.tag(),
                    rtl: shown.is_rtl(),
                    format: &format,
                };
                match render::render(&page, &app.dialog, app.machine.screen()) {
                    Ok(()) => render::focus(&app.dialog, &focus, kept),
                    Err(_) => warn("the panel could not be drawn"),
                }
            }
        }),
        Effect::FetchMe => {
            let Some((url, token)) = with_app(|a| {
                a.borrow()
                    .as_ref()
                    .map(|app| (app.options.me_url(), app.options.token.clone()))
            }) else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let answer = fetch::request(&url, token.as_deref(), None).await;
                dispatch(Input::Loaded(answer));
            });
        }
        Effect::Redeem { id, reward } => {
            let Some((url, token)) = with_app(|a| {
                a.borrow()
                    .as_ref()
                    .map(|app| (app.options.redeem_url(), app.options.token.clone()))
            }) else {
                return;
            };
            let mut body = String::new();
            let mut w = ObjectWriter::new(&mut body);
            w.str("id", &id);
            w.str("reward", &reward);
            w.end();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = fetch::request(&url, token.as_deref(), Some(body)).await;
                dispatch(Input::Redeemed(answer));
            });
        }
        Effect::Close => {
            let app = with_app(|a| a.borrow_mut().take());
            if let Some(app) = app {
                let back = app.back.clone();
                drop(app);
                if let Some(back) = back {
                    let _ = back.focus();
                }
            }
        }
        Effect::Warn(message) => warn(&message),
        Effect::LoadStrings(locale) => {
            let asked = with_app(|a| {
                a.borrow().as_ref().and_then(|app| {
                    let locales = app.locales.as_ref()?;
                    locales
                        .call1(&JsValue::UNDEFINED, &locale.tag().into())
                        .ok()
                })
            });
            wasm_bindgen_futures::spawn_local(async move {
                let file = match asked {
                    // Whatever `locales` returned, as a promise (a plain value settles at once).
                    Some(answer) => {
                        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&answer))
                            .await
                            .ok()
                            .map(|v| json_value::to_json(&v))
                    }
                    None => None,
                };
                dispatch(Input::Strings(file));
            });
        }
        Effect::WaitStrings(ms) => {
            // A timer as a promise (a stack closure, no `Closure` kept alive): the
            // machine hears of it once it has run out.
            let timer = js_sys::Promise::new(&mut |resolve, _| {
                if let Some(w) = web_sys::window() {
                    let _ = w
                        .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
                }
            });
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
                dispatch(Input::StringsOverdue);
            });
        }
    }
}

/// A fresh redemption id (the idempotency key of one confirmation).
fn redemption_id() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    let mut id = String::from("panel-");
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            // `from_digit`, not an index into a digit table: no bounds-check panic path (its
            // message formatting would reach the wasm).
            id.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    id
}

fn on_click(event: Event) {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("[data-a]").ok().flatten())
    else {
        return;
    };
    let action = target.get_attribute("data-a").unwrap_or_default();
    let text = target.get_attribute("data-c").unwrap_or_default();
    match action.as_str() {
        "close" => dispatch(Input::Close),
        "retry" => dispatch(Input::Retry),
        "back" => dispatch(Input::Back),
        "yes" => dispatch(Input::Confirm {
            id: redemption_id(),
        }),
        "redeem" => {
            if let Some(reward) = target.get_attribute("data-r") {
                dispatch(Input::Redeem(reward));
            }
        }
        "copy" => copy(text),
        "share" => share(text),
        _ => {}
    }
}

fn copy(text: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Undefined outside secure contexts.
    if Reflect::get(&navigator, &"clipboard".into()).map_or(true, |c| c.is_undefined()) {
        warn("the clipboard is not available on this page");
        return;
    }
    let promise = navigator.clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => dispatch(Input::Copied),
            Err(_) => warn("the clipboard refused the copy"),
        }
    });
}

fn share(url: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let data = web_sys::ShareData::new();
    data.set_url(&url);
    let promise = window.navigator().share_with_data(&data);
    // The shopper may cancel the share sheet: a rejection that is nobody's error.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

fn on_key(event: Event) {
    let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
        return;
    };
    match key.key().as_str() {
        "Escape" => {
            key.prevent_default();
            dispatch(Input::Close);
        }
        "Tab" => with_app(|a| {
            let Some(app) = a
                .borrow()
                .as_ref()
                .map(|app| (app.dialog.clone(), app.host.root().active_element()))
            else {
                return;
            };
            let (dialog, active) = app;
            let controls = render::focusables(&dialog);
            let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
                return;
            };
            let wrap_to = match (&active, key.shift_key()) {
                (Some(a), true) if a == first => Some(last),
                (Some(a), false) if a == last => Some(first),
                // From the panel itself (focused on open): Tab to its first control,
                // Shift+Tab round to its last.
                (Some(a), true) if *a == dialog => Some(last),
                (Some(a), false) if *a == dialog => Some(first),
                (None, _) => Some(first),
                _ => None,
            };
            if let Some(to) = wrap_to {
                key.prevent_default();
                let _ = to.unchecked_ref::<HtmlElement>().focus();
            }
        }),
        _ => {}
    }
}
