//! Delivery of one response body: `fetch` POST with `keepalive`.
//!
//! `keepalive` lets a send started during unload finish after the page is gone: a partial
//! response queued on `pagehide` or `visibilitychange` goes out this way. Not
//! `navigator.sendBeacon`: it cannot set headers (a JSON `Content-Type` is refused by
//! Chromium for a cross-origin beacon) and reports no outcome, so the outbox could not
//! tell a delivered response from a lost one; a `keepalive` fetch settles like any other.
//! The callback style (rather than futures) keeps `wasm-bindgen-futures` out of the bundle.
//!
//! A stored response's receipt (a 2xx answer's JSON body) is read before the outcome goes
//! to the machine: it says what loyalty points the response earned ([`read_receipt`]).

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{RequestInit, Response};

use super::{env, timer};

#[wasm_bindgen]
extern "C" {
    /// A promise, whose `then` takes plain functions here (js-sys's takes closures).
    #[wasm_bindgen(extends = Promise)]
    pub type Pending;

    /// `promise.then(onFulfilled, onRejected)`.
    #[wasm_bindgen(method)]
    pub fn then(this: &Pending, on_fulfilled: &Function, on_rejected: &Function) -> Promise;
}

/// POSTs `body` as JSON to `url`; `handler(tag, outcome)` runs exactly once, with the
/// `Response` or, when the request never got an answer, the rejection reason (or
/// `undefined` when `fetch` could not even start).
pub fn post_json(url: &str, body: &str, handler: &Function, tag: u8) {
    use super::app::object;
    // A plain object (see `object`); `keepalive` is not in web-sys's `RequestInit` anyway.
    let init: RequestInit = object(&[
        ("method", "POST".into()),
        ("keepalive", true.into()),
        ("body", body.into()),
        (
            "headers",
            object(&[("content-type", "application/json".into())]),
        ),
    ])
    .unchecked_into();
    // The same function serves as fulfilment and rejection handler: exactly one runs.
    let settle = super::app::bind(handler, tag);
    let sent = env::window().map(|window| window.fetch_with_str_and_init(url, &init));
    match sent {
        Some(pending) => {
            let _ = pending.unchecked_ref::<Pending>().then(&settle, &settle);
        }
        None => {
            timer::later(
                handler,
                0.0,
                [JsValue::from(tag), JsValue::UNDEFINED, JsValue::UNDEFINED],
            );
        }
    }
}

/// When `sent` (what [`post_json`]'s handler got) is a 2xx `Response`, reads its JSON body
/// and returns true: `handler(tag, sent, body)` then runs exactly once, with the parsed
/// body or, when it was no JSON, the rejection reason. False for anything else (the
/// outcome needs no body).
pub fn read_receipt(sent: &JsValue, handler: &Function, tag: u8) -> bool {
    // `status` rather than `ok`: one browser import fewer.
    let Some(response) = sent
        .dyn_ref::<Response>()
        .filter(|r| (200..300).contains(&r.status()))
    else {
        return false;
    };
    let Ok(body) = response.json() else {
        return false;
    };
    // `handler(tag, sent, ...)`: the tag bound as everywhere, then the response.
    let settle: Function = super::app::bind(handler, tag)
        .bind1(&JsValue::NULL, sent)
        .unchecked_into();
    let _ = body.unchecked_ref::<Pending>().then(&settle, &settle);
    true
}
