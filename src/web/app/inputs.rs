//! Reading the browser into the machine's inputs: the facts of the moment, DOM events,
//! fetch outcomes and the loader's commands.

use crate::prelude::*;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, KeyboardEvent, MouseEvent, Response, Window};

use crate::core::i18n::Locale;
use crate::core::json::Json;
use crate::core::machine::{Input, Now};
use crate::core::retry::{parse_retry_after_with, Outcome};

use super::super::ui::dialog::Intent;
use super::super::{env, json_value};
use super::App;

/// The facts of the moment.
pub(super) fn now() -> Now {
    Now {
        epoch_ms: env::now_ms(),
        page_ms: env::perf_now(),
        url: env::href(),
        scroll_percent: env::scroll_percent(),
        random: env::random_bytes(),
        user_activation: env::user_activation(),
    }
}

/// The request settled with `sent` (the `Response`, or the rejection reason of a request
/// that got none) and, for a stored response, its `receipt` (the JSON body read, else
/// anything): the receipt's `points` are what the response earned.
pub(super) fn sent(sent: &JsValue, receipt: &JsValue) -> Input {
    // A plain data object (the collector's JSON), read member by member like the page's
    // options; anything else (no body, not an object) has no points.
    let points = js_sys::Reflect::get(receipt, &JsValue::from_str("points"))
        .ok()
        .and_then(|points| points.as_f64())
        .unwrap_or(0.0);
    Input::Sent {
        outcome: outcome(sent),
        // Saturating: a negative, fractional or huge number cannot wrap.
        points: points as u32,
    }
}

/// What the fetch settled with: the `Response`, or the rejection reason of a request that
/// got none.
fn outcome(sent: &JsValue) -> Outcome {
    match sent.dyn_ref::<Response>() {
        Some(response) => Outcome::Http {
            status: response.status(),
            // HTTP dates read by the browser's `Date.parse` (see `parse_retry_after_with`).
            retry_after: response
                .headers()
                .get("retry-after")
                .ok()
                .flatten()
                .and_then(|value| parse_retry_after_with(&value, env::now_ms(), env::parse_date)),
        },
        None => Outcome::NetworkError,
    }
}

/// `widget.command(name, args)`: `args` is the argument array (a single argument that is
/// no array is taken as the one argument).
pub(super) fn command(name: &JsValue, args: &JsValue) -> Input {
    let args = if Array::is_array(args) {
        args.unchecked_ref::<Array>()
            .iter()
            .map(|arg| json_value::plain_data(&arg))
            .collect()
    } else if args.is_undefined() {
        Vec::new()
    } else {
        vec![json_value::plain_data(args)]
    };
    Input::Command {
        name: match name.as_string() {
            Some(name) => Json::Str(name),
            None => Json::Null,
        },
        args,
    }
}

/// A locale file arrived (`file`: the value the `locales` promise gave) or could not be
/// fetched (`None`), for the locale tagged `tag`.
pub(super) fn strings(tag: &JsValue, file: Option<&JsValue>) -> Option<Input> {
    let locale = Locale::from_tag(&tag.as_string()?)?;
    Some(Input::Strings {
        locale,
        // Through JSON text, as every value from the page (see `json_value`).
        file: file
            .and_then(json_value::stringify)
            .and_then(|text| json_value::read(&text)),
    })
}

impl App {
    /// A DOM event: a page signal, or the survey's own.
    pub(super) fn event_input(&mut self, event: &JsValue) -> Option<Input> {
        let event = event.dyn_ref::<Event>()?;
        let kind = event.type_();
        if let Some(shown) = self.shown.as_mut() {
            // The survey's own listeners outside its shadow root: the page's keys (the
            // shortcut, Tab into a survey that did not take focus; `keydown` has no other
            // listener but the root's) and the visual viewport (`resize` has no other
            // listener; `scroll` has the window's too).
            let from = JsValue::from(event.current_target());
            if from != *AsRef::<JsValue>::as_ref(shown.view.root()) {
                if let Some(key) = event.dyn_ref::<KeyboardEvent>() {
                    shown.view.page_key(key);
                    return None;
                }
                if kind == "resize" || (kind == "scroll" && !from.has_type::<Window>()) {
                    shown.view.fit();
                    return None;
                }
            }
        }
        match kind.as_str() {
            "scroll" => Some(Input::Scroll),
            "online" => Some(Input::Online),
            "pagehide" => Some(Input::PageHidden),
            "visibilitychange" => env::document()
                .is_some_and(|d| d.hidden())
                .then_some(Input::PageHidden),
            // Exit intent: the pointer leaves the document through the top edge.
            "mouseout" => {
                let mouse = event.dyn_ref::<MouseEvent>()?;
                (mouse.related_target().is_none() && mouse.client_y() <= 0)
                    .then_some(Input::ExitIntent)
            }
            _ => {
                let shown = self.shown.as_mut()?;
                match shown.view.handle(event) {
                    Intent::None => None,
                    Intent::Close => Some(Input::Close),
                    intent @ (Intent::Next | Intent::Back) => {
                        let answer = shown.view.answer();
                        let plain = answer.as_ref().map(json_value::plain);
                        Some(if intent == Intent::Back {
                            Input::Back { answer, plain }
                        } else {
                            Input::Next { answer, plain }
                        })
                    }
                }
            }
        }
    }
}
