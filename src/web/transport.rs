//! Delivery of one response body: `fetch` POST with `keepalive`.
//!
//! `keepalive` lets a send started during unload finish after the page is gone. The
//! callback style (rather than futures) keeps `wasm-bindgen-futures` out of the bundle.

use crate::prelude::*;

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{RequestInit, Response};

/// What came back from one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The server answered with this HTTP status and optional `Retry-After` header value.
    Status {
        /// HTTP status code.
        status: u16,
        /// Raw `Retry-After` header, when the server exposes it.
        retry_after: Option<String>,
    },
    /// The request never got an answer (offline, DNS, CORS, aborted).
    Network,
}

/// POSTs `body` as JSON to `url` and calls `done` exactly once with the outcome.
pub fn post_json(url: &str, body: &str, done: impl FnOnce(Outcome) + 'static) {
    let Some(window) = web_sys::window() else {
        done(Outcome::Network);
        return;
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    init.set_headers(&headers);
    let _ = Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    // The same one-shot function serves as fulfilment and rejection handler: exactly one
    // of them runs, and a `once` closure frees itself when it does.
    let handler = Closure::once_into_js(move |value: JsValue| {
        let outcome = match value.dyn_ref::<Response>() {
            Some(response) => Outcome::Status {
                status: response.status(),
                retry_after: response.headers().get("retry-after").ok().flatten(),
            },
            None => Outcome::Network,
        };
        done(outcome);
    });
    let handler: &js_sys::Function = handler.unchecked_ref();
    let pending = window.fetch_with_str_and_init(url, &init);
    pending.unchecked_ref::<Thenable>().then(handler, handler);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A promise seen through `then(ok, err)` with plain functions (js-sys wants typed
    /// closures there).
    type Thenable;
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, ok: &js_sys::Function, err: &js_sys::Function);
}
