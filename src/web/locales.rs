//! Locale files: the widget's own words in a language other than English, fetched when the
//! machine asks ([`crate::core::machine::Effect::LoadStrings`]).
//!
//! The widget does not know where its files are served from; the loader and the npm
//! package do, and pass `locales(tag)` to `start`: it fetches `widget/locales/<tag>.json`
//! next to the glue and the wasm (same origin, same CSP `connect-src` as the wasm itself)
//! and returns a promise of its JSON. The outcome comes back to the widget's handler.

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use super::timer;
use super::transport::Pending;

/// Asks `locales(tag)` for a locale file: `handler(arrived, tag, json)` runs when it comes,
/// `handler(failed, tag)` when it cannot (no `locales` function, a throw, a rejection).
pub fn fetch(
    locales: Option<&Function>,
    tag: &str,
    handler: &Function,
    [arrived, failed]: [u8; 2],
) {
    let tag = JsValue::from_str(tag);
    let asked = locales.and_then(|locales| locales.call1(&JsValue::UNDEFINED, &tag).ok());
    match asked {
        Some(answer) => {
            // Whatever `locales` returned, as a promise (a plain value settles at once).
            let pending = Promise::resolve(&answer);
            let bound = |outcome: u8| -> Function {
                handler
                    .bind2(&JsValue::NULL, &JsValue::from(outcome), &tag)
                    .unchecked_into()
            };
            let _ = pending
                .unchecked_ref::<Pending>()
                .then(&bound(arrived), &bound(failed));
        }
        None => {
            timer::later(
                handler,
                0.0,
                [JsValue::from(failed), tag, JsValue::UNDEFINED],
            );
        }
    }
}
