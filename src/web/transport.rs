//! Delivery of one response body: `fetch` POST with `keepalive`.
//!
//! `keepalive` lets a send started during unload finish after the page is gone. The
//! callback style (rather than futures) keeps `wasm-bindgen-futures` out of the bundle.

use wasm_bindgen::JsValue;

use super::{js, timer};

/// The `fetch` options besides the body.
const INIT: &str =
    r#"{"method":"POST","headers":{"content-type":"application/json"},"keepalive":true}"#;

/// POSTs `body` as JSON to `url`; `handler(tag, outcome)` runs exactly once, with the
/// `Response` or, when the request never got an answer, the rejection reason (or
/// `undefined` when `fetch` could not even start).
pub fn post_json(url: &str, body: &str, handler: &JsValue, tag: u8) {
    // One parse of a constant rather than five property writes.
    let init = js::parse(INIT);
    js::set(&init, "body", &body.into());
    // The same function serves as fulfilment and rejection handler: exactly one runs.
    let settle = super::app::bind(handler, tag);
    let sent = js::call_global("fetch", &[url.into(), init])
        .and_then(|pending| js::call(&pending, "then", &[settle.clone(), settle]));
    if sent.is_err() {
        timer::later(
            handler,
            0.0,
            [JsValue::from(tag), JsValue::UNDEFINED, JsValue::UNDEFINED],
        );
    }
}
